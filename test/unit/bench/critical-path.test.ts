import { describe, expect, it } from 'vitest';
import { criticalPath, runWindows } from '../../../scripts/bench/critical-path.ts';
import type { CommandRecord } from '../../../scripts/lab/command-record.ts';

const rec = (host: string, start: number, end: number): CommandRecord => ({ host, argv: ['x'], start, end, exit: 0, code: 0 });
const iso = (ms: number): string => new Date(ms).toISOString();

describe('runWindows', () => {
  it('cuts the run at each phase start, with the time before and after the phases', () => {
    const run = { phases: [{ id: 'os', startedAt: iso(1000), durationMs: 400 }, { id: 'repos', startedAt: iso(1500), durationMs: 300 }, { id: 'never' }] };
    expect(runWindows(run, 0, 2500)).toEqual([
      { name: '(connect, facts)', start: 0, end: 1000 },
      { name: 'os', start: 1000, end: 1500 },
      { name: 'repos', start: 1500, end: 1800 },
      { name: '(after)', start: 1800, end: 2500 },
    ]);
  });
  it('is one window when no phase started', () => {
    expect(runWindows({ phases: [] }, 5, 9)).toEqual([{ name: 'run', start: 5, end: 9 }]);
  });
});

describe('criticalPath', () => {
  const windows = [{ name: 'a', start: 0, end: 100 }, { name: 'b', start: 100, end: 300 }];
  it('adds up the slowest host of each window', () => {
    const recs = [
      rec('h1', 0, 30), rec('h1', 40, 60), // h1: 50 in a
      rec('h2', 10, 50), // h2: 40 in a
      rec('h1', 100, 110), // h1: 10 in b
      rec('h2', 120, 200), rec('h2', 210, 220), // h2: 90 in b
    ];
    const cp = criticalPath(recs, windows);
    expect(cp.windows.map((w) => [w.name, w.floorMs, w.host])).toEqual([['a', 50, 'h1'], ['b', 90, 'h2']]);
    expect(cp.totalMs).toBe(140);
  });
  it('counts a host running two commands at once (a pipe) once, and puts a command in the window it started in', () => {
    const cp = criticalPath([rec('h1', 10, 60), rec('h1', 20, 50), rec('h2', 90, 150)], windows);
    expect(cp.windows[0]).toMatchObject({ floorMs: 60, host: 'h2' });
    expect(cp.windows[1].floorMs).toBe(0);
    expect(cp.totalMs).toBe(60);
  });
});

describe('machine CPU', async () => {
  const { busyFraction, readProcStat } = await import('../../../scripts/bench/machine-cpu.ts');
  it('reads busy and total jiffies from /proc/stat', () => {
    expect(readProcStat('cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ busy: 160, total: 980 });
  });
  it('gives the busy fraction between the nearest samples inside a window', () => {
    const s = [{ t: 0, busy: 0, total: 0 }, { t: 100, busy: 50, total: 100 }, { t: 200, busy: 140, total: 200 }, { t: 300, busy: 150, total: 300 }];
    expect(busyFraction(s, 100, 200)).toBe(0.9);
    expect(busyFraction(s, 0, 300)).toBe(0.5);
    expect(busyFraction(s, 110, 190)).toBeUndefined();
  });
});
