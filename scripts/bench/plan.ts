/**
 * `npm run bench:plan`: how long `plan` takes for a 100-host inventory (aim: under 1 s),
 * in-process (cold and warm, split into load / build / print) and through the CLI.
 * CPU time is printed beside wall time: on a busy machine wall time mostly measures the
 * other processes. Nothing connects anywhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import YAML from 'yaml';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 100);
const MASTERS = 3;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repo, 'bin', 'kubeforge.mjs');

function writeInventory(dir: string): string {
  const seed = YAML.parse(fs.readFileSync(path.join(repo, 'inventories', 'lab.yaml'), 'utf8')) as Record<string, unknown>;
  const hosts = Array.from({ length: HOSTS }, (_, i) => ({
    name: i < MASTERS ? `bench-master${String(i + 1).padStart(2, '0')}` : `bench-node${String(i - MASTERS + 1).padStart(3, '0')}`,
    address: `10.20.${Math.floor(i / 200)}.${10 + (i % 200)}`,
    role: i < MASTERS ? 'master' : 'worker',
  }));
  const cluster = { ...(seed.cluster as Record<string, unknown>), controlPlaneEndpoint: `${hosts[0].address}:6443` };
  const file = path.join(dir, 'inventory.yaml');
  fs.writeFileSync(file, YAML.stringify({ ...seed, cluster, hosts }));
  return file;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}
function timed<T>(fn: () => T): [T, Timing] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const v = fn();
  const c = process.cpuUsage(c0);
  return [v, { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000 }];
}
const fmt = (t: Timing): string => `${t.wallMs.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)})`;

/** A child process's wall and CPU time (GNU time when present, else wall only). */
async function cli(args: string[], env: Record<string, string>): Promise<Timing> {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = process.hrtime.bigint();
  const r = timeBin
    ? await execa(timeBin, ['-f', 'KFCPU %U %S', 'node', bin, ...args], { env, reject: false })
    : await execa('node', [bin, ...args], { env, reject: false });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.exitCode !== 0) throw new Error(`kubeforge ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  const m = /KFCPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-plan-'));
  // an empty cache: add-on manifests show as "not fetched", as on a fresh machine
  const cache = path.join(dir, 'cache');
  process.env.KUBEFORGE_CACHE_DIR = cache;
  try {
    const file = writeInventory(dir);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const { loadInventory } = await import('../../src/inventory/index.ts');
    const { buildPhases } = await import('../../src/phases/index.ts');
    const { assumedFactsAll } = await import('../../src/phases/assumed-facts.ts');
    const { planText, planJson } = await import('../../src/render/plan-text.ts');
    const cu = process.cpuUsage(c0);
    const imp: Timing = { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (cu.user + cu.system) / 1000 };

    const once = () => {
      const [cluster, load] = timed(() => loadInventory(file));
      const facts = assumedFactsAll(cluster);
      const [phases, build] = timed(() => buildPhases(cluster, facts));
      const [text, print] = timed(() => planText(cluster, phases, facts, true));
      return { cluster, facts, phases, text, load, build, print };
    };
    const cold = once();
    const warm = Array.from({ length: 5 }, once);
    const [json, jsonT] = timed(() => planJson(cold.cluster, cold.phases, cold.facts, true));
    const med = (k: 'load' | 'build' | 'print'): Timing => {
      const xs = warm.map((w) => w[k]).sort((a, b) => a.cpuMs - b.cpuMs);
      return xs[Math.floor(xs.length / 2)];
    };
    const sum = (...ts: Timing[]): Timing => ({ wallMs: ts.reduce((a, t) => a + t.wallMs, 0), cpuMs: ts.reduce((a, t) => a + t.cpuMs, 0) });
    const coldWork = sum(cold.load, cold.build, cold.print);
    const coldTotal = sum(imp, coldWork);
    // the CLI twice: the first run also fills the compiled-template cache
    const env = { KUBEFORGE_CACHE_DIR: cache };
    const cliFirst = await cli(['plan', '-i', file], env);
    const cliNext = await cli(['plan', '-i', file], env);
    const help = await cli(['--help'], env);
    const steps = cold.phases.reduce((n, p) => n + Object.values(p.steps).reduce((m, s) => m + s.length, 0), 0);
    const lines = [
      `plan benchmark: ${HOSTS} hosts (${MASTERS} masters), ${steps} steps, ${(cold.text.length / 1e6).toFixed(1)} MB of text, ${(json.length / 1e6).toFixed(1)} MB of JSON`,
      `  in-process, first: import ${fmt(imp)}, load ${fmt(cold.load)}, build ${fmt(cold.build)}, print ${fmt(cold.print)} = ${fmt(coldTotal)}`,
      `  in-process, warm (median of ${warm.length}): load ${fmt(med('load'))}, build ${fmt(med('build'))}, print ${fmt(med('print'))}; json ${fmt(jsonT)}`,
      `  CLI, whole process: first ${fmt(cliFirst)}, again ${fmt(cliNext)}; kubeforge --help alone ${fmt(help)}`,
      `  aim under 1000 ms: first plan's work (load + build + print) ${fmt(coldWork)} -> ${coldWork.cpuMs < 1000 ? 'met' : 'NOT met'} (cpu); with module imports ${fmt(coldTotal)} -> ${coldTotal.cpuMs < 1000 ? 'met' : 'NOT met'} (cpu)`,
      `  machine load average (1 min): ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
