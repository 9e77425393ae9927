// An HA inventory (3 masters, 2 workers) on CentOS 7.9: `up` makes every master a control plane
// (with a fresh certificate key that is never written down), and a second `up` applies nothing.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calicoPool, editedInventory, exec, filesUnder, makeTestLab, nodeReadiness, proxyMode, readRun, runDirs, runsDir, secretsIn, up, type Run, type TestLab, bootstrapTokens } from './up-harness.ts';

const MASTERS = ['kf-master01', 'kf-node01', 'kf-node02'];
const WORKERS = ['kf-node03', 'kf-node04'];
const HOSTS = [...MASTERS, ...WORKERS];
let lab: TestLab;
let first: Run;
let second: Run;

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '5']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const inventory = editedInventory(lab, 'ha', [
    [/(\{ name: kf-node01, address: [0-9.]+, role: )worker/, '$1master'],
    [/(\{ name: kf-node02, address: [0-9.]+, role: )worker/, '$1master'],
  ]);
  first = await up(lab, inventory);
  second = await up(lab, inventory);
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('up on an HA inventory: 3 masters, 2 workers', () => {
  it('exits 0', () => {
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
  });

  it('5 Ready nodes; the 3 masters are control planes, the workers are not', async () => {
    expect(await nodeReadiness(lab)).toEqual([...HOSTS].sort().map((h) => `${h} True`));
    const cp = await exec(lab, 'kf-master01', `kubectl get nodes -l node-role.kubernetes.io/control-plane -o jsonpath='{.items[*].metadata.name}'`);
    expect(cp.trim().split(' ').sort()).toEqual([...MASTERS].sort());
  });

  it('every master runs its own apiserver and etcd member, and has root kubeconfig', async () => {
    for (const component of ['kube-apiserver', 'etcd']) {
      const on = await exec(lab, 'kf-master01', `kubectl get pods -n kube-system -l component=${component} -o jsonpath='{range .items[*]}{.spec.nodeName} {.status.phase}{"\\n"}{end}'`);
      expect(on.trim().split('\n').sort(), component).toEqual([...MASTERS].sort().map((m) => `${m} Running`));
    }
    for (const m of MASTERS) expect(await exec(lab, m, 'kubectl get nodes --no-headers | wc -l'), m).toBe('5');
  });

  it("Calico's pool is the podSubnet, kube-proxy runs ipvs everywhere", async () => {
    expect(await calicoPool(lab)).toBe('172.168.0.0/16');
    for (const h of HOSTS) expect(await proxyMode(lab, h), h).toBe('ipvs');
  });

  it('uploaded the certificates once, for the joining masters', () => {
    const rec = readRun(runDirs(lab)[0]);
    expect(rec.hosts['kf-master01'].find((s) => s.id === 'init.upload-certs')?.status).toBe('done');
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
    // the certificate key is 64 hex digits; none may follow a kubeadm flag or field naming it
    for (const [where, t] of Object.entries(texts)) expect(t, where).not.toMatch(/(--certificate-key[ =]|certificateKey:\s*"?)[a-f0-9]{64}/);
  });
});
