/**
 * A cluster as `kubeadm init` + `kubeadm join` leave it, built by hand (no node area needed):
 * a real CA and certificates (openssl), admin.conf, static pod manifests, Node objects,
 * kube-proxy ConfigMap/DaemonSet, coredns Deployment, kube-dns Service; plus helpers to set
 * a host's runtime (kubelet active, modules) and manifests to apply (Calico, metrics-server).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import '../../../scripts/lab/sim/cluster/index.ts';
import { freshPersist, freshRuntime, PERSIST_FILE, RUNTIME_FILE } from '../../../scripts/lab/sim/context.ts';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import type { HostPersist, HostRuntime } from '../../../scripts/lab/sim/api.ts';
import type { KubeObject } from '../../../scripts/lab/sim/cluster/types.ts';
import { createObject } from '../../../scripts/lab/sim/cluster/store.ts';

export interface Pki { caCrt: string; adminCrt: string; adminKey: string; apiserverCrt: string }

const pkiCache = new Map<string, Pki>();

/** A CA, an admin client cert and an apiserver serving cert (SANs: the master's address, 10.96.0.1, kubernetes...). */
export function makePki(masterIp: string, tag = 'a'): Pki {
  const cached = pkiCache.get(`${masterIp}/${tag}`);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=kubernetes']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'admin.key', '-out', 'admin.csr', '-subj', '/O=system:masters/CN=kubernetes-admin']);
  run(['x509', '-req', '-in', 'admin.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'admin.crt', '-days', '365']);
  fs.writeFileSync(path.join(dir, 'san.ext'), `subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:master,IP:10.96.0.1,IP:${masterIp}\n`);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver']);
  run(['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', '-days', '365', '-extfile', 'san.ext']);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  const pki = { caCrt: read('ca.crt'), adminCrt: read('admin.crt'), adminKey: read('admin.key'), apiserverCrt: read('apiserver.crt') };
  fs.rmSync(dir, { recursive: true, force: true });
  pkiCache.set(`${masterIp}/${tag}`, pki);
  return pki;
}

export function adminConf(pki: Pki, server: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'kubernetes-admin@kubernetes', preferences: {},
    clusters: [{ name: 'kubernetes', cluster: { 'certificate-authority-data': b64(pki.caCrt), server } }],
    contexts: [{ name: 'kubernetes-admin@kubernetes', context: { cluster: 'kubernetes', user: 'kubernetes-admin' } }],
    users: [{ name: 'kubernetes-admin', user: { 'client-certificate-data': b64(pki.adminCrt), 'client-key-data': b64(pki.adminKey) } }],
  });
}

export function setRuntime(lab: TestLab, host: string, change: (rt: HostRuntime, ps: HostPersist) => void): void {
  const rtRaw = lab.read(host, RUNTIME_FILE);
  const psRaw = lab.read(host, PERSIST_FILE);
  const rt: HostRuntime = rtRaw ? (JSON.parse(rtRaw) as HostRuntime) : freshRuntime(host);
  const ps: HostPersist = psRaw ? (JSON.parse(psRaw) as HostPersist) : freshPersist('3.10.0-1160.el7.x86_64');
  change(rt, ps);
  lab.write(host, RUNTIME_FILE, JSON.stringify(rt));
  lab.write(host, PERSIST_FILE, JSON.stringify(ps));
}

const rpm = (name: string, version: string) => ({ name, version, release: '0', arch: 'x86_64', repo: 'kubernetes', installedAt: 0 });
export const IPVS_MODULES = ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack_ipv4'];

const REPO = 'registry.cn-hangzhou.aliyuncs.com/google_containers';

function staticPod(component: string, image: string, ip: string): string {
  return YAML.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: component, namespace: 'kube-system', labels: { component, tier: 'control-plane' }, annotations: { [`kubeadm.kubernetes.io/${component === 'kube-apiserver' ? 'kube-apiserver.advertise-address.endpoint' : 'etcd.advertise-client-urls'}`]: `${ip}:6443` } },
    spec: { hostNetwork: true, priorityClassName: 'system-node-critical', containers: [{ name: component, image, command: [component], resources: { requests: { cpu: '250m' } } }] },
  });
}

