import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { initMasterOf } from '../../../src/inventory/model.ts';
import { hostContext } from '../../../src/render/context.ts';
import { kubeadmImagesConfig, kubeadmInitConfig, kubeadmJoinConfig } from '../../../src/render/kubeadm.ts';
import { assumedFacts } from '../../../src/phases/assumed-facts.ts';
import type { Cluster } from '../../../src/inventory/model.ts';
import { inventory } from './helpers.ts';

type Doc = Record<string, unknown>;
/** a value deep in a parsed document: at(d, 'a.b') */
const at = (d: unknown, p: string): unknown => p.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), d);
const docs = (text: string): Doc[] => YAML.parseAllDocuments(text).map((d) => d.toJS() as Doc);
const byKind = (ds: Doc[], kind: string): Doc => {
  const d = ds.find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind}`);
  return d;
};
const ctxOf = (c: Cluster, name: string) => {
  const h = c.hosts.find((x) => x.name === name);
  if (!h) throw new Error(name);
  return hostContext(c, h, assumedFacts(c, h));
};

describe('kubeadm config: the seed lab (1.23.17, docker, CentOS 7)', () => {
  const c = inventory('lab.yaml');
  const ds = docs(kubeadmInitConfig(ctxOf(c, 'k8s-master01')));

  it('InitConfiguration: advertise address, node name, docker criSocket, node-ip', () => {
    const init = byKind(ds, 'InitConfiguration');
    expect(at(init, 'apiVersion')).toBe('kubeadm.k8s.io/v1beta3');
    expect(at(init, 'localAPIEndpoint')).toEqual({ advertiseAddress: '192.168.174.110', bindPort: 6443 });
    expect(at(init, 'nodeRegistration.name')).toBe('k8s-master01');
    expect(at(init, 'nodeRegistration.criSocket')).toBe('unix:///var/run/dockershim.sock');
    expect(at(init, 'nodeRegistration.kubeletExtraArgs')).toEqual({ 'node-ip': '192.168.174.110' });
  });

  it('ClusterConfiguration: version, mirror, subnets, endpoint', () => {
    const cc = byKind(ds, 'ClusterConfiguration');
    expect(at(cc, 'kubernetesVersion')).toBe('v1.23.17');
    expect(at(cc, 'imageRepository')).toBe('registry.cn-hangzhou.aliyuncs.com/google_containers');
    expect(at(cc, 'networking.podSubnet')).toBe('172.168.0.0/16');
    expect(at(cc, 'networking.serviceSubnet')).toBe('10.96.0.0/12');
    expect(at(cc, 'controlPlaneEndpoint')).toBe('192.168.174.110:6443');
    expect(at(cc, 'apiServer.certSANs')).toContain('192.168.174.110');
    expect(at(cc, 'apiServer.timeoutForControlPlane')).toBe('4m0s');
  });

  it('KubeletConfiguration cgroupDriver systemd, KubeProxyConfiguration mode ipvs', () => {
    expect(byKind(ds, 'KubeletConfiguration')).toMatchObject({ apiVersion: 'kubelet.config.k8s.io/v1beta1', cgroupDriver: 'systemd' });
    expect(byKind(ds, 'KubeProxyConfiguration')).toMatchObject({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', mode: 'ipvs' });
  });

  it('worker JoinConfiguration: discovery from the environment, no controlPlane', () => {
    const join = byKind(docs(kubeadmJoinConfig(ctxOf(c, 'k8s-node02'))), 'JoinConfiguration');
    expect(at(join, 'discovery.bootstrapToken')).toEqual({
      apiServerEndpoint: '192.168.174.110:6443',
      token: '${KF_JOIN_TOKEN}',
      caCertHashes: ['${KF_JOIN_CA_CERT_HASH}'],
    });
    expect(at(join, 'nodeRegistration')).toMatchObject({ name: 'k8s-node02', kubeletExtraArgs: { 'node-ip': '192.168.174.121' } });
    expect(at(join, 'controlPlane')).toBeUndefined();
  });
});

describe('kubeadm config: EL9 + containerd (v1beta4)', () => {
  const c = inventory('el9-containerd.yaml');
  const m = initMasterOf(c);
  const ds = docs(kubeadmInitConfig(ctxOf(c, m.name)));

  it('uses v1beta4 with name/value kubeletExtraArgs and the containerd socket', () => {
    const init = byKind(ds, 'InitConfiguration');
    expect(at(init, 'apiVersion')).toBe('kubeadm.k8s.io/v1beta4');
    expect(at(init, 'nodeRegistration.criSocket')).toBe('unix:///var/run/containerd/containerd.sock');
    expect(at(init, 'nodeRegistration.kubeletExtraArgs')).toEqual([{ name: 'node-ip', value: m.address }]);
    const cc = byKind(ds, 'ClusterConfiguration');
    expect(at(cc, 'apiVersion')).toBe('kubeadm.k8s.io/v1beta4');
    expect(at(cc, 'kubernetesVersion')).toBe(`v${c.cluster.kubernetesVersion}`);
    // v1beta4 moved the control-plane timeout out of ClusterConfiguration into InitConfiguration
    expect(at(cc, 'apiServer.timeoutForControlPlane')).toBeUndefined();
    expect(at(cc, 'timeouts')).toBeUndefined();
    expect(at(init, 'timeouts')).toEqual({ controlPlaneComponentHealthCheck: '4m0s' });
  });
});

describe('kubeadm config: HA (3 masters)', () => {
  const c = inventory('ha.yaml');
  const masters = c.hosts.filter((h) => h.role === 'master');

  it('control-plane joins carry the local endpoint and the certificate key from the environment', () => {
    const second = masters.find((h) => !h.initMaster);
    if (!second) throw new Error('no second master');
    const join = byKind(docs(kubeadmJoinConfig(ctxOf(c, second.name))), 'JoinConfiguration');
    expect(at(join, 'controlPlane')).toEqual({
      localAPIEndpoint: { advertiseAddress: second.address, bindPort: 6443 },
      certificateKey: '${KF_CERT_KEY}',
    });
    expect(at(join, 'discovery.bootstrapToken.apiServerEndpoint')).toBe(c.cluster.controlPlaneEndpoint);
  });

  it('the other masters pre-pull with their own address (no default-route guessing), version and mirror', () => {
    const second = masters.find((h) => !h.initMaster);
    if (!second) throw new Error('no second master');
    const ds = docs(kubeadmImagesConfig(ctxOf(c, second.name)));
    expect(at(byKind(ds, 'InitConfiguration'), 'localAPIEndpoint.advertiseAddress')).toBe(second.address);
    expect(at(byKind(ds, 'ClusterConfiguration'), 'kubernetesVersion')).toBe(`v${c.cluster.kubernetesVersion}`);
    expect(at(byKind(ds, 'ClusterConfiguration'), 'imageRepository')).toBe(c.cluster.imageRepository);
  });

  it('every master name and address is a certSAN', () => {
    const cc = byKind(docs(kubeadmInitConfig(ctxOf(c, initMasterOf(c).name))), 'ClusterConfiguration');
    for (const m of masters) expect(at(cc, 'apiServer.certSANs')).toEqual(expect.arrayContaining([m.name, m.address]));
  });
});

describe('kubeadm config: v1beta2 (the matrix may pick it for old minors)', () => {
  it('leaves out imagePullPolicy, which v1beta2 does not know', () => {
    const lab = inventory('lab.yaml');
    const c: Cluster = { ...lab, cluster: { ...lab.cluster, version: { ...lab.cluster.version, kubeadmApi: 'v1beta2', criSocket: '/var/run/dockershim.sock' } } };
    const ds = docs(kubeadmInitConfig(ctxOf(c, 'k8s-master01')));
    const init = byKind(ds, 'InitConfiguration');
    expect(at(init, 'apiVersion')).toBe('kubeadm.k8s.io/v1beta2');
    expect(at(init, 'nodeRegistration.imagePullPolicy')).toBeUndefined();
    expect(at(init, 'nodeRegistration.criSocket')).toBe('/var/run/dockershim.sock');
    expect(at(byKind(docs(kubeadmJoinConfig(ctxOf(c, 'k8s-node01'))), 'JoinConfiguration'), 'nodeRegistration.imagePullPolicy')).toBeUndefined();
    // and v1beta3 keeps it
    expect(at(byKind(docs(kubeadmInitConfig(ctxOf(lab, 'k8s-master01'))), 'InitConfiguration'), 'nodeRegistration.imagePullPolicy')).toBe('IfNotPresent');
  });
});

describe('coredns under a mirror of registry.k8s.io', () => {
  it('a bare mirror host keeps coredns/coredns: dns.imageRepository says so; aliyun-style flat repos and upstream need nothing', async () => {
    const { corednsRepository } = await import('../../../src/render/kubeadm.ts');
    expect(corednsRepository('k8s.m.daocloud.io')).toBe('k8s.m.daocloud.io/coredns');
    expect(corednsRepository('registry.cn-hangzhou.aliyuncs.com/google_containers')).toBeUndefined();
    expect(corednsRepository('registry.k8s.io')).toBeUndefined();
    const lab = inventory('lab.yaml');
    const mirrored: Cluster = { ...lab, cluster: { ...lab.cluster, imageRepository: 'k8s.m.daocloud.io' } };
    const m = initMasterOf(mirrored).name;
    for (const text of [kubeadmInitConfig(ctxOf(mirrored, m)), kubeadmImagesConfig(ctxOf(mirrored, m))]) {
      const cc = byKind(docs(text), 'ClusterConfiguration');
      expect(at(cc, 'imageRepository')).toBe('k8s.m.daocloud.io');
      expect(at(cc, 'dns.imageRepository')).toBe('k8s.m.daocloud.io/coredns');
    }
    expect(at(byKind(docs(kubeadmInitConfig(ctxOf(lab, initMasterOf(lab).name))), 'ClusterConfiguration'), 'dns')).toBeUndefined();
  });
});
