// The day-2 verbs on a converged 3-host lab: token create/list, kubeconfig (--merge), doctor
// (healthy, then with faults injected), reset --host of a worker and join bringing it back.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convergedLab, exec, expireAllTokens, inventoryOf, nodeReady, runDirs, type TestLab } from './day2-harness.ts';

let lab: TestLab;
let inv = '';

const TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g;

/** Every file kubeforge wrote under .kubeforge/runs, as one text. */
const runLogs = (): string => runDirs(lab).flatMap((d) => fs.readdirSync(d).map((f) => fs.readFileSync(path.join(d, f), 'utf8'))).join('\n');

beforeAll(async () => {
  lab = await convergedLab(3);
  inv = inventoryOf(lab);
}, 300_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('token', () => {
  it('create prints a worker join command that works with the cluster\'s CA hash', async () => {
    const r = await lab.kf(['token', 'create', '-i', inv, '--ttl', '30m']);
    expect(r.exitCode, r.stderr).toBe(0);
    const join = r.stdout.split('\n').find((l) => l.startsWith('kubeadm join '));
    expect(join).toMatch(/^kubeadm join 198\.18\.\d+\.10:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[a-f0-9]{64}$/);
    const id = /--token ([a-z0-9]{6})\./.exec(join ?? '')![1];
    const list = await exec(lab, 'kf-master01', 'kubeadm token list');
    expect(list).toMatch(new RegExp(`^${id}\\.[a-z0-9]{16}\\s+(29|30)m\\s`, 'm'));
  });

  it('create --control-plane prints a control-plane join command with a fresh certificate key', async () => {
    const r = await lab.kf(['token', 'create', '-i', inv, '--control-plane', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const ev = JSON.parse(r.stdout.trim()) as { type: string; controlPlaneJoinCommand: string; workerJoinCommand: string };
    expect(ev.type).toBe('token-created');
    expect(ev.controlPlaneJoinCommand).toMatch(/^kubeadm join \S+ --token \S+ --discovery-token-ca-cert-hash sha256:[a-f0-9]{64} --control-plane --certificate-key [a-f0-9]{64}$/);
    expect(ev.controlPlaneJoinCommand.startsWith(ev.workerJoinCommand)).toBe(true);
    const secret = await exec(lab, 'kf-master01', 'kubectl -n kube-system get secret kubeadm-certs -o name');
    expect(secret.trim()).toBe('secret/kubeadm-certs');
  });

  it('list shows ids only, masked, with expiry and time left; expired ones as expired', async () => {
    const before = await lab.kf(['token', 'list', '-i', inv]);
    expect(before.exitCode).toBe(0);
    expect(before.stdout).toMatch(/^TOKEN\s+EXPIRES \(LOCAL TIME\)\s+TIME LEFT/);
    expect(before.stdout.match(TOKEN)).toBeNull();
    expect(before.stdout).toMatch(/^[a-z0-9]{6}\.\*{16}\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\s+(\d+h \d+m|\d+m \d+s)\s/m);
    await expireAllTokens(lab);
    const after = await lab.kf(['token', 'list', '-i', inv, '-o', 'json']);
    const rows = after.stdout.trim().split('\n').map((l) => JSON.parse(l) as { token: string; expired: boolean; secondsLeft: number });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((t) => t.expired && t.secondsLeft === 0 && /^[a-z0-9]{6}\.\*{16}$/.test(t.token))).toBe(true);
    const text = await lab.kf(['token', 'list', '-i', inv]);
    expect(text.stdout.split('\n').filter((l) => /^[a-z0-9]{6}\./.test(l)).every((l) => /\sexpired\s/.test(l))).toBe(true);
  });

  it('no token or certificate key reaches the run logs', () => {
    const logs = runLogs();
    expect(logs.match(TOKEN)).toBeNull();
    expect(logs).not.toMatch(/certificate-key [a-f0-9]{64}/);
  });
});

describe('kubeconfig', () => {
  it('writes the admin kubeconfig, mode 0600, pointed at the controlPlaneEndpoint', async () => {
    const r = await lab.kf(['kubeconfig', '-i', inv]);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = path.join(lab.cwd, '.kubeforge', 'clusters', 'lab', 'admin.conf');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const k = parse(fs.readFileSync(file, 'utf8')) as { clusters: { cluster: { server: string } }[] };
    expect(k.clusters[0].cluster.server).toMatch(/^https:\/\/198\.18\.\d+\.10:6443$/);
  });

  it('--merge keeps an existing unrelated context intact', async () => {
    const file = path.join(lab.cwd, 'home-kube-config');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://10.1.2.3:6443"}\nusers:\n- name: prod-admin\n  user: {token: keep-me}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: prod-admin}\ncurrent-context: prod\n');
    const r = await lab.kf(['kubeconfig', '-i', inv, '--merge', '--out', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const k = parse(fs.readFileSync(file, 'utf8')) as { contexts: { name: string; context: { cluster: string; user: string } }[]; users: { name: string; user: Record<string, string> }[]; 'current-context': string };
    expect(k.contexts.map((c) => c.name).sort()).toEqual(['lab', 'prod']);
    expect(k.contexts.find((c) => c.name === 'prod')?.context).toEqual({ cluster: 'prod', user: 'prod-admin' });
    expect(k.users.find((u) => u.name === 'prod-admin')?.user.token).toBe('keep-me');
    expect(k.contexts.find((c) => c.name === 'lab')?.context).toEqual({ cluster: 'lab', user: 'lab-admin' });
    expect(k['current-context']).toBe('prod');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('doctor', () => {
  it('exits 0 on the healthy cluster', async () => {
    const r = await lab.kf(['doctor', '-i', inv]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^healthy: no problem found/m);
    expect(r.stdout).toMatch(/^nodes Ready\s+cluster\s+OK\s+3\/3 Ready/m);
  });

  it('names each injected fault with its fix and exits 1', async () => {
    await exec(lab, 'kf-node01', 'swapon /dev/mapper/centos-swap && sysctl -w net.ipv4.ip_forward=0');
    await exec(lab, 'kf-node02', 'systemctl stop kubelet');
    const f = await lab.kf(['lab', 'fault', 'registry-down', 'registry.unreachable.example']);
    expect(f.exitCode, f.stderr).toBe(0);
    await exec(lab, 'kf-master01', `kubectl apply -f - <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad-image, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: bad-image}}
  template:
    metadata: {labels: {app: bad-image}}
    spec:
      containers:
      - {name: app, image: registry.unreachable.example/team/app:1.0}
EOF`);
    const r = await lab.kf(['doctor', '-i', inv, '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const checks = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; check: string; host: string; status: string; fix?: string; detail: string });
    const failed = checks.filter((c) => c.status === 'fail');
    const has = (check: string, host: string) => failed.find((c) => c.check === check && c.host === host);
    expect(has('swap', 'kf-node01')?.fix).toMatch(/swapoff -a/);
    expect(has('ip_forward', 'kf-node01')?.fix).toMatch(/net\.ipv4\.ip_forward=1/);
    expect(has('kubelet', 'kf-node02')?.fix).toMatch(/systemctl enable --now kubelet/);
    const pull = failed.find((c) => c.check === 'pods ImagePullBackOff');
    expect(pull?.detail).toContain('default/bad-image-');
    expect(pull?.fix).toContain('registry.unreachable.example');
    expect(failed.every((c) => c.fix)).toBe(true);
    expect(checks[checks.length - 1]).toMatchObject({ type: 'summary' });
    // clean up for the next tests
    await exec(lab, 'kf-node01', 'swapoff -a && sysctl -w net.ipv4.ip_forward=1');
    await exec(lab, 'kf-node02', 'systemctl start kubelet');
    await exec(lab, 'kf-master01', 'kubectl delete deployment bad-image');
    await lab.kf(['lab', 'fault', 'clear']);
  });
});

describe('reset and join', () => {
  it('refuses without a terminal and without --yes, changing nothing', async () => {
    const r = await lab.kf(['reset', '-i', inv, '--host', 'kf-node02']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/kubeadm reset -f/);
    expect(r.stderr).toMatch(/--yes/);
    expect((await nodeReady(lab))['kf-node02']).toBeDefined();
  });

  it('reset --host drains and deletes the node and cleans the host; join brings it back Ready', async () => {
    const r = await lab.kf(['reset', '-i', inv, '--host', 'kf-node02', '--yes']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(Object.keys(await nodeReady(lab)).sort()).toEqual(['kf-master01', 'kf-node01']);
    const left = await exec(lab, 'kf-node02', 'ls /etc/kubernetes/kubelet.conf /etc/cni/net.d 2>&1; iptables-save | grep -c -E "KUBE-|cali-" || true');
    expect(left).toMatch(/kubelet\.conf'?: No such file/);
    expect(left).toMatch(/net\.d'?: No such file/);
    expect(left.trim().split('\n').pop()).toBe('0');
    const j = await lab.kf(['join', '-i', inv], { timeout: 200_000 });
    expect(j.exitCode, j.stdout + j.stderr).toBe(0);
    expect(j.stdout).toMatch(/^joined: kf-node02$/m);
    expect((await nodeReady(lab))['kf-node02']).toBe('True');
  });
});
