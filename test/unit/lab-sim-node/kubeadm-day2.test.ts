import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost, service } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('kubeadm tokens, certs and reset', () => {
  it('creates, lists and deletes bootstrap tokens stored as real Secrets', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1');
    expect((await lab.sh('m1', ['kubeadm', 'token', 'list'])).stderr).toContain('failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory');
    await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`, '--token', 'abcdef.0123456789abcdef']);
    const created = await lab.sh('m1', ['kubeadm', 'token', 'create', 'zyxwvu.0123456789abcdef', '--ttl', '2h', '--description', 'lab']);
    expect(created.stdout).toBe('zyxwvu.0123456789abcdef\n');
    const s = lab.clusterValue.objects['Secret/kube-system/bootstrap-token-zyxwvu'] as unknown as { type: string; data: Record<string, string> };
    expect(s.type).toBe('bootstrap.kubernetes.io/token');
    expect(b64(s.data['token-id'])).toBe('zyxwvu');
    expect(b64(s.data['token-secret'])).toBe('0123456789abcdef');
    expect(b64(s.data['usage-bootstrap-authentication'])).toBe('true');
    expect(b64(s.data['usage-bootstrap-signing'])).toBe('true');
    expect(b64(s.data['auth-extra-groups'])).toBe('system:bootstrappers:kubeadm:default-node-token');
    const exp = Date.parse(b64(s.data.expiration));
    expect(Math.abs(exp - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    const list = await lab.sh('m1', ['kubeadm', 'token', 'list']);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TOKEN\s{3,}TTL\s{3,}EXPIRES\s{3,}USAGES\s{3,}DESCRIPTION\s{3,}EXTRA GROUPS$/);
    expect(lines[1]).toMatch(/^abcdef\.0123456789abcdef\s+23h\s+\S+Z\s+authentication,signing\s+<none>\s+system:bootstrappers:kubeadm:default-node-token$/);
    expect(lines[2]).toMatch(/^zyxwvu\.0123456789abcdef\s+1h\s+/);
    expect((await lab.sh('m1', ['kubeadm', 'token', 'delete', 'zyxwvu'])).stdout).toBe('bootstrap token "zyxwvu" deleted\n');
    expect(lab.clusterValue.objects['Secret/kube-system/bootstrap-token-zyxwvu']).toBeUndefined();
    expect((await lab.sh('m1', ['kubeadm', 'token', 'generate'])).stdout).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
  });

  it('shows certificate expiry and resets a control plane', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1');
    await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`]);
    const certs = await lab.sh('m1', ['kubeadm', 'certs', 'check-expiration']);
    expect(certs.code).toBe(0);
    expect(certs.stdout).toMatch(/\nCERTIFICATE\s+EXPIRES\s+RESIDUAL TIME\s+CERTIFICATE AUTHORITY\s+EXTERNALLY MANAGED\nadmin\.conf\s+\w{3} \d\d, \d{4} \d\d:\d\d UTC\s+36[45]d\s+ca\s+no\n/);
    expect(certs.stdout).toMatch(/\nca\s+\w{3} \d\d, \d{4} \d\d:\d\d UTC\s+9y\s+no\n/);
    lab.write('m1', '/etc/cni/net.d/10-calico.conflist', '{}');
    const r = await lab.sh('m1', ['kubeadm', 'reset', '-f']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d');
    expect(r.stdout).toContain('If your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)');
    expect(lab.read('m1', '/etc/kubernetes/admin.conf')).toBeUndefined();
    expect(lab.read('m1', '/etc/kubernetes/manifests/kube-apiserver.yaml')).toBeUndefined();
    expect(lab.read('m1', '/var/lib/kubelet/config.yaml')).toBeUndefined();
    expect(lab.read('m1', '/etc/cni/net.d/10-calico.conflist')).toBe('{}');
    expect(service(lab, 'm1', 'kubelet')?.active).toBe('inactive');
    expect(lab.clusterValue.initialized).toBe(false);
    expect(lab.clusterValue.controlPlaneHosts).toEqual([]);
    // the host can be initialized again
    const again = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`]);
    expect(again.code).toBe(0);
  });
});
