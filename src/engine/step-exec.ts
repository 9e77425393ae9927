/**
 * One step on one host: its files, then check || apply (+ confirming check) in
 * one exec; heavy steps retried with backoff. Returns what to record.
 */
import { randomBytes } from 'node:crypto';
import type { Host } from '../hosts/host.ts';
import type { HostStep } from '../phases/types.ts';
import { checkScript, parseStepOutput, stepScript, type PartResult } from './step-script.ts';
import { defaultRebootWait, rebootAndCheck, type RebootWaitOptions } from './step-reboot.ts';
import type { StepRecord } from './types.ts';

export interface StepExecOptions {
  timeoutMs: number;
  heavyTimeoutMs: number;
  heavyAttempts: number;
  /** waits between tries of a heavy step */
  backoffMs: number[];
  sleep: (ms: number) => Promise<void>;
  /** stop retrying when set */
  stopped: () => boolean;
  /** for steps marked `reboot` (default: wait up to 5 min) */
  reboot?: RebootWaitOptions;
}

export type StepOutcome = Pick<StepRecord, 'status' | 'attempts' | 'exitCode' | 'error' | 'command' | 'tail'>;

const TAIL_LINES = 15;

/** The lines a person needs to recognise the script: first few, without shebang, comments and `set` lines. */
export function scriptHead(script: string, n = 3): string {
  const lines = script.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() && !/^\s*(#|set -)/.test(l));
  return lines.slice(0, n).join('\n') + (lines.length > n ? '\n...' : '');
}

/**
 * Lines that name the cause (the repository yum or dnf gave up on, an error summary): kept from
 * above the tail, since later output (retries, other mirrors, cleanup) may push them out of it.
 */
const CAUSE_LINE = /^(failure: |Error: |Errors during downloading|E: |fatal: |error execution phase )|No more mirrors to try|Cannot (find a valid baseurl|retrieve repository)|Failed to download metadata/;

/** The last TAIL_LINES lines of the output, under up to 3 earlier lines that name the cause. */
export function outputTail(...texts: string[]): string {
  const lines = texts.join('\n').split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const tail = lines.slice(-TAIL_LINES);
  const causes = lines.slice(0, -TAIL_LINES).filter((l) => CAUSE_LINE.test(l)).slice(-3);
  return (causes.length > 0 ? [...causes, '...', ...tail] : tail).join('\n');
}

const partTail = (p: PartResult | undefined): string => (p ? outputTail(p.stdout, p.stderr) : '');

/**
 * `runtimeEnv` gives the values of step.env; it is only called when the step
 * has to apply (a converged run creates no join token): such steps run their
 * check alone first.
 */
export async function execStep(
  host: Host & { label: string },
  step: HostStep,
  filesChanged: string[],
  o: StepExecOptions,
  runtimeEnv: () => Promise<Record<string, string>> = async () => ({}),
): Promise<StepOutcome> {
  const attempts = step.heavy ? Math.max(1, o.heavyAttempts) : 1;
  const timeoutMs = step.heavy ? o.heavyTimeoutMs : o.timeoutMs;
  const env: Record<string, string> = { KUBEFORGE_CHANGED_FILES: filesChanged.join(' ') };
  // join token, CA hash, certificate key: on stdin, off the host's process list
  const secretEnv: Record<string, string> = {};
  if (step.env && step.env.length > 0) {
    const nonce = randomBytes(6).toString('hex');
    host.label = `${step.id} (check)`;
    const r = await host.run(checkScript(step.check, nonce), { timeoutMs: o.timeoutMs, env });
    if (parseStepOutput(r.stdout, r.stderr, nonce).check?.code === 0) {
      return { status: filesChanged.length > 0 ? 'done' : 'skipped', attempts: 1 };
    }
    Object.assign(secretEnv, await runtimeEnv());
  }
  let last: StepOutcome = { status: 'failed', error: 'not run' };
  for (let a = 1; a <= attempts; a++) {
    const nonce = randomBytes(6).toString('hex');
    host.label = a > 1 ? `${step.id} (try ${a}/${attempts})` : step.id;
    const r = await host.run(stepScript(step.check, step.apply, nonce), { timeoutMs, env, secretEnv });
    const parts = parseStepOutput(r.stdout, r.stderr, nonce, step.apply);
    if (parts.check?.code === 0) return { status: filesChanged.length > 0 ? 'done' : 'skipped', attempts: a };
    if (parts.apply?.code === 0 && parts.verify?.code === 0) return { status: 'done', attempts: a };
    if (step.reboot && parts.apply?.code === 0) {
      // the apply takes effect only after a reboot (step-reboot.ts): reboot, wait, check again
      const rb = await rebootAndCheck(host, step, o.reboot ?? defaultRebootWait(o.sleep));
      if (rb.ok) return { status: 'done', attempts: a };
      return { status: 'failed', attempts: a, exitCode: rb.exitCode, error: rb.error, command: scriptHead(step.check), tail: rb.tail ? outputTail(rb.tail) : undefined };
    }
    const timedOut = r.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)}s` : undefined;
    if (!parts.check) {
      last = { status: 'failed', attempts: a, exitCode: r.code, error: timedOut ?? 'the check did not finish', command: scriptHead(step.check), tail: outputTail(r.stdout, r.stderr) };
    } else if (!parts.apply || parts.apply.code !== 0) {
      last = {
        status: 'failed', attempts: a, exitCode: parts.apply?.code ?? r.code, error: timedOut ?? 'apply failed',
        command: parts.apply?.failedCommand ?? scriptHead(step.apply), tail: parts.apply ? partTail(parts.apply) : outputTail(r.stdout, r.stderr),
      };
    } else {
      last = {
        status: 'failed', attempts: a, exitCode: parts.verify?.code ?? r.code,
        error: timedOut ?? 'apply succeeded but the check still fails', command: scriptHead(step.check), tail: partTail(parts.verify),
      };
    }
    if (a < attempts && !o.stopped()) await o.sleep(o.backoffMs[Math.min(a - 1, o.backoffMs.length - 1)] ?? 0);
    else break;
  }
  return last;
}
