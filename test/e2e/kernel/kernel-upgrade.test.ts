// os.kernelUpgrade end to end: 3 CentOS 7.9 hosts get ELRepo kernel-lt, reboot into it (the
// engine waits for each), and the cluster converges on the new kernel; a second `up` applies nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editedInventory, exec, makeTestLab, nodeReadiness, proxyMode, readRun, runDirs, up, type Run, type TestLab } from '../up/up-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
let first: Run;
let second: Run;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const inv = editedInventory(lab, 'kernel-upgrade', [['kernelUpgrade: false', 'kernelUpgrade: true']]);
  first = await lab.kf(['up', '-i', inv], { timeout: 240_000 });
  second = await up(lab, inv);
}, 420_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up with os.kernelUpgrade on 3 CentOS 7.9 hosts', () => {
  it('converges (exit 0)', () => {
    expect(first.stderr, first.stdout).toBe('');
    expect(first.exitCode).toBe(0);
  });

  it('every host runs ELRepo kernel-lt after exactly one reboot', async () => {
    for (const h of HOSTS) {
      expect((await exec(lab, h, 'uname -r')).trim(), h).toMatch(/^5\.4\.\d+-1\.el7\.elrepo\.x86_64$/);
      expect((await exec(lab, h, 'grubby --default-kernel')).trim(), h).toBe(`/boot/vmlinuz-${(await exec(lab, h, 'uname -r')).trim()}`);
      expect((await exec(lab, h, 'ls /lib/modules/$(uname -r)/kernel/net/netfilter/ipvs')).split(/\s+/), h).toContain('ip_vs_rr.ko');
      // one boot since `lab up`, plus the one the upgrade asked for
      const sessions = await exec(lab, h, 'cat /var/log/kflab/sessions.log');
      expect(sessions.split('\n').filter((l) => l.includes("sleep 1; reboot")).length, h).toBe(1);
    }
  });

  it('the upgrade used nothing the lab does not simulate', () => {
    const log = path.join(lab.paths.dir, 'lab.log');
    const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    expect(text).not.toMatch(/unsupported command: (yum|rpm|grubby|grub2-\S+|reboot|uname|sort)\b/);
  });

  it('loaded the modules of the new kernel (nf_conntrack, no nf_conntrack_ipv4)', async () => {
    for (const h of HOSTS) {
      const mods = (await exec(lab, h, 'lsmod')).split('\n').map((l) => l.split(/\s+/)[0]);
      expect(mods, h).toContain('nf_conntrack');
      expect(mods, h).toContain('ip_vs_rr');
      expect(mods, h).not.toContain('nf_conntrack_ipv4');
    }
  });

  it('ends with 3 Ready nodes and kube-proxy in ipvs mode', async () => {
    expect(await nodeReadiness(lab)).toEqual(HOSTS.map((h) => `${h} True`));
    for (const h of HOSTS) expect(await proxyMode(lab, h), h).toBe('ipvs');
  });

  it('records kernel.upgrade done on every host, and a second up applies nothing', () => {
    const runs = runDirs(lab);
    const firstRun = readRun(runs[runs.length - 2]);
    for (const h of HOSTS) expect(firstRun.hosts[h].find((s) => s.id === 'kernel.upgrade')?.status, h).toBe('done');
    expect(second.exitCode, second.stderr).toBe(0);
    const again = readRun(runs[runs.length - 1]);
    expect(again.counts.applied).toBe(0);
    for (const h of HOSTS) expect(again.hosts[h].find((s) => s.id === 'kernel.upgrade')?.status, h).toBe('skipped');
  });
});
