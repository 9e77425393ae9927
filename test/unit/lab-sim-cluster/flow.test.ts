import { afterEach, describe, expect, it } from 'vitest';
import { calicoManifest, kubectl, makeCluster, type Cluster } from './fixture.ts';
import { rows } from './helpers.ts';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

const inCidr = (ip: string, cidr: string): boolean => {
  const [base, bits] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
};

describe('a fresh kubeadm cluster, then Calico', () => {
  it('nodes NotReady and coredns Pending until a CNI runs, then Ready with pod IPs from the pool', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    let r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect(r.stdout).toMatch(/master\s+NotReady\s+control-plane,master\s+10m\s+v1\.23\.17/);
    expect(r.stdout).toMatch(/node1\s+NotReady\s+<none>\s+10m\s+v1\.23\.17/);
    r = await kubectl(lab, 'master', ['describe', 'node', 'node1']);
    expect(r.stdout).toContain('container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized');
    expect(r.stdout).toMatch(/Taints:\s+node\.kubernetes\.io\/not-ready:NoSchedule/);

    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-o', 'wide']);
    const coredns = rows(r.stdout, 'coredns-');
    expect(coredns).toHaveLength(2);
    for (const c of coredns) expect(c.slice(1, 3).concat(c.slice(5, 7))).toEqual(['0/1', 'Pending', '<none>', '<none>']);
    expect(rows(r.stdout, 'kube-apiserver-master')[0]).toEqual(['kube-apiserver-master', '1/1', 'Running', '0', '10m', '198.18.0.10', 'master', '<none>', '<none>']);
    expect(rows(r.stdout, 'kube-proxy-').map((x) => x[5]).sort()).toEqual(['198.18.0.10', '198.18.0.11']);
    r = await kubectl(lab, 'master', ['describe', 'pod', '-n', 'kube-system', coredns[0][0]]);
    expect(r.stdout).toContain("0/2 nodes are available: 2 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.");
    expect(lab.read('node1', '/etc/cni/net.d/10-calico.conflist')).toBeUndefined();

    r = await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('daemonset.apps/calico-node created\n');
    expect(r.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/ippools.crd.projectcalico.org created\n');
    expect(r.stdout).toContain('poddisruptionbudget.policy/calico-kube-controllers created\n');

    r = await kubectl(lab, 'master', ['get', 'nodes', '--no-headers']);
    expect(rows(r.stdout, '').map((x) => x[1])).toEqual(['Ready', 'Ready']);
    expect(JSON.parse(lab.read('node1', '/etc/cni/net.d/10-calico.conflist') ?? '{}').name).toBe('k8s-pod-network');

    r = await kubectl(lab, 'master', ['get', 'pods', '-A', '-o', 'wide']);
    const dns = rows(r.stdout, 'kube-system   coredns-');
    expect(dns).toHaveLength(2);
    for (const d of dns) {
      expect(d[3]).toBe('Running');
      expect(inCidr(d[6], '172.168.0.0/16')).toBe(true);
    }
    expect(new Set(dns.map((d) => d[7]))).toEqual(new Set(['master', 'node1']));
    expect(dns[0][6]).not.toBe(dns[1][6]);
    // calico-node runs on the host network
    expect(rows(r.stdout, 'kube-system   calico-node-').map((x) => x[6]).sort()).toEqual(['198.18.0.10', '198.18.0.11']);
  });

  it('a pool that does not match podSubnet shows in -o wide (Calico default 192.168.0.0/16)', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico'));
    const r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'wide']);
    const dns = rows(r.stdout, 'coredns-');
    expect(dns).toHaveLength(2);
    for (const d of dns) {
      expect(inCidr(d[5], '192.168.0.0/16')).toBe(true);
      expect(inCidr(d[5], lab.clusterValue.podSubnet)).toBe(false);
    }
  });

  it('ImagePullBackOff when the registry is unreachable: calico from docker.io in the cn view', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.io/calico', '172.168.0.0/16'));
    let r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node']);
    const cn = rows(r.stdout, 'calico-node-');
    expect(cn).toHaveLength(2);
    // freshly created: the first pull error, then the back-off
    for (const c of cn) expect(c[2]).toBe('Init:ErrImagePull');
    lab.clusterValue.podStarts = Object.fromEntries(Object.entries(lab.clusterValue.podStarts).map(([k, v]) => [k, v - 120_000]));
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node']);
    const later = rows(r.stdout, 'calico-node-');
    for (const c of later) expect(c.slice(1, 3)).toEqual(['0/1', 'Init:ImagePullBackOff']);
    r = await kubectl(lab, 'master', ['get', 'nodes', '--no-headers']);
    expect(rows(r.stdout, '').map((x) => x[1])).toEqual(['NotReady', 'NotReady']);
    r = await kubectl(lab, 'master', ['describe', 'pod', '-n', 'kube-system', later[0][0]]);
    expect(r.stdout).toContain('Failed to pull image "docker.io/calico/cni:v3.25.2"');
    expect(r.stdout).toContain('registry-1.docker.io');
    // the same registry made unreachable by a fault, for a mirror that is normally reachable
    lab.faultsValue.registriesDown.push('docker.m.daocloud.io');
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node', '--no-headers']);
    for (const c of rows(r.stdout, '')) expect(c[2]).toMatch(/^Init:(ErrImagePull|ImagePullBackOff)$/);
    lab.faultsValue.registriesDown = [];
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node', '--no-headers']);
    for (const c of rows(r.stdout, '')) expect(c[2]).toBe('Running');
  });

  it('a worker whose kubelet names the unmirrored pause image cannot make sandboxes', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    lab.write('node1', '/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--network-plugin=cni"\n');
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
    let r = await kubectl(lab, 'master', ['get', 'nodes', '--no-headers']);
    expect(rows(r.stdout, '').map((x) => x[1])).toEqual(['Ready', 'NotReady']);
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-o', 'wide', '--field-selector', 'spec.nodeName=node1', '--no-headers']);
    const pods = rows(r.stdout, '');
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) expect(p[2]).toBe('ContainerCreating');
    r = await kubectl(lab, 'master', ['describe', 'pod', '-n', 'kube-system', pods[0][0]]);
    expect(r.stdout).toContain('Failed to create pod sandbox: rpc error: code = Unknown desc = failed pulling image "k8s.gcr.io/pause:3.6": Error response from daemon: Get "https://k8s.gcr.io/v2/"');
  });

  it('a node whose kubelet stopped goes NotReady (Unknown) and its API server refuses', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
    const { setRuntime } = await import('./fixture.ts');
    setRuntime(lab, 'node1', (rt) => {
      rt.services.kubelet = { active: 'inactive', since: Date.now() };
    });
    let r = await kubectl(lab, 'master', ['get', 'nodes', 'node1', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].message}']);
    expect(r.stdout).toBe('Unknown Kubelet stopped posting node status.');
    setRuntime(lab, 'master', (rt) => {
      rt.services.kubelet = { active: 'failed', since: Date.now() };
    });
    r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('The connection to the server 198.18.0.10:6443 was refused - did you specify the right host or port?\n');
  });
});
