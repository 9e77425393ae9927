// Many hosts with --concurrency: never more hosts busy at once than asked for, measured from the
// lab's side (its record of every simulated command) and from kubeforge's own run.json. The
// init on the master fails on purpose: the preparation phases run on every host, then it stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxConcurrentHosts, readCommandRecord, type CommandRecord } from '../../../scripts/lab/command-record.ts';
import { makeTestLab, readRunFull, runDirs, type Run, type TestLab } from './faults-harness.ts';

const HOSTS = 50;
const CONCURRENCY = 10;
let lab: TestLab;
let run: Run;
let upStart = 0;
let upEnd = 0;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', String(HOSTS)], { timeout: 300_000 });
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  // every try of the init fails: the run stops after the phases before it
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-master01', '--count', '5', '--stderr', 'error execution phase preflight: [preflight] Some fatal errors occurred:', '^kubeadm init']);
  if (f.exitCode !== 0) throw new Error(`lab fault: ${f.stderr}`);
  upStart = Date.now();
  run = await lab.kf(['up', '-i', `${lab.paths.dir}/inventory.yaml`, '--concurrency', String(CONCURRENCY)], { timeout: 300_000 });
  upEnd = Date.now();
}, 600_000);

afterAll(async () => {
  await lab?.down();
}, 120_000);

/**
 * The run's step records as busy intervals, in the lab record's shape. Their times have 1 ms
 * resolution (start truncated, duration rounded): the end is taken 1 ms early, or a step starting
 * on the slot another host's step just left would seem to overlap it.
 */
function stepIntervals(): CommandRecord[] {
  const rec = readRunFull(runDirs(lab)[0]);
  return Object.values(rec.hosts).flat()
    .filter((s) => s.startedAt && s.durationMs !== undefined)
    .map((s) => {
      const start = Date.parse(s.startedAt ?? '');
      return { host: s.host, argv: [s.id], start, end: Math.max(start, start + (s.durationMs ?? 0) - 1), exit: 0, code: 0 };
    });
}

describe(`up on ${HOSTS} hosts with --concurrency ${CONCURRENCY}`, () => {
  it('ran the preparation on every host, then stopped at the failed init', () => {
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^kf-master01: init\.\S+ FAILED/m);
    const rec = readRunFull(runDirs(lab)[0]);
    const prepared = new Set(Object.values(rec.hosts).flat().filter((s) => s.phase === 'runtime' && s.status === 'done').map((s) => s.host));
    expect(prepared.size).toBe(HOSTS);
  });

  it('the lab never saw more hosts busy at once than the concurrency, and saw them in parallel', () => {
    const records = readCommandRecord(lab.paths.dir).filter((r) => r.start >= upStart && r.end <= upEnd);
    expect(new Set(records.map((r) => r.host)).size).toBe(HOSTS);
    const max = maxConcurrentHosts(records);
    expect(max).toBeLessThanOrEqual(CONCURRENCY);
    expect(max).toBeGreaterThanOrEqual(2);
  });

  it("kubeforge's own run.json agrees", () => {
    const max = maxConcurrentHosts(stepIntervals());
    expect(max).toBeLessThanOrEqual(CONCURRENCY);
    expect(max).toBeGreaterThanOrEqual(2);
  });
});
