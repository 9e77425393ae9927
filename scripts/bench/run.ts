/**
 * `npm run bench [-- --sizes 3,20,50] [--memory-hosts 100|0] [--latency-ms 400] [--no-ansible] [--no-write]`
 *
 * For each fleet size, on lab fleets (a fresh one per measurement, always torn down):
 * kubeforge `up` against the critical path from the lab's command record, the no-op re-run,
 * kubeforge's CPU and memory; the prep part (os, repos, kernel, runtime, kube-packages) by
 * kubeforge, plain OpenSSH, one combined script per host and Ansible. Then, at --memory-hosts,
 * the CLI's peak memory. Prints a table and writes the figures into BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCommandRecord } from '../lab/command-record.ts';
import { projectRoot } from '../lab/paths.ts';
import type { RunRecord } from '../../src/engine/types.ts';
import { hasAnsible, runAnsible } from './ansible.ts';
import { criticalPath, runWindows } from './critical-path.ts';
import type { BenchFigures, MemoryFigures, PrepFigures, SizeFigures, UpFigures } from './figures.ts';
import { downAllOnSignal, kubeforgeBin, withLab, type BenchLab } from './lab.ts';
import { busyFraction, CpuSampler } from './machine-cpu.ts';
import { measure, type Measured } from './measure.ts';
import { opensshCombined, opensshPerStep } from './openssh.ts';
import { prepPlan, writePrepScripts } from './prep-scripts.ts';
import { printReport, writeBenchmarksMd } from './report.ts';
import { readSessions } from './sessions.ts';

interface Args {
  sizes: number[];
  memoryHosts: number;
  latencyMs: number;
  ansible: boolean;
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sizes: [3, 20, 50], memoryHosts: 100, latencyMs: 400, ansible: true, write: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    const int = (s: string | undefined): number => {
      const x = Number(s);
      if (!Number.isInteger(x) || x < 0) throw new Error(`${argv[i]} needs a whole number, not "${s}"`);
      return x;
    };
    switch (argv[i]) {
      case '--sizes':
        a.sizes = (v ?? '').split(',').map(int).filter((x) => x > 0);
        i++;
        break;
      case '--memory-hosts':
        a.memoryHosts = int(v);
        i++;
        break;
      case '--latency-ms':
        a.latencyMs = int(v);
        i++;
        break;
      case '--no-ansible':
        a.ansible = false;
        break;
      case '--no-write':
        a.write = false;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see the head of scripts/bench/run.ts)`);
    }
  }
  if (a.sizes.length === 0) throw new Error('--sizes: give at least one size, e.g. 3,20');
  return a;
}

const log = (line: string): void => void process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const mib = (kib: number): number => Math.round(kib / 1024);
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The newest run.json under a directory's .kubeforge/runs. */
function lastRun(dir: string): RunRecord | undefined {
  const runs = path.join(dir, '.kubeforge', 'runs');
  const ids = fs.existsSync(runs) ? fs.readdirSync(runs).sort() : [];
  for (const id of ids.reverse()) {
    const f = path.join(runs, id, 'run.json');
    if (fs.existsSync(f)) return JSON.parse(fs.readFileSync(f, 'utf8')) as RunRecord;
  }
  return undefined;
}

const tail = (m: Measured): string => (m.stderr || m.stdout).trim().split('\n').slice(-4).join(' | ');

function kubeforge(lab: BenchLab, args: string[]): Promise<Measured> {
  return measure(['node', kubeforgeBin, ...args], { cwd: lab.dir, timeoutMs: 1_800_000 });
}
function kfPrep(lab: BenchLab): Promise<Measured> {
  return measure(['node', path.join(projectRoot, 'scripts', 'bench', 'kf-prep.mjs'), lab.inventory, String(lab.hosts.length)], { cwd: lab.dir, timeoutMs: 1_800_000 });
}

