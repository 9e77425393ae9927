/**
 * What `kubeadm init` / `config images` will do, from flags and config documents merged as
 * kubeadm merges them (flags that conflict with --config are errors), with kubeadm's defaults.
 */
import { kubeImageSet, parseKubeVersion } from '../../data/images.ts';
import type { KubeadmDocs, Rec } from './config.ts';
import { field, strField } from './config.ts';

export interface InitSpec {
  kubernetesVersion: string;
  imageRepository: string;
  controlPlaneEndpoint: string;
  advertiseAddress: string;
  bindPort: number;
  nodeName: string;
  criSocket?: string;
  podSubnet: string;
  serviceSubnet: string;
  dnsDomain: string;
  certSANs: string[];
  clusterName: string;
  ignorePreflightErrors: string[];
  kubeletCgroupDriver: 'systemd' | 'cgroupfs';
  kubelet: Rec;
  kubeProxyMode: string;
  kubeProxy: Rec;
  uploadCerts: boolean;
  certificateKey?: string;
  token?: string;
  tokenTTLms: number;
  skipPhases: string[];
  etcdDataDir: string;
  etcdImageTag?: string;
  dnsImageRepository?: string;
  dnsImageTag?: string;
  kubeletExtraArgs: Record<string, string>;
  apiServerExtraArgs: Record<string, string>;
  taints?: unknown[];
  featureGates: Record<string, boolean>;
}

export const minorOf = (v: string): number => parseKubeVersion(v)?.minor ?? 0;
export const DEFAULT_REPO = (minor: number): string => (minor >= 25 ? 'registry.k8s.io' : 'k8s.gcr.io');

/** registry.k8s.io became the default in 1.25 and in the 1.22-1.24 patch releases of late 2022. */
export function defaultRepository(kubeadmVersion: string): string {
  const p = parseKubeVersion(kubeadmVersion);
  if (!p) return 'registry.k8s.io';
  if (p.minor >= 25) return 'registry.k8s.io';
  if ((p.minor === 24 && p.patch >= 9) || (p.minor === 23 && p.patch >= 15) || (p.minor === 22 && p.patch >= 17)) return 'registry.k8s.io';
  return 'k8s.gcr.io';
}

/** extraArgs in v1beta3 (map) and v1beta4 (list of name/value) */
export function argsOf(v: unknown): Record<string, string> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((a) => [String((a as Rec).name), String((a as Rec).value)]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Rec).map(([k, x]) => [k, String(x)]));
  return {};
}

export interface ImageList {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  proxy: string;
  pause: string;
  etcd: string;
  coredns: string;
}

/** The images kubeadm uses for a version and repository (coredns is flat under a custom repository). */
export function imagesFor(version: string, repo: string, defaultRepo: string, spec?: Pick<InitSpec, 'etcdImageTag' | 'dnsImageRepository' | 'dnsImageTag'>): ImageList {
  const set = kubeImageSet(version) ?? { pause: '3.6', etcd: '3.5.6-0', coredns: 'v1.8.6' };
  const v = version.startsWith('v') ? version : `v${version}`;
  const corednsRepo = spec?.dnsImageRepository ?? (repo === defaultRepo || repo === 'registry.k8s.io' || repo === 'k8s.gcr.io' ? `${repo}/coredns` : repo);
  return {
    apiserver: `${repo}/kube-apiserver:${v}`,
    controllerManager: `${repo}/kube-controller-manager:${v}`,
    scheduler: `${repo}/kube-scheduler:${v}`,
    proxy: `${repo}/kube-proxy:${v}`,
    pause: `${repo}/pause:${set.pause}`,
    etcd: `${repo}/etcd:${spec?.etcdImageTag ?? set.etcd}`,
    coredns: `${corednsRepo}/coredns:${spec?.dnsImageTag ?? set.coredns}`,
  };
}
export const imageOrder = (l: ImageList): string[] => [l.apiserver, l.controllerManager, l.scheduler, l.proxy, l.pause, l.etcd, l.coredns];

export class SpecError extends Error {}

export interface SpecFlags {
  kubernetesVersion?: string;
  imageRepository?: string;
  controlPlaneEndpoint?: string;
  advertiseAddress?: string;
  bindPort?: string;
  nodeName?: string;
  criSocket?: string;
  podSubnet?: string;
  serviceSubnet?: string;
  dnsDomain?: string;
  certSANs?: string[];
  ignorePreflightErrors: string[];
  uploadCerts: boolean;
  certificateKey?: string;
  token?: string;
  tokenTTL?: string;
  skipPhases: string[];
  /** flags given together with --config that kubeadm refuses to mix */
  mixed: string[];
}

/** Flags allowed together with --config (the rest make kubeadm fail). */
const MIXABLE = new Set(['ignore-preflight-errors', 'upload-certs', 'certificate-key', 'skip-phases', 'skip-token-print', 'skip-certificate-key-print', 'dry-run', 'v', 'config', 'node-name', 'rootfs', 'patches', 'cri-socket', 'control-plane', 'discovery-token-ca-cert-hash', 'discovery-token', 'token', 'apiserver-advertise-address', 'apiserver-bind-port']);
export const mixError = (given: string[]): string | undefined => {
  const bad = given.filter((f) => !MIXABLE.has(f));
  return bad.length ? `can not mix '--config' with arguments [${bad.join(' ')}]` : undefined;
};

