/**
 * kubeadm configuration files (templates/kubeadm/*.yaml.hbs): the values that differ per
 * API version are decided here, the documents' shape lives in the templates.
 */
import type { HostContext } from './context.ts';
import { render } from './engine.ts';

export interface KubeadmValues {
  apiVersion: string;
  /** v1beta2 has no nodeRegistration.imagePullPolicy */
  v1beta2: boolean;
  v1beta4: boolean;
  bindPort: number;
  certSANs: string[];
  /** rendered as a map before v1beta4, as a name/value list from v1beta4 */
  kubeletExtraArgs: { name: string; value: string }[];
  /** ClusterConfiguration dns.imageRepository, when kubeadm's own guess would be wrong */
  corednsRepository?: string;
}

/**
 * With a custom imageRepository kubeadm pulls `<repo>/coredns:<tag>` (flat, as aliyun's
 * google_containers mirror has it). A registry that mirrors registry.k8s.io itself (a bare host
 * such as k8s.m.daocloud.io) keeps upstream's `coredns/coredns` path: say so explicitly.
 */
export function corednsRepository(imageRepository: string): string | undefined {
  const bare = !imageRepository.includes('/');
  const upstream = imageRepository === 'registry.k8s.io' || imageRepository === 'k8s.gcr.io';
  return bare && !upstream ? `${imageRepository}/coredns` : undefined;
}

export function kubeadmValues(ctx: HostContext): KubeadmValues {
  const sans = [...ctx.cluster.certSANs, ctx.endpointHost];
  for (const m of ctx.masters) sans.push(m.name, m.address);
  return {
    apiVersion: ctx.cluster.version.kubeadmApi,
    v1beta2: ctx.cluster.version.kubeadmApi === 'v1beta2',
    v1beta4: ctx.cluster.version.kubeadmApi === 'v1beta4',
    // a master's own API server listens on 6443; the endpoint's port may be a load balancer's
    bindPort: 6443,
    certSANs: [...new Set(sans)],
    // multi-NIC hosts: kubelet must register the inventory address, not the default route's
    kubeletExtraArgs: [{ name: 'node-ip', value: ctx.host.address }],
    corednsRepository: corednsRepository(ctx.cluster.imageRepository),
  };
}

const withKubeadm = (ctx: HostContext) => ({ ...ctx, kubeadm: kubeadmValues(ctx) });

export const kubeadmInitConfig = (ctx: HostContext): string => render('kubeadm/init.yaml.hbs', withKubeadm(ctx));
export const kubeadmJoinConfig = (ctx: HostContext): string => render('kubeadm/join.yaml.hbs', withKubeadm(ctx));
export const kubeadmImagesConfig = (ctx: HostContext): string => render('kubeadm/images.yaml.hbs', withKubeadm(ctx));