async function measureUp(lab: BenchLab, errors: string[]): Promise<UpFigures | undefined> {
  const n = lab.hosts.length;
  const cpu = new CpuSampler().start();
  const first = await kubeforge(lab, ['up', '-i', lab.inventory, '-o', 'json', '--concurrency', String(n)]);
  const run = lastRun(lab.dir);
  if (first.code !== 0 || !run) {
    cpu.stop();
    errors.push(`up failed (exit ${first.code}): ${tail(first)}`);
    return undefined;
  }
  const records = readCommandRecord(lab.paths.dir).filter((r) => r.start >= first.t0 && r.start <= first.t1);
  const cp = criticalPath(records, runWindows(run, first.t0, first.t1));
  const sessions = readSessions(lab, first.t0, first.t1);
  const ep = criticalPath(sessions, runWindows(run, first.t0, first.t1));
  const up: UpFigures = {
    wallMs: first.wallMs, criticalPathMs: Math.round(cp.totalMs),
    windows: cp.windows.map((w, i) => {
      const win = runWindows(run, first.t0, first.t1)[i];
      return { ...w, floorMs: Math.round(w.floorMs), execFloorMs: Math.round(ep.windows[i]?.floorMs ?? 0), wallMs: Math.round(w.wallMs), machineBusy: busyFraction(cpu.samples, win.start, win.end) };
    }),
    machineBusy: busyFraction(cpu.samples, first.t0, first.t1),
    execFloorMs: Math.round(ep.totalMs),
    execs: sessions.length,
    cpuMs: first.cpuMs, sysMs: first.sysMs, rssMiB: mib(first.maxRssKiB), hostSteps: run.counts.checked,
  };
  log(`  up ${sec(up.wallMs)} (critical path ${sec(up.criticalPathMs)}, from SSH execs ${sec(up.execFloorMs ?? 0)}, ${up.execs} execs), CPU ${sec(up.cpuMs)}, RSS ${up.rssMiB} MiB, ${up.hostSteps} steps x hosts`);
  const again = await kubeforge(lab, ['up', '-i', lab.inventory, '-o', 'json', '--concurrency', String(n)]);
  cpu.stop();
  up.noopMachineBusy = busyFraction(cpu.samples, again.t0, again.t1);
  up.noopExecs = readSessions(lab, again.t0, again.t1).length;
  const run2 = lastRun(lab.dir);
  if (again.code !== 0 || !run2 || run2.id === run.id) errors.push(`no-op up failed (exit ${again.code}): ${tail(again)}`);
  else {
    Object.assign(up, { noopWallMs: again.wallMs, noopCpuMs: again.cpuMs, noopRssMiB: mib(again.maxRssKiB), noopApplied: run2.counts.applied, noopHostSteps: run2.counts.checked });
    log(`  no-op up ${sec(again.wallMs)}, ${run2.counts.applied} steps applied`);
  }
  return up;
}

/** The prep part by one tool on a fresh fleet; wall ms or undefined on failure. */
type PrepTool = (lab: BenchLab, scriptsDir: string, work: string) => Promise<{ wallMs?: number; cpuMs?: number; rssKiB?: number; failures: string[] }>;

const prepTools: Record<'kubeforge' | 'openssh' | 'combined' | 'ansible', PrepTool> = {
  kubeforge: async (lab) => {
    const m = await kfPrep(lab);
    return { wallMs: m.wallMs, cpuMs: m.cpuMs, rssKiB: m.maxRssKiB, failures: m.code === 0 ? [] : [`exit ${m.code}: ${tail(m)}`] };
  },
  openssh: async (lab, scripts) => opensshPerStep(lab, prepPlan(lab.inventory), scripts),
  combined: async (lab, scripts) => opensshCombined(lab, scripts),
  ansible: async (lab, scripts, work) => {
    const m = await runAnsible(lab, prepPlan(lab.inventory), work);
    return { wallMs: m.wallMs, cpuMs: m.cpuMs, failures: m.failures };
  },
};

