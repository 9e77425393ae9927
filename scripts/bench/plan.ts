/**
 * `npm run bench:plan`: how long `plan` takes for a 100-host inventory (aim: under 1 s),
 * in-process (cold and warm) and through the CLI. Nothing connects anywhere.
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

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-plan-'));
  // an empty cache: add-on manifests show as "not fetched", as on a fresh machine
  process.env.KUBEFORGE_CACHE_DIR = path.join(dir, 'cache');
  try {
    const file = writeInventory(dir);
    let t0 = process.hrtime.bigint();
    const { planOutput } = await import('../../src/commands/plan-output.ts');
    const importMs = ms(t0);
    t0 = process.hrtime.bigint();
    const out = planOutput(file, 'text');
    const coldMs = ms(t0);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = process.hrtime.bigint();
      planOutput(file, 'text');
      warm.push(ms(t0));
    }
    t0 = process.hrtime.bigint();
    const json = planOutput(file, 'json');
    const jsonMs = ms(t0);
    t0 = process.hrtime.bigint();
    const cli = await execa('node', [path.join(repo, 'bin', 'kubeforge.mjs'), 'plan', '-i', file], { env: { KUBEFORGE_CACHE_DIR: process.env.KUBEFORGE_CACHE_DIR }, reject: false });
    const cliMs = ms(t0);
    if (cli.exitCode !== 0) throw new Error(`kubeforge plan failed (${cli.exitCode}): ${cli.stderr}`);
    // the CLI's fixed cost (node + tsx + commander), to tell it apart from plan's own
    t0 = process.hrtime.bigint();
    await execa('node', [path.join(repo, 'bin', 'kubeforge.mjs'), '--help']);
    const helpMs = ms(t0);
    const steps = (out.match(/^ {2}- \[/gm) ?? []).length;
    const median = [...warm].sort((a, b) => a - b)[Math.floor(warm.length / 2)];
    const lines = [
      `plan benchmark: ${HOSTS} hosts (${MASTERS} masters), ${steps} steps, ${(out.length / 1e6).toFixed(1)} MB of text, ${(json.length / 1e6).toFixed(1)} MB of JSON`,
      `  in-process: import ${importMs.toFixed(0)} ms, first plan ${coldMs.toFixed(0)} ms, warm median ${median.toFixed(0)} ms (of ${warm.length}), json ${jsonMs.toFixed(0)} ms`,
      `  CLI (node bin/kubeforge.mjs plan, whole process): ${cliMs.toFixed(0)} ms; kubeforge --help alone: ${helpMs.toFixed(0)} ms`,
      `  aim: plan under 1000 ms (first in-process plan, import included: ${(importMs + coldMs).toFixed(0)} ms) -> ${importMs + coldMs < 1000 ? 'met' : 'NOT met'}`,
      `  machine load average (1 min): ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
