// `plan --live`: the steps rendered from the hosts' real facts, each marked done / to do by one
// read-only exec per host; nothing on any host changes. After `up`, everything is done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, inventoryOf, makeTestLab, up, type TestLab } from './up-harness.ts';

let lab: TestLab;
const HOSTS = ['kf-master01', 'kf-node01'];

/** What a step may change, per host: a fingerprint to compare before and after. */
async function fingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const h of HOSTS) {
    parts.push(await exec(lab, h, 'hostname; md5sum /etc/hosts /etc/fstab /etc/selinux/config; ls /etc/yum.repos.d /etc/sysctl.d /etc/modules-load.d; systemctl is-active firewalld; rpm -qa | sort | md5sum'));
  }
  return parts.join('\n');
}

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '2']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
}, 120_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('plan --live', () => {
  it('on fresh hosts: marks what is to do from the real facts, and changes nothing', async () => {
    const before = await fingerprint();
    const r = await lab.kf(['plan', '--live', '-i', inventoryOf(lab)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kf-master01 \(centos 7, kernel 3\.10\.0-1160\.el7\.x86_64\): \d+ steps, \d+ to do$/m);
    expect(r.stdout).toMatch(/^ {2}done {3}preflight\.os /m);
    expect(r.stdout).toMatch(/^ {2}to do {2}os\.hostname /m);
    expect(r.stdout).toMatch(/^up would apply \d+ of \d+ steps/m);
    // the mirror choice up would make, with what it would skip and why
    expect(r.stdout).toMatch(/^mirror centos-vault: using https:\/\/\S+$/m);
    expect(r.stdout).toMatch(/^mirror images: using \S+; skipped registry\.k8s\.io \(timed out/m);
    expect(await fingerprint()).toBe(before);
  });

  it('after up: every step done, in text and in json', async () => {
    const u = await up(lab);
    expect(u.exitCode, u.stderr).toBe(0);
    const r = await lab.kf(['plan', '--live', '-i', inventoryOf(lab)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nothing to do: up would apply nothing \(\d+ steps checked\)$/m);
    const j = await lab.kf(['plan', '--live', '-o', 'json', '-i', inventoryOf(lab)]);
    const rows = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; host: string; step: string; state: string }).filter((x) => x.type === 'step');
    expect(new Set(rows.map((x) => x.host))).toEqual(new Set(HOSTS));
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((x) => x.state !== 'done')).toEqual([]);
    // a change behind kubeforge's back shows up as to do
    await exec(lab, 'kf-node01', 'systemctl start firewalld');
    const after = await lab.kf(['plan', '--live', '-i', inventoryOf(lab)]);
    expect(after.stdout).toMatch(/^ {2}to do {2}os\.firewall-off /m);
    expect(after.stdout).toMatch(/^up would apply 1 of \d+ steps/m);
  });
});