async function measureSize(n: number, a: Args): Promise<SizeFigures> {
  const errors: string[] = [];
  const prep: PrepFigures = { hostSteps: 0, errors: [], commands: {}, machineBusy: {} };
  const fig: SizeFigures = { hosts: n, labUpMs: 0, prep, errors };
  log(`${n} hosts: kubeforge up`);
  await withLab(n, a.latencyMs, async (lab) => {
    fig.labUpMs = lab.upMs;
    log(`  lab up ${n}: ${sec(lab.upMs)}`);
    fig.up = await measureUp(lab, errors);
  }).catch((e: Error) => errors.push(e.message));
  const tools = (['kubeforge', 'openssh', 'combined', 'ansible'] as const).filter((t) => t !== 'ansible' || a.ansible);
  for (const tool of tools) {
    log(`${n} hosts: prep part by ${tool}`);
    await withLab(n, a.latencyMs, async (lab) => {
      const plan = prepPlan(lab.inventory);
      prep.hostSteps = plan.stepCount;
      const work = path.join(lab.dir, 'bench');
      const scripts = writePrepScripts(plan, path.join(work, 'steps'));
      const cpu = new CpuSampler().start();
      const t0 = Date.now();
      const r = await prepTools[tool](lab, scripts, work).finally(() => cpu.stop());
      prep.machineBusy[tool] = busyFraction(cpu.samples, t0, Date.now());
      if (r.failures.length > 0) prep.errors.push(...r.failures.slice(0, 3).map((f) => `${tool}: ${f}`));
      else prep[tool] = r.wallMs;
      if (tool === 'kubeforge') Object.assign(prep, { kubeforgeCpuMs: r.cpuMs, kubeforgeRssMiB: r.rssKiB === undefined ? undefined : mib(r.rssKiB) });
      if (tool === 'ansible') prep.ansibleCpuMs = r.cpuMs;
      const recs = readCommandRecord(lab.paths.dir);
      prep.commands[tool] = { all: recs.length, yumInstall: recs.filter((c) => c.argv[0] === 'yum' && c.argv.includes('install')).length };
      log(`  ${tool}: ${r.wallMs === undefined ? '-' : sec(r.wallMs)}${r.failures.length ? ` FAILED: ${r.failures[0]}` : ''}`);
    }).catch((e: Error) => prep.errors.push(`${tool}: ${e.message}`));
  }
  return fig;
}

async function measureMemory(n: number, a: Args): Promise<MemoryFigures> {
  const m: MemoryFigures = { hosts: n, errors: [] };
  log(`${n} hosts: kubeforge memory (prep part, then again)`);
  await withLab(n, a.latencyMs, async (lab) => {
    log(`  lab up ${n}: ${sec(lab.upMs)}`);
    const first = await kfPrep(lab);
    const r1 = lastRun(lab.dir);
    if (first.code !== 0) m.errors.push(`prep part: exit ${first.code}: ${tail(first)}`);
    Object.assign(m, { prepRssMiB: mib(first.maxRssKiB), prepCpuMs: first.cpuMs, prepHostSteps: r1?.counts.checked });
    log(`  prep: ${sec(first.wallMs)}, RSS ${m.prepRssMiB} MiB`);
    const again = await kfPrep(lab);
    const r2 = lastRun(lab.dir);
    if (again.code !== 0) m.errors.push(`prep again: exit ${again.code}: ${tail(again)}`);
    Object.assign(m, { noopRssMiB: mib(again.maxRssKiB), noopCpuMs: again.cpuMs, noopHostSteps: r2?.counts.checked });
    log(`  prep again: ${sec(again.wallMs)}, RSS ${m.noopRssMiB} MiB`);
  }).catch((e: Error) => m.errors.push(e.message));
  return m;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  downAllOnSignal();
  if (a.ansible && !hasAnsible()) {
    log('ansible-playbook not found (apt-get install -y ansible): the Ansible column is left out');
    a.ansible = false;
  }
  const start = await measure(['node', kubeforgeBin, '--version']);
  const figures: BenchFigures = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAvg: os.loadavg(), kernel: os.release() },
    latencyMs: a.latencyMs,
    cliStartCpuMs: start.cpuMs,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.replace(/ -- $/, ''),
    sizes: [],
  };
  const t0 = Date.now();
  for (const n of a.sizes) figures.sizes.push(await measureSize(n, a));
  if (a.memoryHosts > 0) figures.memory = await measureMemory(a.memoryHosts, a);
  log(`done in ${sec(Date.now() - t0)}`);
  process.stdout.write(printReport(figures));
  const out = path.join(projectRoot, '.kubeforge', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `${figures.date.replace(/:/g, '-')}.json`), JSON.stringify(figures, null, 2) + '\n');
  if (a.write) {
    writeBenchmarksMd(path.join(projectRoot, 'BENCHMARKS.md'), figures);
    log('figures written to BENCHMARKS.md');
  }
}

await main();
