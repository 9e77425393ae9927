/**
 * The runner: phases in order; inside a phase the hosts in parallel (bounded);
 * per host the steps in order. A failed host stops its own steps; the others
 * go on; the run stops before the next phase that needs a failed host. On
 * interrupt no new step starts and the running ones get a bounded grace time.
 */
import type { Host } from '../hosts/host.ts';
import { HostError } from '../hosts/host.ts';
import { Semaphore } from '../hosts/semaphore.ts';
import type { HostStep, Phase } from '../phases/types.ts';
import { JournaledHost } from './journaled-host.ts';
import type { Journal } from './journal.ts';
import type { FailureSummary, Reporter, RunEvent } from './output.ts';
import { precheckHost } from './precheck.ts';
import { execStep, type StepExecOptions } from './step-exec.ts';
import { readFileStates, syncFiles, type FileState } from './step-files.ts';
import { summaryMessage } from './summary.ts';
import type { RuntimeEnvSource } from './runtime-env.ts';
import { countSteps, type PhaseRecord, type RunRecord, type StepRecord, type StopPoint } from './types.ts';

export interface RunnerOptions {
  phases: Phase[];
  /** the Host for an inventory name (connected lazily by its first command) */
  host: (name: string) => Host;
  journal: Journal;
  reporter: Reporter;
  /** hosts worked on at once inside a phase; default 20 */
  concurrency?: number;
  /** abort = SIGINT: start no new step */
  signal?: AbortSignal;
  /** abort = a second SIGINT: stop the running steps without waiting for the grace time */
  hardStop?: AbortSignal;
  /** how long running steps may go on after an interrupt; default 30 s */
  graceMs?: number;
  /** default 10 min for a step's exec, 30 min for heavy ones */
  stepTimeoutMs?: number;
  heavyTimeoutMs?: number;
  /** tries of a heavy step; default 3, waiting backoffMs between */
  heavyAttempts?: number;
  backoffMs?: number[];
  sleep?: (ms: number) => Promise<void>;
  /**
   * false (default): a failed host stops; the others go on with the phase, and the run stops before
   * the next phase that needs the failed host. true: on any failure the other hosts finish their
   * current step and start no new one.
   */
  failFast?: boolean;
  /** values for HostStep.env (join token, CA hash, certificate key); required when a step lists env */
  runtimeEnv?: RuntimeEnvSource;
  /**
   * Hosts likely converged (already nodes): before the first phase, one exec per host checks all
   * of its steps at once (precheck.ts); steps found done are skipped without their own exec as
   * long as the run has not started changing anything.
   */
  precheck?: string[];
}

