import { describe, expect, it } from 'vitest';
import { clusterChecks, splitSections } from '../../../src/doctor/cluster-checks.ts';
import { expiringWithin, parseCheckExpiration } from '../../../src/cluster/cert-expiry.ts';

const NOW = Date.parse('2026-11-23T20:00:00Z');

// the layout kubeadm certs check-expiration prints (1.23)
const CERTS = `[check-expiration] Reading configuration from the cluster...
[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'

CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
admin.conf                 Nov 23, 2027 19:40 UTC   364d            ca                      no
apiserver                  Dec 10, 2026 19:40 UTC   16d             ca                      no
apiserver-etcd-client      Nov 23, 2027 19:40 UTC   364d            etcd-ca                 no

CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED
ca                      Nov 21, 2036 19:40 UTC   9y              no
etcd-ca                 Nov 21, 2036 19:40 UTC   9y              no
`;

const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
const nodes = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const node = (name: string, cond: object) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { conditions: [cond] } });
const pods = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const okPod = { metadata: { name: 'etcd-kf-master01', namespace: 'kube-system' }, spec: { nodeName: 'kf-master01' }, status: { phase: 'Running', containerStatuses: [{ name: 'etcd', ready: true, state: { running: {} } }] } };
const pullPod = {
  metadata: { name: 'web-5d8f', namespace: 'default' }, spec: { nodeName: 'kf-node01' },
  status: { phase: 'Pending', containerStatuses: [{ name: 'web', image: 'unreachable.example:5000/web:1', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "unreachable.example:5000/web:1"' } } }] },
};

const output = (n: string, p: string, c: string, codes = [0, 0, 0]) =>
  `${n}\n==kf-doctor== nodes ${codes[0]}\n${p}\n==kf-doctor== pods ${codes[1]}\n${c}\n==kf-doctor== certs ${codes[2]}\n`;

describe('certificate expiry', () => {
  it('parses leaf and CA rows with their dates', () => {
    const certs = parseCheckExpiration(CERTS);
    expect(certs.map((c) => [c.name, c.authority])).toEqual([['admin.conf', false], ['apiserver', false], ['apiserver-etcd-client', false], ['ca', true], ['etcd-ca', true]]);
    expect(certs[1].expiresMs).toBe(Date.parse('2026-12-10T19:40:00Z'));
    expect(expiringWithin(certs, NOW, 30).map((c) => c.name)).toEqual(['apiserver']);
    expect(expiringWithin(certs, NOW, 10)).toEqual([]);
  });
});

describe('cluster checks', () => {
  it('splits the one exec into its commands', () => {
    const s = splitSections(output('A', 'B', 'C', [0, 1, 0]));
    expect(s.nodes).toEqual({ text: 'A', code: 0 });
    expect(s.pods).toEqual({ text: 'B', code: 1 });
  });

  it('a healthy cluster has no problem', () => {
    const rs = clusterChecks(output(nodes([node('kf-master01', ready)]), pods([okPod]), CERTS.replace('Dec 10, 2026', 'Nov 23, 2027')), NOW);
    expect(rs.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(rs.map((r) => r.check)).toEqual(['nodes Ready', 'pods', 'certificates']);
  });

  it('reports a NotReady node, an image pull problem and a certificate about to expire', () => {
    const lost = node('kf-node02', { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const rs = clusterChecks(output(nodes([node('kf-master01', ready), lost]), pods([okPod, pullPod]), CERTS), NOW);
    const fails = rs.filter((r) => r.status === 'fail');
    expect(fails.map((r) => `${r.check}@${r.host}`)).toEqual(['node Unknown@kf-node02', 'nodes Ready@cluster', 'pods ImagePullBackOff@kf-node01', 'certificate expiry@cluster']);
    expect(fails[0].detail).toBe('NodeStatusUnknown: Kubelet stopped posting node status.');
    expect(fails[2].detail).toContain('default/web-5d8f on kf-node01');
    expect(fails[2].fix).toContain('unreachable.example:5000');
    expect(fails[3].detail).toMatch(/^apiserver expires in 16d/);
  });

  it('says the cluster is not initialised when admin.conf is missing, once', () => {
    const err = 'error: stat /etc/kubernetes/admin.conf: no such file or directory';
    const rs = clusterChecks(output(err, err, 'error execution phase: [check-expiration] failed to load existing certificate', [1, 1, 1]), NOW);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ check: 'api-server', status: 'fail', fix: 'kubeforge up -i <inventory>' });
  });

  it('an unreachable API server is one problem, not one per query', () => {
    const err = 'The connection to the server 198.18.0.10:6443 was refused - did you specify the right host or port?';
    const rs = clusterChecks(output(err, err, CERTS.replace('Dec 10, 2026', 'Nov 23, 2027'), [1, 1, 0]), NOW);
    expect(rs.filter((r) => r.status === 'fail').map((r) => r.check)).toEqual(['api-server']);
  });
});
