// A non-root login user whose sudo asks for a password (the lab's `opspw`; the password comes
// from an environment variable): `up` converges, every session is that user's, the password is
// written nowhere.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { editedInventory, exec, filesUnder, makeTestLab, nodeReadiness, runsDir, secretsIn, UP_TIMEOUT, type Run, type TestLab } from './up-harness.ts';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;
const SUDO_PASSWORD = 'kflab-sudo'; // the lab's documented sudo password of opspw (lab-only)
let lab: TestLab;
let run: Run;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const inventory = editedInventory(lab, 'opspw', [['  user: root\n', '  user: opspw\n  sudoPasswordEnv: KF_TEST_SUDO_PW\n']]);
  const p = await execa('node', [bin, 'up', '-i', inventory], { cwd: lab.cwd, reject: false, timeout: UP_TIMEOUT, env: { KF_TEST_SUDO_PW: SUDO_PASSWORD } });
  run = { exitCode: p.exitCode ?? -1, stdout: String(p.stdout), stderr: String(p.stderr), timedOut: p.timedOut ?? false };
}, 240_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up as a non-root user with a sudo password', () => {
  it('converges', async () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True', 'kf-node02 True']);
  });

  it('logged in as opspw only', async () => {
    const users = await exec(lab, 'kf-node01', `grep -o '"user":"[a-z]*"' /var/log/kflab/sessions.log | sort -u`);
    expect(users.trim()).toBe('"user":"opspw"');
  });

  it('writes the sudo password nowhere', () => {
    const texts: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
    const files = filesUnder(runsDir(lab));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) texts[f] = fs.readFileSync(f, 'utf8');
    expect(secretsIn(texts, [SUDO_PASSWORD])).toEqual([]);
  });
});