function nodeObject(name: string, ip: string, master: boolean): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
  };
  if (master) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node-role.kubernetes.io/master'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels, annotations: { 'kubeadm.alpha.kubernetes.io/cri-socket': '/var/run/dockershim.sock', 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: master ? '172.168.0.0/24' : '172.168.1.0/24', ...(master ? { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] } : {}) },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      capacity: { cpu: '2', memory: '4026180Ki', pods: '110' },
      allocatable: { cpu: '2', memory: '3923780Ki', pods: '110' },
      nodeInfo: {
        architecture: 'amd64', containerRuntimeVersion: 'docker://20.10.24', kernelVersion: '3.10.0-1160.el7.x86_64', kubeProxyVersion: 'v1.23.17',
        kubeletVersion: 'v1.23.17', operatingSystem: 'linux', osImage: 'CentOS Linux 7 (Core)', machineID: '', systemUUID: '', bootID: '',
      },
    },
  };
}

export const kubeProxyConfig = (mode: string): string =>
  `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: 172.168.0.0/16\nipvs:\n  scheduler: ""\nkind: KubeProxyConfiguration\nmetricsBindAddress: ""\nmode: "${mode}"\n`;

export interface Cluster { lab: TestLab; pki: Pki; now: number }

/** master + workers, kubeadm-initialized (1.23.17, docker), kubelets running, kubectl installed on the master. */
export function makeCluster(opts: { workers?: number; kubeletActive?: boolean; ipvs?: boolean; options?: { registryView?: 'cn' | 'global' } } = {}): Cluster {
  const workers = opts.workers ?? 1;
  const lab = makeTestLab({ hosts: [{ name: 'master' }, ...Array.from({ length: workers }, (_, i) => ({ name: `node${i + 1}` }))], options: opts.options });
  const masterIp = lab.hostList[0].address;
  const pki = makePki(masterIp);
  const now = Date.now();
  const c = lab.clusterValue;
  Object.assign(c, {
    initialized: true, kubernetesVersion: '1.23.17', controlPlaneEndpoint: `${masterIp}:6443`, podSubnet: '172.168.0.0/16',
    serviceSubnet: '10.96.0.0/12', imageRepository: REPO, controlPlaneHosts: ['master'], caCertPem: pki.caCrt, caCertHash: 'sha256:test',
  });
  for (const h of lab.hostList) {
    setRuntime(lab, h.name, (rt, ps) => {
      rt.hostname = h.name;
      if (opts.kubeletActive !== false) rt.services.kubelet = { active: 'active', since: now - 600_000 };
      rt.services.docker = { active: 'active', since: now - 700_000 };
      rt.modules = ['br_netfilter', 'overlay', ...(opts.ipvs === false ? [] : IPVS_MODULES)];
      ps.rpms.kubectl = rpm('kubectl', '1.23.17');
      ps.rpms.kubelet = rpm('kubelet', '1.23.17');
      ps.rpms.ipvsadm = rpm('ipvsadm', '1.27');
      ps.rpms.ipset = rpm('ipset', '7.1');
    });
    lab.write(h.name, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--network-plugin=cni --pod-infra-container-image=${REPO}/pause:3.6"\n`);
    createObject(c, nodeObject(h.name, h.address, h.index === 0), now - 600_000);
  }
  for (const [comp, img] of [['etcd', `${REPO}/etcd:3.5.6-0`], ['kube-apiserver', `${REPO}/kube-apiserver:v1.23.17`], ['kube-controller-manager', `${REPO}/kube-controller-manager:v1.23.17`], ['kube-scheduler', `${REPO}/kube-scheduler:v1.23.17`]]) {
    lab.write('master', `/etc/kubernetes/manifests/${comp}.yaml`, staticPod(comp, img, masterIp));
  }
  lab.write('master', '/etc/kubernetes/pki/apiserver.crt', pki.apiserverCrt);
  lab.write('master', '/etc/kubernetes/pki/ca.crt', pki.caCrt);
  lab.write('master', '/etc/kubernetes/admin.conf', adminConf(pki, `https://${masterIp}:6443`));
  lab.write('master', '/root/.kube/config', adminConf(pki, `https://${masterIp}:6443`));
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    createObject(c, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } }, now - 600_000);
  }
  createObject(c, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } }, data: { 'config.conf': kubeProxyConfig(''), 'kubeconfig.conf': 'apiVersion: v1\nkind: Config\n' } }, now - 600_000);
  createObject(c, {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy', nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'kube-proxy', image: `${REPO}/kube-proxy:v1.23.17`, command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'] }],
          volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy' } }],
        },
      },
    },
  }, now - 600_000);
  createObject(c, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      replicas: 2, selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          priorityClassName: 'system-cluster-critical', dnsPolicy: 'Default',
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
          containers: [{ name: 'coredns', image: `${REPO}/coredns:v1.8.6`, resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } }, ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }] }],
        },
      },
    },
  }, now - 600_000);
  createObject(c, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
    spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }] },
  }, now - 600_000);
  createObject(c, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token',
    data: {
      'auth-extra-groups': Buffer.from('system:bootstrappers:kubeadm:default-node-token').toString('base64'),
      expiration: Buffer.from(new Date(now + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')).toString('base64'),
      'token-id': Buffer.from('abcdef').toString('base64'), 'token-secret': Buffer.from('0123456789abcdef').toString('base64'),
      'usage-bootstrap-authentication': Buffer.from('true').toString('base64'), 'usage-bootstrap-signing': Buffer.from('true').toString('base64'),
    },
  }, now - 600_000);
  return { lab, pki, now };
}

