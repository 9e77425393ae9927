// The seed scenario end to end: 3 CentOS 7.9 hosts, 1.23.17, docker, cn mirrors, podSubnet
// 172.168.0.0/16; `up` converges, a second `up` applies nothing, and nothing secret is written.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exec, filesUnder, inventoryOf, makeTestLab, readRun, runDirs, runsDir, secretsIn, up, type Run, type TestLab, bootstrapTokens } from './up-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
let first: Run;
let second: Run;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  first = await up(lab);
  second = await up(lab);
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up on a fresh 3-host CentOS 7.9 lab', () => {
  it('the inventory is the seed scenario', () => {
    const inv = parse(fs.readFileSync(inventoryOf(lab), 'utf8')) as { cluster: Record<string, unknown>; mirrors: unknown };
    expect(inv.cluster.kubernetesVersion).toBe('1.23.17');
    expect(inv.cluster.containerRuntime).toBe('docker');
    expect(inv.cluster.podSubnet).toBe('172.168.0.0/16');
    expect(inv.mirrors).toBe('cn');
  });

  it('exits 0 and says it converged', () => {
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^converged: \d+ steps applied/m);
  });

  it('leaves 3 Ready nodes', async () => {
    const out = await exec(lab, 'kf-master01', `kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'`);
    expect(out.trim().split('\n').sort()).toEqual(HOSTS.map((h) => `${h} True`));
  });

  it("makes Calico's pool the podSubnet", async () => {
    const cidr = await exec(lab, 'kf-master01', `kubectl get ippools.crd.projectcalico.org default-ipv4-ippool -o jsonpath='{.spec.cidr}'`);
    expect(cidr).toBe('172.168.0.0/16');
    const ips = await exec(lab, 'kf-master01', `kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath='{.items[*].status.podIP}'`);
    expect(ips.trim()).not.toBe('');
    for (const ip of ips.trim().split(/\s+/)) expect(ip).toMatch(/^172\.168\./);
  });

  it('answers kubectl top nodes', async () => {
    const out = await exec(lab, 'kf-master01', 'kubectl top nodes --no-headers');
    expect(out.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort()).toEqual(HOSTS);
  });

  it('runs kube-proxy in ipvs mode on every host', async () => {
    for (const h of HOSTS) expect(await exec(lab, h, 'curl -s 127.0.0.1:10249/proxyMode'), h).toBe('ipvs');
  });

  it('writes the admin kubeconfig locally, mode 0600, server = the endpoint', async () => {
    const file = path.join(lab.cwd, '.kubeforge', 'clusters', 'lab', 'admin.conf');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const conf = parse(fs.readFileSync(file, 'utf8')) as { clusters: { cluster: { server: string } }[] };
    const master = (await lab.kf(['lab', 'status', '--output', 'json'])).stdout;
    const addr = master.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { name: string; address: string }).find((h) => h.name === 'kf-master01')?.address;
    expect(addr).toBeDefined();
    expect(conf.clusters.map((c) => c.cluster.server)).toEqual([`https://${addr}:6443`]);
    expect(first.stdout).toContain('.kubeforge/clusters/lab/admin.conf');
    // the same credentials as on the master (only the server differs)
    const remote = parse(await exec(lab, 'kf-master01', 'cat /etc/kubernetes/admin.conf')) as { users: unknown };
    expect((parse(fs.readFileSync(file, 'utf8')) as { users: unknown }).users).toEqual(remote.users);
  });

  it('prints the node table: Ready, roles, version, IP, proxyMode, pods', () => {
    const rows = first.stdout.split('\n').filter((l) => /^kf-(master|node)\d+\s/.test(l));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(HOSTS);
    for (const r of rows) expect(r).toMatch(/^\S+\s+Ready\s+\S+\s+v1\.23\.17\s+198\.18\.\d+\.\d+\s+ipvs\s+(\d+)\/\1$/);
    expect(rows[0]).toMatch(/control-plane,master/);
  });

  it('a second up applies nothing and says so', () => {
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/^nothing to do: the cluster is converged \(\d+ steps checked, 0 applied\)$/m);
    const runs = runDirs(lab);
    expect(runs).toHaveLength(2);
    const rec = readRun(runs[1]);
    expect(rec.ok).toBe(true);
    expect(rec.counts.applied).toBe(0);
    expect(Object.values(rec.hosts).flat().every((s) => s.status === 'skipped')).toBe(true);
    // every step was still checked on the host, all of a host's checks in one exec
    const log = fs.readFileSync(path.join(runs[1], 'kf-node01.log'), 'utf8');
    const execs = log.split('\n').filter((l) => l.startsWith('=== '));
    expect(execs.some((l) => / precheck \(\d+ steps\)$/.test(l)), execs.join('\n')).toBe(true);
    // facts, mirror probes, precheck, the final node table
    expect(execs.length, execs.join('\n')).toBeLessThanOrEqual(4);
  });

  it('writes no token, certificate key or password to runs or output', async () => {
    // the real secrets of this cluster too: its bootstrap tokens and the admin client key
    const tokens = await bootstrapTokens(lab);
    const key = (parse(fs.readFileSync(path.join(lab.cwd, '.kubeforge', 'clusters', 'lab', 'admin.conf'), 'utf8')) as { users: { user: Record<string, string> }[] }).users[0].user['client-key-data'];
    // only init's own token is left: the joins' short-lived token is revoked at the end of the run
    expect(tokens.length).toBe(1);
    for (const t of tokens) expect(t).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(key.length).toBeGreaterThan(100);
    const texts: Record<string, string> = { 'first stdout': first.stdout, 'first stderr': first.stderr, 'second stdout': second.stdout, 'second stderr': second.stderr };
    const files = filesUnder(runsDir(lab));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) texts[path.relative(lab.cwd, f)] = fs.readFileSync(f, 'utf8');
    expect(secretsIn(texts, [...tokens, key])).toEqual([]);
  });
});
