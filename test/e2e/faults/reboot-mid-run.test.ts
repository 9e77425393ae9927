// A worker reboots in the middle of `up` (while its `kubeadm join` runs, long after its OS,
// runtime and packages were set up): kubeforge says it waits, reconnects once the host is back
// (with only what a real host keeps over a reboot), runs the step again and converges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, hostLog, labLog, makeTestLab, nodeReadiness, readRunFull, runDirs, startUp, waitFor, type Run, type TestLab } from './faults-harness.ts';

let lab: TestLab;
let run: Run;
let rebooted = false;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  // /run is a tmpfs: a marker there is gone after a reboot (the lab has no boot_id)
  await exec(lab, 'kf-node01', 'touch /run/kf-test-before-reboot');
  // kf-node01's join hangs: the reboot surely lands while a step runs there
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-node01', '--hang', '^kubeadm join']);
  if (f.exitCode !== 0) throw new Error(`lab fault: ${f.stderr}`);
  const up = startUp(lab);
  const hanging = await waitFor(() => (/kf-node01: fault: hanging kubeadm join/.test(labLog(lab)) ? true : undefined), 120_000);
  if (hanging) rebooted = (await lab.kf(['lab', 'reboot', 'kf-node01'])).exitCode === 0;
  run = await up.done;
}, 300_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up while a host reboots', () => {
  it('the host rebooted while its join step ran', async () => {
    expect(rebooted).toBe(true);
    expect((await exec(lab, 'kf-node01', 'test -e /run/kf-test-before-reboot && echo kept || echo gone')).trim()).toBe('gone');
  });

  it('says it is waiting for the host, then that it is back', () => {
    expect(run.stdout).toMatch(/^kf-node01: connection lost during a command; waiting up to \d+s for it to come back$/m);
    expect(run.stdout).toMatch(/^kf-node01: back after [\d.]+s; running a command again$/m);
    expect(hostLog(lab, 'kf-node01')).toMatch(/kf-node01: reconnected/);
  });

  it('runs the join again after the reboot and converges', async () => {
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^converged: /m);
    const join = Object.values(readRunFull(runDirs(lab)[0]).hosts).flat().find((s) => s.host === 'kf-node01' && s.id.startsWith('join.'));
    expect(join?.status).toBe('done');
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True', 'kf-node02 True']);
  });

  it('the rebooted host came back with its settings: runtime running, swap off, modules and sysctls applied', async () => {
    expect((await exec(lab, 'kf-node01', 'systemctl is-active docker kubelet')).split('\n').filter(Boolean)).toEqual(['active', 'active']);
    expect((await exec(lab, 'kf-node01', 'swapon --show; true')).trim()).toBe('');
    expect(await exec(lab, 'kf-node01', 'lsmod')).toMatch(/^br_netfilter\s/m);
    expect((await exec(lab, 'kf-node01', 'sysctl -n net.ipv4.ip_forward')).trim()).toBe('1');
  });
});
