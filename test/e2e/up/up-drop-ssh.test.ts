// A host's SSH drops while `up` works on it (sshd killed with its sessions, back after 3 s):
// the engine reconnects, retries the step and the run still converges.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestLab, nodeReadiness, runsDir, UP_TIMEOUT, inventoryOf, type Run, type TestLab } from './up-harness.ts';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;
let lab: TestLab;
let run: Run;
let dropped = '';

/** Wait until kf-node01's log of the (only) run shows the step starting; undefined on timeout. */
async function waitForStep(step: string, timeoutMs: number): Promise<string | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const dirs = fs.existsSync(runsDir(lab)) ? fs.readdirSync(runsDir(lab)) : [];
    const log = dirs[0] ? path.join(runsDir(lab), dirs[0], 'kf-node01.log') : '';
    if (log && fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes(` ${step}\n`)) return log;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

beforeAll(async () => {
  lab = makeTestLab();
  // heavy commands (installs, pulls) take 400 ms more, so the drop lands while work is going on
  const r = await lab.kf(['lab', 'up', '3', '--latency-ms', '400']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const p = execa('node', [bin, 'up', '-i', inventoryOf(lab)], { cwd: lab.cwd, reject: false, timeout: UP_TIMEOUT });
  const log = await waitForStep('runtime.packages', 60_000);
  if (log) {
    const d = await lab.kf(['lab', 'fault', 'drop-ssh', 'kf-node01', '3']);
    dropped = d.exitCode === 0 ? log : '';
  }
  const done = await p;
  run = { exitCode: done.exitCode ?? -1, stdout: String(done.stdout), stderr: String(done.stderr), timedOut: done.timedOut ?? false };
}, 240_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up while a host drops its SSH connection', () => {
  it('the drop happened during the run', () => {
    expect(dropped).not.toBe('');
  });

  it('reconnects and converges', async () => {
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^converged: /m);
    expect(fs.readFileSync(dropped, 'utf8')).toMatch(/kf-node01: reconnected/);
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True', 'kf-node02 True']);
  });
});