export function buildInitSpec(opts: { kubeadmVersion: string; hostAddress: string; hostname: string; docs?: KubeadmDocs; flags: SpecFlags; ttlParse: (s: string) => number | undefined }): InitSpec {
  const { docs, flags } = opts;
  const init = docs?.init;
  const cluster = docs?.cluster;
  const kubelet = docs?.kubelet ?? {};
  const proxy = docs?.kubeProxy ?? {};
  let version = flags.kubernetesVersion ?? strField(cluster, 'kubernetesVersion') ?? `v${opts.kubeadmVersion}`;
  if (version === 'stable-1' || version === 'stable' || version === 'latest') version = `v${opts.kubeadmVersion}`;
  if (!version.startsWith('v')) version = `v${version}`;
  if (!parseKubeVersion(version)) throw new SpecError(`couldn't parse Kubernetes version "${version}": illegal version string "${version}"`);
  const ttlStr = flags.tokenTTL ?? strField(init, 'bootstrapTokens.0.ttl') ?? (Array.isArray(field(init, 'bootstrapTokens')) ? strField((field(init, 'bootstrapTokens') as Rec[])[0], 'ttl') : undefined) ?? '24h0m0s';
  const ttl = opts.ttlParse(ttlStr);
  if (ttl === undefined) throw new SpecError(`invalid argument "${ttlStr}" for "--token-ttl" flag: time: invalid duration "${ttlStr}"`);
  const bts = Array.isArray(field(init, 'bootstrapTokens')) ? (field(init, 'bootstrapTokens') as Rec[]) : [];
  const cgroupDriver = (strField(kubelet, 'cgroupDriver') ?? (minorOf(version) >= 22 ? 'systemd' : 'cgroupfs')) as 'systemd' | 'cgroupfs';
  const bindPortRaw = flags.bindPort ?? field(init, 'localAPIEndpoint.bindPort');
  const nr = field(init, 'nodeRegistration') as Rec | undefined;
  return {
    kubernetesVersion: version,
    imageRepository: flags.imageRepository ?? strField(cluster, 'imageRepository') ?? defaultRepository(opts.kubeadmVersion),
    controlPlaneEndpoint: flags.controlPlaneEndpoint ?? strField(cluster, 'controlPlaneEndpoint') ?? '',
    advertiseAddress: flags.advertiseAddress ?? strField(init, 'localAPIEndpoint.advertiseAddress') ?? opts.hostAddress,
    bindPort: bindPortRaw === undefined ? 6443 : Number(bindPortRaw),
    nodeName: (flags.nodeName ?? strField(nr, 'name') ?? opts.hostname).toLowerCase(),
    criSocket: flags.criSocket ?? strField(nr, 'criSocket'),
    podSubnet: flags.podSubnet ?? strField(cluster, 'networking.podSubnet') ?? '',
    serviceSubnet: flags.serviceSubnet ?? strField(cluster, 'networking.serviceSubnet') ?? '10.96.0.0/12',
    dnsDomain: flags.dnsDomain ?? strField(cluster, 'networking.dnsDomain') ?? 'cluster.local',
    certSANs: flags.certSANs ?? ((field(cluster, 'apiServer.certSANs') as string[] | undefined) ?? []),
    clusterName: strField(cluster, 'clusterName') ?? 'kubernetes',
    ignorePreflightErrors: [...flags.ignorePreflightErrors, ...(((nr?.ignorePreflightErrors as string[] | undefined) ?? []))],
    kubeletCgroupDriver: cgroupDriver,
    kubelet,
    kubeProxyMode: strField(proxy, 'mode') ?? '',
    kubeProxy: proxy,
    uploadCerts: flags.uploadCerts,
    certificateKey: flags.certificateKey ?? strField(init, 'certificateKey'),
    token: flags.token ?? (bts[0] ? strField(bts[0], 'token') : undefined),
    tokenTTLms: ttl,
    skipPhases: [...flags.skipPhases, ...(((init?.skipPhases as string[] | undefined) ?? []))],
    etcdDataDir: strField(cluster, 'etcd.local.dataDir') ?? '/var/lib/etcd',
    etcdImageTag: strField(cluster, 'etcd.local.imageTag'),
    dnsImageRepository: strField(cluster, 'dns.imageRepository'),
    dnsImageTag: strField(cluster, 'dns.imageTag'),
    kubeletExtraArgs: argsOf(nr?.kubeletExtraArgs),
    apiServerExtraArgs: argsOf(field(cluster, 'apiServer.extraArgs')),
    taints: Array.isArray(nr?.taints) ? (nr?.taints as unknown[]) : undefined,
    featureGates: (field(cluster, 'featureGates') as Record<string, boolean> | undefined) ?? {},
  };
}
