/**
 * The floor of a run given its phase barriers, from the lab's command record: inside each
 * window (connect + facts, each phase, the work after the last phase) the slowest host's
 * summed simulated-command time; the windows' floors added up. No orchestrator can go under
 * it without breaking a barrier or doing less work.
 */
import { busyIntervals, type CommandRecord } from '../lab/command-record.ts';

export interface Window {
  name: string;
  /** epoch ms, [start, end) */
  start: number;
  end: number;
}

/** The parts of run.json this needs (src/engine/types.ts RunRecord). */
export interface RunPhases {
  phases: { id: string; startedAt?: string; durationMs?: number }[];
}

/**
 * Windows over [t0, t1] (the CLI's whole life): before the first phase, one per phase (up to
 * the next phase's start: the barrier), after the last phase.
 */
export function runWindows(run: RunPhases, t0: number, t1: number): Window[] {
  const started = run.phases
    .filter((p) => p.startedAt)
    .map((p) => ({ name: p.id, start: Date.parse(p.startedAt ?? ''), end: Date.parse(p.startedAt ?? '') + (p.durationMs ?? 0) }))
    .sort((a, b) => a.start - b.start);
  if (started.length === 0) return [{ name: 'run', start: t0, end: t1 }];
  const out: Window[] = [{ name: '(connect, facts)', start: t0, end: started[0].start }];
  started.forEach((p, i) => out.push({ name: p.name, start: p.start, end: i + 1 < started.length ? started[i + 1].start : p.end }));
  out.push({ name: '(after)', start: started.at(-1)?.end ?? t1, end: t1 });
  return out;
}

export interface WindowFloor {
  name: string;
  /** the slowest host's summed command time in the window */
  floorMs: number;
  host?: string;
  wallMs: number;
}

export interface CriticalPath {
  totalMs: number;
  windows: WindowFloor[];
}

/** Commands are put in the window where they started; a host's overlapping commands count once. */
export function criticalPath(records: readonly CommandRecord[], windows: readonly Window[]): CriticalPath {
  const out: WindowFloor[] = [];
  for (const w of windows) {
    const inside = records.filter((r) => r.start >= w.start && r.start < w.end);
    let floorMs = 0;
    let host: string | undefined;
    for (const [h, list] of busyIntervals(inside)) {
      const busy = list.reduce((s, [a, b]) => s + (b - a), 0);
      if (busy > floorMs) {
        floorMs = busy;
        host = h;
      }
    }
    out.push({ name: w.name, floorMs, host, wallMs: w.end - w.start });
  }
  return { totalMs: out.reduce((s, w) => s + w.floorMs, 0), windows: out };
}