export interface RunOutcome {
  ok: boolean;
  /** 0 ok, 1 failed, 130 interrupted */
  exitCode: number;
  record: RunRecord;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** 20261123T190501Z: short, sortable, safe in file names. */
const backupStamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export async function runPhases(o: RunnerOptions): Promise<RunOutcome> {
  const { journal } = o;
  const red = journal.redactor;
  const record = journal.record;
  const t0 = performance.now();
  const sleep = o.sleep ?? realSleep;
  const stamp = backupStamp(record.startedAt);
  const interrupted = (): boolean => o.signal?.aborted ?? false;
  const emit = async (e: RunEvent): Promise<void> => {
    await o.reporter.emit(red.redactValue(e));
  };

  // every step of every phase is in the record from the start, as not-run
  const recs = new Map<HostStep, StepRecord>();
  for (const p of o.phases) {
    record.phases.push({ id: p.id, title: p.title, hosts: p.hosts, status: 'not-run' });
    for (const h of p.hosts) {
      for (const s of p.steps[h] ?? []) {
        if (s.secrets) red.add(...s.secrets);
        const r: StepRecord = { id: s.id, title: s.title, phase: p.id, host: h, status: 'not-run' };
        recs.set(s, r);
        (record.hosts[h] ??= []).push(r);
      }
    }
  }
  journal.save();

  const hosts = new Map<string, JournaledHost>();
  const hostOf = (name: string): JournaledHost => {
    let h = hosts.get(name);
    if (!h) {
      h = new JournaledHost(o.host(name), journal);
      hosts.set(name, h);
    }
    return h;
  };
  const failed = new Set<string>();
  const failures: FailureSummary[] = [];
  let cutShort = false;
  const execOpts: StepExecOptions = {
    timeoutMs: o.stepTimeoutMs ?? 600_000,
    heavyTimeoutMs: o.heavyTimeoutMs ?? 1_800_000,
    heavyAttempts: o.heavyAttempts ?? 3,
    backoffMs: o.backoffMs ?? [2_000, 5_000],
    sleep,
    stopped: interrupted,
  };

  // steps found done by the precheck; trusted only until the first step that has work to do
  // (anywhere: a change on one host can matter to another host's check)
  const prechecked = new Set<HostStep>();
  let working = false;

  const runHost = async (phase: Phase, name: string): Promise<void> => {
    const host = hostOf(name);
    const steps = phase.steps[name] ?? [];
    let states: Map<string, FileState> | undefined;
    for (const [i, step] of steps.entries()) {
      if (interrupted() || (o.failFast && failed.size > 0)) return;
      const rec = recs.get(step);
      if (!rec) continue;
      rec.startedAt = new Date().toISOString();
      const s0 = performance.now();
      await emit({ type: 'step-start', phase: phase.id, host: name, step: step.id, title: step.title });
      if (!working && prechecked.has(step)) {
        Object.assign(rec, { status: 'skipped', durationMs: 0 });
        await emit({ type: 'step-end', phase: phase.id, host: name, step: step.id, title: step.title, status: 'skipped', durationMs: 0 });
        continue;
      }
      working = true;
      try {
        let changed: string[] = [];
        if (step.files.length > 0) {
          host.label = `${step.id} files`;
          // one exec reads the state of this and every later step's files
          states ??= await readFileStates(host, [...new Set(steps.slice(i).flatMap((s) => s.files.map((f) => f.path)))]);
          changed = await syncFiles(host, step.files, states, stamp);
          if (changed.length > 0) rec.filesChanged = changed;
        }
        const envOf = async (): Promise<Record<string, string>> => {
          if (!o.runtimeEnv) throw new Error(`step ${step.id} needs ${step.env?.join(', ')} but the run has no source for them`);
          return o.runtimeEnv.resolve(step.env ?? [], hostOf);
        };
        Object.assign(rec, await execStep(host, step, changed, execOpts, envOf));
        // its processes were ended by the interrupt: the step did not fail, it did not finish
        if (cutShort && rec.status === 'failed') {
          Object.assign(rec, { status: 'not-run', error: 'interrupted while running', exitCode: undefined, command: undefined, tail: undefined });
        }
        // an apply may touch other managed files: read their state again when needed
        if (rec.status === 'done') states = undefined;
      } catch (e) {
        const msg = e instanceof HostError ? e.message : `${name}: ${(e as Error).message}`;
        if (cutShort) Object.assign(rec, { status: 'not-run', error: 'interrupted while running' });
        else Object.assign(rec, { status: 'failed', error: msg, attempts: rec.attempts ?? 1 });
      }
      rec.durationMs = Math.round(performance.now() - s0);
      await emit({
        type: 'step-end', phase: phase.id, host: name, step: step.id, title: step.title, status: rec.status, durationMs: rec.durationMs,
        ...(rec.exitCode !== undefined ? { exitCode: rec.exitCode } : {}),
        ...(rec.error ? { error: rec.error } : {}),
        ...(rec.command ? { command: rec.command } : {}),
        ...(rec.tail ? { tail: rec.tail } : {}),
        ...(rec.filesChanged ? { filesChanged: rec.filesChanged } : {}),
      });
      journal.save(false);
      if (rec.status === 'failed') {
        failed.add(name);
        failures.push({ host: name, step: step.id, error: rec.error ?? 'failed', exitCode: rec.exitCode, command: rec.command, tail: rec.tail });
        return;
      }
      if (rec.status === 'not-run') return;
    }
  };

  let stoppedAt: StopPoint | undefined;
  const pool = new Semaphore(Math.max(1, o.concurrency ?? 20));
  if (o.precheck && o.precheck.length > 0 && !interrupted()) {
    await Promise.all(
      o.precheck.map((name) =>
        pool.use(async () => {
          if (interrupted()) return;
          for (const s of await precheckHost(hostOf(name), o.phases.flatMap((p) => p.steps[name] ?? []))) prechecked.add(s);
        }),
      ),
    );
  }
  for (const [pi, phase] of o.phases.entries()) {
    const prec = record.phases[pi] as PhaseRecord;
    if (interrupted()) {
      stoppedAt = { phase: phase.id, reason: 'interrupted' };
      break;
    }
    const blocked = phase.hosts.filter((h) => failed.has(h));
    if (blocked.length > 0) {
      stoppedAt = { phase: phase.id, reason: `${blocked.join(', ')} failed earlier` };
      break;
    }
    prec.startedAt = new Date().toISOString();
    const p0 = performance.now();
    await emit({ type: 'phase-start', phase: phase.id, title: phase.title, hosts: phase.hosts });
    const work = Promise.all(phase.hosts.map((h) => pool.use(() => runHost(phase, h))));
    await untilDoneOrGraceOver(work, o.signal, o.hardStop, o.graceMs ?? 30_000, () => {
      // grace is over: end the remote commands and cut the connections, the running steps end as not-run
      cutShort = true;
      for (const h of phase.hosts) void hostOf(h).stop();
    });
    prec.durationMs = Math.round(performance.now() - p0);
    const pending = pendingSteps(phase, recs);
    const phaseFailed = phase.hosts.some((h) => failed.has(h));
    prec.status = phaseFailed ? 'failed' : pending ? 'interrupted' : 'done';
    await emit({ type: 'phase-end', phase: phase.id, status: prec.status, durationMs: prec.durationMs });
    journal.save();
    if (o.failFast && phaseFailed) {
      stoppedAt = { phase: phase.id, reason: `${phase.hosts.filter((h) => failed.has(h)).join(', ')} failed`, ...(pending ? { pending } : {}) };
      break;
    }
    if (interrupted()) {
      const next = o.phases[pi + 1];
      if (pending) stoppedAt = { phase: phase.id, reason: 'interrupted', pending };
      else if (next) stoppedAt = { phase: next.id, reason: 'interrupted' };
      break;
    }
  }

  // the caller owns the hosts (and closes them); the runner only cut them on an expired grace
  record.counts = countSteps(record.hosts);
  record.ok = failures.length === 0 && !stoppedAt;
  if (stoppedAt) record.stoppedAt = stoppedAt;
  record.endedAt = new Date().toISOString();
  record.durationMs = Math.round(performance.now() - t0);
  journal.save();
  const message = summaryMessage(record.ok, record.counts, stoppedAt);
  await emit({
    type: 'run-end', ok: record.ok, counts: record.counts, ...(stoppedAt ? { stoppedAt } : {}), runDir: journal.dir,
    durationMs: record.durationMs, message, failures,
  });
  return { ok: record.ok, exitCode: record.ok ? 0 : interrupted() ? 130 : 1, record };
}

/** The first step not run, per host of the phase; undefined when every step ran. */
function pendingSteps(phase: Phase, recs: Map<HostStep, StepRecord>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const h of phase.hosts) {
    const first = (phase.steps[h] ?? []).find((s) => recs.get(s)?.status === 'not-run');
    if (first) out[h] = first.id;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Wait for `work`; once `signal` aborts, wait at most `graceMs` more (nothing more once `hard`
 * aborts), then call `onGraceOver` and wait for the rest.
 */
async function untilDoneOrGraceOver(
  work: Promise<unknown>, signal: AbortSignal | undefined, hard: AbortSignal | undefined, graceMs: number, onGraceOver: () => void,
): Promise<void> {
  if (!signal) {
    await work;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  let over = false;
  const end = (): void => {
    if (over) return;
    over = true;
    if (timer) clearTimeout(timer);
    onGraceOver();
  };
  const onAbort = (): void => {
    timer ??= setTimeout(end, graceMs);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  if (hard?.aborted) end();
  else hard?.addEventListener('abort', end, { once: true });
  try {
    await work;
  } finally {
    over = true;
    signal.removeEventListener('abort', onAbort);
    hard?.removeEventListener('abort', end);
    if (timer) clearTimeout(timer);
  }
}
