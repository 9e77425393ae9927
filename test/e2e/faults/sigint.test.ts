// Ctrl-C during `up`. Once: the running steps finish, no new one starts, exit 130 without a
// stack trace, run.json says where it stopped. Twice (a step hangs): the running commands are
// ended on the host at once, none is left behind. The next `up` resumes: it converges and does
// not redo what the interrupted runs finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, labLog, makeTestLab, nodeReadiness, readRunFull, runDirs, startUp, statuses, up, waitFor, waitForStep, type Run, type TestLab } from './faults-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
let soft: Run;
let hard: Run;
let resumed: Run;
let softSentAt = 0;
let hardSecondAt = 0;
const leftAfterHard = new Map<string, string>();

/** Processes on a host still carrying kubeforge's command mark (one line per process). */
const kubeforgeProcesses = async (h: string): Promise<string> =>
  exec(lab, h, `for e in /proc/[0-9]*/environ; do grep -qzE '^KUBEFORGE_CMD=' "$e" 2>/dev/null && tr '\\0' ' ' <"\${e%/environ}/cmdline" && echo; done; true`);

beforeAll(async () => {
  lab = makeTestLab();
  // heavy commands take 1.5 s: an interrupt lands while they run
  const r = await lab.kf(['lab', 'up', '3', '--latency-ms', '1500']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);

  const first = startUp(lab);
  if (await waitForStep(lab, 'kf-node01', 'runtime.packages', 120_000)) {
    softSentAt = Date.now();
    first.child.kill('SIGINT');
  }
  soft = await first.done;

  // the second run gets as far as kubeadm init, which hangs
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-master01', '--hang', '^kubeadm init']);
  if (f.exitCode !== 0) throw new Error(`lab fault: ${f.stderr}`);
  const second = startUp(lab);
  if (await waitFor(() => (/kf-master01: fault: hanging kubeadm init/.test(labLog(lab)) ? true : undefined), 120_000)) {
    second.child.kill('SIGINT');
    await new Promise((res) => setTimeout(res, 1000));
    hardSecondAt = Date.now();
    second.child.kill('SIGINT');
  }
  hard = await second.done;
  for (const h of HOSTS) leftAfterHard.set(h, await kubeforgeProcesses(h));

  resumed = await up(lab);
}, 420_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

const noStackTrace = (r: Run): void => {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toMatch(/^\s+at /m);
};

describe('Ctrl-C once during up', () => {
  it('was sent while a step ran', () => {
    expect(softSentAt).toBeGreaterThan(0);
  });

  it('finishes the running steps, exits 130 without a stack trace', () => {
    expect(soft.exitCode).toBe(130);
    expect(soft.stderr).toMatch(/^interrupted: finishing the running steps/m);
    noStackTrace(soft);
    expect(soft.stdout).toMatch(/^stopped: .*interrupted/m);
  });

  it('run.json says where it stopped, and every step that started ended', () => {
    const rec = readRunFull(runDirs(lab)[0]);
    expect(rec.ok).toBe(false);
    expect(rec.stoppedAt?.reason).toBe('interrupted');
    const steps = Object.values(rec.hosts).flat();
    // steps that started before the interrupt finished (done or already so); none failed
    expect(steps.filter((s) => s.status === 'failed')).toEqual([]);
    const started = steps.filter((s) => s.startedAt && Date.parse(s.startedAt) < softSentAt);
    expect(started.length).toBeGreaterThan(10);
    expect(started.filter((s) => s.status === 'not-run')).toEqual([]);
    // the phase it stopped in (or before), and per host the first step not run
    const phase = rec.phases.find((p) => p.id === rec.stoppedAt?.phase);
    expect(phase?.status === 'interrupted' || phase?.status === 'not-run').toBe(true);
    for (const [h, step] of Object.entries(rec.stoppedAt?.pending ?? {})) {
      expect(rec.hosts[h].find((s) => s.id === step)?.status, `${h} ${step}`).toBe('not-run');
    }
    expect(steps.filter((s) => s.phase === 'init' || s.phase === 'join').every((s) => s.status === 'not-run')).toBe(true);
  });
});

describe('Ctrl-C twice while a step hangs', () => {
  it('stops the running commands: exit 130, no stack trace', () => {
    expect(hardSecondAt).toBeGreaterThan(0);
    expect(hard.exitCode).toBe(130);
    expect(hard.stderr).toMatch(/^interrupted again: stopping the running commands/m);
    noStackTrace(hard);
  });

  it('run.json names the step it stopped in, as not run', () => {
    const rec = readRunFull(runDirs(lab)[1]);
    expect(rec.stoppedAt?.reason).toBe('interrupted');
    expect(rec.stoppedAt?.pending?.['kf-master01']).toMatch(/^init\./);
    const init = rec.hosts['kf-master01'].find((s) => s.id === rec.stoppedAt?.pending?.['kf-master01']);
    expect(init?.status).toBe('not-run');
    expect(init?.error).toBe('interrupted while running');
    expect(Object.values(rec.hosts).flat().filter((s) => s.status === 'failed')).toEqual([]);
  });

  it('left no command of kubeforge running on any host', () => {
    for (const h of HOSTS) expect(leftAfterHard.get(h), h).toBe('');
  });
});

describe('up after the interrupts', () => {
  it('converges', async () => {
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/^converged: /m);
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True', 'kf-node02 True']);
  });

  it('does not redo what the interrupted runs finished', () => {
    const [one, two, three] = runDirs(lab).map(statuses);
    const done = [...one, ...two].filter(([, v]) => v === 'done').map(([k]) => k);
    expect(done.length).toBeGreaterThan(20);
    for (const k of done) expect(three.get(k), k).toBe('skipped');
  });
});
