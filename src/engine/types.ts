/** What the engine records and reports about a run. */
import type { PhaseId } from '../phases/types.ts';

export type StepStatus = 'done' | 'skipped' | 'failed' | 'not-run';

export interface StepRecord {
  id: string;
  title: string;
  phase: PhaseId;
  host: string;
  status: StepStatus;
  /** ISO time the step started */
  startedAt?: string;
  durationMs?: number;
  /** tries used (heavy steps retry) */
  attempts?: number;
  /** managed files this step replaced */
  filesChanged?: string[];
  /** on failure: exit code of the failing script (absent when the host could not be reached) */
  exitCode?: number;
  /** on failure: one line */
  error?: string;
  /** on failure: the failing script's first lines */
  command?: string;
  /** on failure: the last lines of its output */
  tail?: string;
}

export type PhaseStatus = 'done' | 'failed' | 'interrupted' | 'not-run';

export interface PhaseRecord {
  id: PhaseId;
  title: string;
  hosts: string[];
  status: PhaseStatus;
  startedAt?: string;
  durationMs?: number;
}

export interface StopPoint {
  /** the phase that did not start (or was cut short) */
  phase: PhaseId;
  reason: string;
  /** per host of that phase, the first step that did not run */
  pending?: Record<string, string>;
}

export interface RunCounts {
  checked: number;
  applied: number;
  skipped: number;
  failed: number;
  notRun: number;
}

export interface RunRecord {
  /** directory name under .kubeforge/runs/ */
  id: string;
  command: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  ok: boolean;
  phases: PhaseRecord[];
  /** per host, every step of every phase in order */
  hosts: Record<string, StepRecord[]>;
  stoppedAt?: StopPoint;
  /** the mirror chosen per class, and the candidates skipped with the reason (preflight probes) */
  mirrors?: string[];
  counts: RunCounts;
}

export function countSteps(hosts: Record<string, StepRecord[]>): RunCounts {
  const c: RunCounts = { checked: 0, applied: 0, skipped: 0, failed: 0, notRun: 0 };
  for (const steps of Object.values(hosts)) {
    for (const s of steps) {
      if (s.status === 'done') c.applied++;
      else if (s.status === 'skipped') c.skipped++;
      else if (s.status === 'failed') c.failed++;
      else c.notRun++;
      if (s.status !== 'not-run') c.checked++;
    }
  }
  return c;
}
