// The lab verbs' answers that need no running lab: root required, no lab here, bad flags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-cli-'));
fs.chmodSync(cwd, 0o777);
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const kf = (args: string[]) => execa('node', [bin, ...args], { cwd, reject: false });

describe('kubeforge lab', () => {
  it.skipIf(process.getuid?.() !== 0)('says in one line that it needs root, exit 1', async () => {
    const r = await execa('su', ['nobody', '-s', '/bin/bash', '-c', `cd ${cwd} && node ${bin} lab up 3`], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('kubeforge: the lab needs root (network namespaces, mounts): run it as root');
    expect(fs.existsSync(path.join(cwd, '.kubeforge'))).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)('says there is no lab here for status, exec and faults, exit 1', async () => {
    for (const args of [['lab', 'status'], ['lab', 'exec', 'kf-master01', '--', 'true'], ['lab', 'fault', 'registry-down', 'registry.k8s.io']]) {
      const r = await kf(args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^kubeforge: no lab here \(run `kubeforge lab up N` first\)$/);
    }
    expect(fs.existsSync(path.join(cwd, '.kubeforge'))).toBe(false);
  });

  it('rejects bad flags as input errors, exit 2', async () => {
    for (const [args, msg] of [
      [['lab', 'up', '0'], 'N: expected an integer >= 1, got 0'],
      [['lab', 'up', '3', '--os', 'centos8'], '--os: expected centos7 or rocky9, got centos8'],
      [['lab', 'up', '3', '--cpus', '2,x'], '--cpus: expected an integer >= 1, got x'],
      [['lab', 'fault', 'fail-next', '('], 'fail-next: not a valid regular expression: ('],
    ] as [string[], string][]) {
      const r = await kf(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`kubeforge: ${msg}`);
    }
  });
});
