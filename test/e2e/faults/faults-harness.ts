/** Helpers for the fault tests: `up` as a child process to act on while it runs, and what the lab and the run recorded. */
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { inventoryOf, runDirs, UP_TIMEOUT, type Run, type TestLab } from '../up/up-harness.ts';

export * from '../up/up-harness.ts';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;

export interface UpProcess {
  child: ResultPromise;
  done: Promise<Run>;
}

/** `kubeforge up` started in the lab's cwd, not awaited: the test acts while it runs. */
export function startUp(lab: TestLab, args: string[] = [], inventory = inventoryOf(lab)): UpProcess {
  const child = execa('node', [bin, 'up', '-i', inventory, ...args], { cwd: lab.cwd, reject: false, timeout: UP_TIMEOUT });
  const done = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut ?? false }));
  return { child, done };
}

/** Poll until `test` gives a value (or `timeoutMs` passes: undefined). */
export async function waitFor<T>(test: () => T | undefined, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = test();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

const readIf = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

/** The lab's own log (simulator errors, faults it applied). */
export const labLog = (lab: TestLab): string => readIf(lab.paths.log);

/** The host's log of the newest run ('' before it exists). */
export function hostLog(lab: TestLab, host: string): string {
  const dir = runDirs(lab).at(-1);
  return dir ? readIf(path.join(dir, `${host}.log`)) : '';
}

/** Wait until the newest run's log of `host` shows `step` starting (a "=== <time> <label>" line). */
export const waitForStep = (lab: TestLab, host: string, step: string, timeoutMs: number): Promise<true | undefined> =>
  waitFor(() => (new RegExp(`^=== \\S+ ${step.replace(/\./g, '\\.')}\\b`, 'm').test(hostLog(lab, host)) ? true : undefined), timeoutMs);

export interface CommandLine { host: string; argv: string[]; start: number; end: number; code: number }

/** Every simulated command the lab ran (commands.jsonl). */
export function labCommands(lab: TestLab): CommandLine[] {
  return readIf(lab.paths.commands).split('\n').filter(Boolean).map((l) => JSON.parse(l) as CommandLine);
}

export interface StepRecordFull { id: string; host: string; phase: string; status: string; attempts?: number; startedAt?: string; durationMs?: number; error?: string; exitCode?: number; tail?: string; command?: string }
export interface RunRecordFull {
  ok: boolean;
  phases: { id: string; status: string }[];
  hosts: Record<string, StepRecordFull[]>;
  stoppedAt?: { phase: string; reason: string; pending?: Record<string, string> };
  counts: { applied: number; checked: number; failed: number; notRun: number };
}

export const readRunFull = (dir: string): RunRecordFull => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecordFull;

/** "host step" -> status, of one run directory. */
export const statuses = (dir: string): Map<string, string> =>
  new Map(Object.values(readRunFull(dir).hosts).flat().map((s) => [`${s.host} ${s.id}`, s.status]));

/** A file's content on a host ('' when missing), for before/after comparisons. */
export async function hostFile(lab: TestLab, host: string, file: string): Promise<string> {
  const r = await lab.kf(['lab', 'exec', host, '--', `cat ${file} 2>/dev/null; ls -la --time-style=+%s ${path.dirname(file)} 2>/dev/null | grep -F ' ${path.basename(file)}' || true`]);
  return r.stdout;
}
