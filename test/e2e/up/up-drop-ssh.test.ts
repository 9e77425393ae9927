// A host's SSH drops in the middle of a step (sshd killed with its sessions while a package
// install hangs, back after 3 s): the engine says it waits, reconnects, runs the step's command
// again on the new connection, and the run converges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostLog, labCommands, labLog, makeTestLab, nodeReadiness, readRunFull, runDirs, startUp, waitFor, type Run, type TestLab } from '../faults/faults-harness.ts';

let lab: TestLab;
let run: Run;
let dropped = false;
let log = '';

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  // the first package install on kf-node01 hangs: the drop surely lands while its step runs
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-node01', '--hang', 'yum .*install']);
  if (f.exitCode !== 0) throw new Error(`lab fault: ${f.stderr}`);
  const up = startUp(lab);
  const hanging = await waitFor(() => (/kf-node01: fault: hanging yum/.test(labLog(lab)) ? true : undefined), 90_000);
  if (hanging) {
    const d = await lab.kf(['lab', 'fault', 'drop-ssh', 'kf-node01', '3']);
    dropped = d.exitCode === 0;
  }
  run = await up.done;
  log = hostLog(lab, 'kf-node01');
}, 240_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up while a host drops its SSH connection in the middle of a step', () => {
  it('the drop happened while the step ran', () => {
    expect(dropped).toBe(true);
  });

  it('says it waits for the host, then reconnects and runs the command again', () => {
    expect(run.stdout).toMatch(/^kf-node01: connection lost during a command; waiting up to \d+s for it to come back$/m);
    expect(run.stdout).toMatch(/^kf-node01: back after [\d.]+s; running a command again$/m);
    expect(log).toMatch(/kf-node01: reconnected/);
    // the install that hung never answered; the one run again on the new connection worked
    const installs = labCommands(lab).filter((c) => c.host === 'kf-node01' && c.argv[0] === 'yum' && c.argv.includes('install'));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((c) => c.code === 0)).toBe(true);
  });

  it('the step the drop cut is recorded done, and the run converges', async () => {
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^converged: /m);
    const rec = readRunFull(runDirs(lab)[0]);
    expect(Object.values(rec.hosts).flat().filter((s) => s.status !== 'done' && s.status !== 'skipped')).toEqual([]);
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True', 'kf-node02 True']);
  });
});
