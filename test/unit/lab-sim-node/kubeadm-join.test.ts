import { execSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { expireAllTokens, expireCertificateKeys } from '../../../scripts/lab/sim/node/index.ts';
import { ALIYUN, prepareHost, service } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

/** Three CentOS 7 hosts, m1 initialized with a controlPlaneEndpoint and uploaded certs. */
async function cluster(): Promise<{ worker: string[]; cp: string[] }> {
  lab = makeTestLab({ hosts: [{ name: 'm1' }, { name: 'm2' }, { name: 'n1' }] });
  for (const h of ['m1', 'm2', 'n1']) await prepareHost(lab, h);
  const r = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`, '--control-plane-endpoint=198.18.0.10:6443', '--upload-certs', '--pod-network-cidr=172.168.0.0/16']);
  expect(r.code).toBe(0);
  const joins = [...r.stdout.matchAll(/kubeadm join (?:[^\n]*\\\n\t)*[^\n]*/g)].map((m) => m[0].replace(/\\\n\t/g, '').trim().split(/\s+/));
  const cp = joins.find((j) => j.includes('--control-plane')) ?? [];
  const worker = joins.find((j) => !j.includes('--control-plane')) ?? [];
  return { worker, cp };
}

describe('kubeadm join', () => {
  it('joins a worker with a good token and hash; the node registers and kubelet runs', async () => {
    const { worker } = await cluster();
    const r = await lab.sh('n1', worker);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('This node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.');
    expect(lab.clusterValue.objects['Node//n1']).toBeDefined();
    expect(service(lab, 'n1', 'kubelet')?.active).toBe('active');
    expect(lab.read('n1', '/etc/kubernetes/kubelet.conf')).toContain('server: https://198.18.0.10:6443');
    const again = await lab.sh('n1', worker);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[ERROR FileAvailable--etc-kubernetes-kubelet.conf]: /etc/kubernetes/kubelet.conf already exists');
    // after a reset the same host joins again under its old Node name
    expect((await lab.sh('n1', ['kubeadm', 'reset', '-f'])).code).toBe(0);
    expect(lab.read('n1', '/etc/kubernetes/kubelet.conf')).toBeUndefined();
    const rejoin = await lab.sh('n1', worker);
    expect(rejoin.stderr).toBe('');
    expect(rejoin.code).toBe(0);
    expect(lab.clusterValue.initialized).toBe(true);
  });

  it('refuses an expired token and a wrong CA hash with the real texts', async () => {
    const { worker } = await cluster();
    const bad = worker.map((a) => (a.startsWith('sha256:') ? `sha256:${'0'.repeat(64)}` : a));
    const r1 = await lab.sh('n1', bad);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${lab.clusterValue.caCertHash}" are pinned`);
    expect(expireAllTokens(lab.clusterValue)).toBeGreaterThan(0);
    const id = worker[worker.indexOf('--token') + 1].split('.')[0];
    const r2 = await lab.sh('n1', worker);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`couldn't validate the identity of the API Server: token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`);
    const list = await lab.sh('m1', ['kubeadm', 'token', 'list']);
    expect(list.stdout).toMatch(/^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS\n/);
    expect(list.stdout).toMatch(new RegExp(`${id}\\.[a-z0-9]{16}\\s+<invalid>\\s+`));
    // a fresh token works again
    const fresh = await lab.sh('m1', ['kubeadm', 'token', 'create', '--print-join-command']);
    expect(fresh.stdout).toMatch(/^kubeadm join 198\.18\.0\.10:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} \n$/);
    const ok = await lab.sh('n1', fresh.stdout.trim().split(/\s+/));
    expect(ok.code).toBe(0);
  });

  it('joins a control plane with the certificate key, and refuses it once the key expired', async () => {
    const { cp } = await cluster();
    expireCertificateKeys(lab.clusterValue);
    const r = await lab.sh('m2', cp);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
    expect(r.stderr).toContain('error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one');
    const up = await lab.sh('m1', ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs']);
    expect(up.code).toBe(0);
    const key = /Using certificate key:\n([0-9a-f]{64})\n/.exec(up.stdout)?.[1] ?? '';
    expect(key).toHaveLength(64);
    const withNew = cp.map((a, i) => (cp[i - 1] === '--certificate-key' ? key : a));
    const ok = await lab.sh('m2', withNew);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('This node has joined the cluster and a new control plane instance was created:');
    expect(lab.clusterValue.controlPlaneHosts).toEqual(['m1', 'm2']);
    expect(lab.read('m2', '/etc/kubernetes/pki/ca.crt')).toBe(lab.read('m1', '/etc/kubernetes/pki/ca.crt'));
    const wrongKey = cp.map((a, i) => (cp[i - 1] === '--certificate-key' ? 'a'.repeat(64) : a));
    const lab3host = await lab.sh('n1', wrongKey);
    expect(lab3host.stderr).toContain('error downloading certs: error decoding secret data with provided key: cipher: message authentication failed');
  });

  it('prints the discovery hash the openssl pipeline computes from the CA', async () => {
    await cluster();
    const ca = path.join(lab.roots.m1, 'etc/kubernetes/pki/ca.crt');
    const out = execSync(`openssl x509 -pubkey -in ${ca} | openssl rsa -pubin -outform der 2>/dev/null | sha256sum`, { encoding: 'utf8' });
    expect(lab.clusterValue.caCertHash).toBe(`sha256:${out.split(/\s+/)[0]}`);
  });

  it('joins Rocky 9 hosts on containerd (1.28) and words an expired token as 1.24+ does', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', os: 'rocky9' }, { name: 'n1', os: 'rocky9' }] });
    for (const h of ['m1', 'n1']) await prepareHost(lab, h, { k8s: '1.28.15' });
    const init = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.28.15', `--image-repository=${ALIYUN}`, '--pod-network-cidr=10.244.0.0/16']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(lab.read('m1', '/var/lib/kubelet/config.yaml')).toContain('containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock');
    expect(lab.read('m1', '/var/lib/kubelet/kubeadm-flags.env')).not.toContain('--container-runtime=remote');
    const node = lab.clusterValue.objects['Node//m1'] as unknown as { spec: { taints: { key: string }[] }; status: { nodeInfo: { containerRuntimeVersion: string } } };
    expect(node.spec.taints.map((t) => t.key)).toContain('node-role.kubernetes.io/control-plane');
    expect(node.status.nodeInfo.containerRuntimeVersion).toBe('containerd://1.6.33');
    const join = /kubeadm join (?:[^\n]*\\\n\t)*[^\n]*\n$/.exec(init.stdout)?.[0].replace(/\\\n\t/g, '').trim().split(/\s+/) ?? [];
    expireAllTokens(lab.clusterValue);
    const r = await lab.sh('n1', join);
    expect(r.stderr).toContain(`couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${join[join.indexOf('--token') + 1].split('.')[0]}"`);
    const fresh = await lab.sh('m1', ['kubeadm', 'token', 'create', '--print-join-command']);
    const ok = await lab.sh('n1', fresh.stdout.trim().split(/\s+/));
    expect(ok.code).toBe(0);
    expect(service(lab, 'n1', 'kubelet')?.active).toBe('active');
  });
});
