/**
 * What a run tells the user, as events; three reporters render them: listr2 on
 * a TTY, plain lines without one, JSON lines for `--output json`.
 */
import type { PhaseId } from '../phases/types.ts';
import type { PhaseStatus, RunCounts, StepStatus, StopPoint } from './types.ts';

export type RunEvent =
  | { type: 'phase-start'; phase: PhaseId; title: string; hosts: string[] }
  | { type: 'step-start'; phase: PhaseId; host: string; step: string; title: string }
  | {
    type: 'step-end'; phase: PhaseId; host: string; step: string; title: string; status: StepStatus; durationMs: number;
    exitCode?: number; error?: string; command?: string; tail?: string; filesChanged?: string[];
  }
  | { type: 'phase-end'; phase: PhaseId; status: PhaseStatus; durationMs: number }
  /** something the user should know while it lasts (waiting for a host to come back, an interrupt) */
  | { type: 'notice'; host?: string; message: string }
  | { type: 'run-end'; ok: boolean; counts: RunCounts; stoppedAt?: StopPoint; runDir: string; durationMs: number; message: string; failures: FailureSummary[] };

export interface FailureSummary {
  host: string;
  step: string;
  exitCode?: number;
  error: string;
  command?: string;
  tail?: string;
}

export interface Reporter {
  emit(e: RunEvent): void | Promise<void>;
}

export type OutputMode = 'tty' | 'plain' | 'json';

/** listr2 only where a person watches a terminal; `--output json` wins over everything. */
export function pickOutputMode(output: 'text' | 'json', stream: NodeJS.WriteStream = process.stdout): OutputMode {
  if (output === 'json') return 'json';
  return stream.isTTY && process.env.TERM !== 'dumb' && !process.env.CI ? 'tty' : 'plain';
}
