// Mirrors that never strand a user: probed from the hosts in preflight, the first healthy
// candidate of each class wins, and a class with no healthy candidate stops the run before any
// change, naming every mirror tried.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { exec, inventoryOf, labFault, makeTestLab, runDirs, up, type Run, type TestLab } from '../up/up-harness.ts';

let lab: TestLab;
let vault: string[] = [];
let images: string[] = [];

const fault = (...args: string[]): Promise<void> => labFault(lab, ...args);

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const c = loadInventory(inventoryOf(lab));
  vault = c.mirrors.centosVault;
  images = c.mirrors.images;
}, 120_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

const runJson = (dir: string): { mirrors?: string[]; stoppedAt?: { phase: string } } => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));

describe('mirrors, probed from the hosts', () => {
  it('every candidate of a class dead: stops in preflight before any change, one line per mirror tried', async () => {
    expect(vault.length).toBeGreaterThanOrEqual(2);
    const kinds = ['403', '404', 'timeout', 'dns'];
    for (const [i, v] of vault.entries()) await fault('mirror', v, kinds[i % kinds.length]);
    const before = await exec(lab, 'kf-node01', 'ls /etc/yum.repos.d; md5sum /etc/yum.repos.d/CentOS-Base.repo /etc/hosts');
    const r: Run = await up(lab);
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('kubeforge: mirrors: no centos-vault mirror is reachable from the hosts; tried:');
    for (const v of vault) expect(lines.filter((l) => l.startsWith(`  ${v} (`)), v).toHaveLength(1);
    expect(r.stderr).toMatch(/\(HTTP 403/);
    expect(r.stderr).toMatch(/\(timed out/);
    expect(r.stderr).toMatch(/\(could not resolve host/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await exec(lab, 'kf-node01', 'ls /etc/yum.repos.d; md5sum /etc/yum.repos.d/CentOS-Base.repo /etc/hosts')).toBe(before);
    const rec = runJson(runDirs(lab).at(-1) ?? '');
    expect(rec.stoppedAt?.phase).toBe('preflight');
    await fault('clear');
  });

  it('first vault mirror 403 and first registry timing out: converges on the next ones, and says which were skipped and why', async () => {
    await fault('mirror', vault[0], '403');
    await fault('registry-down', images[0].split('/')[0]);
    const r = await up(lab);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`mirror centos-vault: using ${vault[1]} (preferred ${vault[0]} skipped); skipped ${vault[0]} (HTTP 403`);
    expect(r.stderr).toContain(`mirror images: using ${images[1]} (preferred ${images[0]} skipped); skipped ${images[0]} (timed out`);
    const dir = runDirs(lab).at(-1) ?? '';
    expect(runJson(dir).mirrors?.join('\n')).toContain(`skipped ${vault[0]} (HTTP 403`);
    expect(fs.readFileSync(path.join(dir, 'kf-master01.log'), 'utf8')).toContain(`mirror centos-vault: using ${vault[1]}`);
    // the repo file names the healthy mirrors in order (el7: yum fails over down the list), not the dead one
    const repo = await exec(lab, 'kf-node01', 'cat /etc/yum.repos.d/CentOS-Base.repo');
    expect(repo).toContain(`baseurl=${vault[1]}os/$basearch/`);
    expect(repo).not.toContain(vault[0]);
    expect(repo).toMatch(/failovermethod=priority/);
    // images come from the registry that answered
    expect(await exec(lab, 'kf-master01', 'kubectl get pods -n kube-system -l component=kube-apiserver -o jsonpath={..image}')).toContain(images[1]);
    const ready = await exec(lab, 'kf-master01', `kubectl get nodes --no-headers | awk '{print $2}' | sort | uniq -c`);
    expect(ready.trim()).toBe('3 Ready');
  });

  it('doctor shows the mirror table per host: a dead candidate warns while its class has a live one', async () => {
    const r = await lab.kf(['doctor', '-i', inventoryOf(lab)]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    for (const h of ['kf-master01', 'kf-node01', 'kf-node02']) {
      expect(r.stdout).toMatch(new RegExp(`^mirror centos-vault +${h} +WARN +${vault[0].replace(/[.]/g, '\\.')}: HTTP 403`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^mirror centos-vault +${h} +OK +${vault[1].replace(/[.]/g, '\\.')} reachable`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^mirror images +${h} +WARN +${images[0].replace(/[.]/g, '\\.')}: timed out`, 'm'));
    }
  });
});
