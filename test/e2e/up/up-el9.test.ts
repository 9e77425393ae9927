// 3 Rocky 9 hosts with containerd and a recent Kubernetes (1.33, kubeadm v1beta4): `up`
// converges, and a second `up` applies nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calicoPool, exec, rockyLab133, filesUnder, makeTestLab, nodeReadiness, proxyMode, runsDir, secretsIn, up, type Run, type TestLab, bootstrapTokens } from './up-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
let inventory = '';
let first: Run;
let second: Run;

beforeAll(async () => {
  lab = makeTestLab();
  inventory = await rockyLab133(lab, 3, 'rocky9-1.33');
  first = await up(lab, inventory);
  second = await up(lab, inventory);
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up on 3 Rocky 9 hosts, containerd, Kubernetes 1.33', () => {
  it('exits 0', () => {
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^converged: /m);
  });

  it('the hosts are Rocky 9 running containerd, no docker', async () => {
    expect(await exec(lab, 'kf-node01', '. /etc/os-release; echo "$ID $VERSION_ID"')).toMatch(/^rocky 9\./);
    for (const h of HOSTS) {
      expect(await exec(lab, h, 'systemctl is-active containerd'), h).toBe('active');
      expect(await exec(lab, h, 'rpm -q docker-ce >/dev/null && echo docker || echo none'), h).toBe('none');
    }
  });

  it('3 Ready nodes at v1.33.3 on containerd', async () => {
    expect(await nodeReadiness(lab)).toEqual(HOSTS.map((h) => `${h} True`));
    const rt = await exec(lab, 'kf-master01', `kubectl get nodes -o jsonpath='{range .items[*]}{.status.nodeInfo.kubeletVersion} {.status.nodeInfo.containerRuntimeVersion}{"\\n"}{end}'`);
    for (const l of rt.trim().split('\n')) expect(l).toMatch(/^v1\.33\.3 containerd:\/\//);
  });

  it("Calico's pool is the podSubnet, metrics answer, kube-proxy runs ipvs everywhere", async () => {
    expect(await calicoPool(lab)).toBe('172.168.0.0/16');
    const top = await exec(lab, 'kf-master01', 'kubectl top nodes --no-headers');
    expect(top.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort()).toEqual(HOSTS);
    for (const h of HOSTS) expect(await proxyMode(lab, h), h).toBe('ipvs');
  });

  it('writes the admin kubeconfig 0600 and prints the node table', () => {
    const file = path.join(lab.cwd, '.kubeforge', 'clusters', 'lab', 'admin.conf');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const rows = first.stdout.split('\n').filter((l) => /^kf-(master|node)\d+\s/.test(l));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatch(/\sReady\s.*\sv1\.33\.3\s.*\sipvs\s/);
  });

  it('a second up applies nothing and says so', () => {
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/^nothing to do: the cluster is converged \(\d+ steps checked, 0 applied\)$/m);
  });

  it('writes no token, certificate key or password', async () => {
    const tokens = await bootstrapTokens(lab);
    const texts: Record<string, string> = { stdout: first.stdout + second.stdout, stderr: first.stderr + second.stderr };
    for (const f of filesUnder(runsDir(lab))) texts[f] = fs.readFileSync(f, 'utf8');
    expect(secretsIn(texts, tokens)).toEqual([]);
  });
});