/** Calico (trimmed to what matters here) with its images from `registry`, and optionally the pool CIDR set. */
export function calicoManifest(registry: string, poolCidr?: string): string {
  const crd = (kind: string, plural: string, scope: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.crd.projectcalico.org` },
    spec: {
      group: 'crd.projectcalico.org', names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() }, scope,
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['cidr'], properties: {
          cidr: { type: 'string' }, blockSize: { type: 'integer' }, ipipMode: { type: 'string', enum: ['Never', 'Always', 'CrossSubnet'], default: 'Never' },
          port: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^.*', 'x-kubernetes-int-or-string': true },
          allowedUses: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        } } } } },
      }],
    },
    // generated CRDs carry an empty status, as upstream's do
    status: { acceptedNames: { kind: '', plural: '' }, conditions: [], storedVersions: [] },
  });
  const env = [{ name: 'DATASTORE_TYPE', value: 'kubernetes' }, { name: 'CALICO_IPV4POOL_IPIP', value: 'Always' }, ...(poolCidr ? [{ name: 'CALICO_IPV4POOL_CIDR', value: poolCidr }] : [])];
  const docs = [
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'calico-kube-controllers', namespace: 'kube-system' }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'k8s-app': 'calico-kube-controllers' } } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'calico-node', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'calico-config', namespace: 'kube-system' }, data: { calico_backend: 'bird', veth_mtu: '0' } },
    crd('IPPool', 'ippools', 'Cluster'), crd('BGPConfiguration', 'bgpconfigurations', 'Cluster'),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'calico-node' }, rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'calico-node' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'calico-node' }, subjects: [{ kind: 'ServiceAccount', name: 'calico-node', namespace: 'kube-system' }] },
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'kube-system', labels: { 'k8s-app': 'calico-node' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'calico-node' } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-node' } },
          spec: {
            hostNetwork: true, serviceAccountName: 'calico-node', nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }],
            initContainers: [{ name: 'install-cni', image: `${registry}/cni:v3.25.2`, command: ['/opt/cni/bin/install'] }],
            containers: [{ name: 'calico-node', image: `${registry}/node:v3.25.2`, env }],
            volumes: [{ name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } }],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'calico-kube-controllers', namespace: 'kube-system', labels: { 'k8s-app': 'calico-kube-controllers' } },
      spec: {
        replicas: 1, selector: { matchLabels: { 'k8s-app': 'calico-kube-controllers' } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-kube-controllers' } },
          spec: { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }], containers: [{ name: 'calico-kube-controllers', image: `${registry}/kube-controllers:v3.25.2` }] },
        },
      },
    },
  ];
  return docs.map((d) => YAML.stringify(d)).join('---\n');
}

export function metricsServerManifest(registry: string, insecureTls: boolean): string {
  const docs = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } }, spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }], selector: { 'k8s-app': 'metrics-server' } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'metrics-server' } },
        template: {
          metadata: { labels: { 'k8s-app': 'metrics-server' } },
          spec: {
            priorityClassName: 'system-cluster-critical', serviceAccountName: 'metrics-server',
            containers: [{
              name: 'metrics-server', image: `${registry}/metrics-server:v0.6.4`,
              args: ['--cert-dir=/tmp', '--secure-port=4443', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', '--kubelet-use-node-status-port', '--metric-resolution=15s', ...(insecureTls ? ['--kubelet-insecure-tls'] : [])],
              ports: [{ containerPort: 4443, name: 'https', protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '200Mi' } },
            }],
            volumes: [{ name: 'tmp-dir', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.k8s.io', labels: { 'k8s-app': 'metrics-server' } },
      spec: { group: 'metrics.k8s.io', groupPriorityMinimum: 100, insecureSkipTLSVerify: true, service: { name: 'metrics-server', namespace: 'kube-system' }, version: 'v1beta1', versionPriority: 100 },
    },
  ];
  return docs.map((d) => YAML.stringify(d)).join('---\n');
}

export const kubectl = (lab: TestLab, host: string, args: string[], stdin?: string) => lab.sh(host, ['kubectl', ...args], { stdin, env: { HOME: '/root' } });
