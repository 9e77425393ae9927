/**
 * kube-proxy reads its ConfigMap only when its container starts: each pod remembers the mode it
 * started with (cluster.extra.kubeProxyStarts, keyed by pod name and the node's boot id, since a
 * reboot restarts the container), and the mode it actually runs (ipvs falls back to iptables when
 * the kernel modules or ipset are missing, as real kube-proxy does).
 */
import YAML from 'yaml';
import type { PeerView } from '../api.ts';
import type { ClusterState } from './types.ts';
import { getObject } from './store.ts';
import { isObject, minorOf, str } from './util.ts';

export interface ProxyStart {
  configured: string;
  /** the mode it runs: ipvs | iptables (| userspace/nftables where the version has them) */
  effective: string;
  /** why the container exits instead (bad config), as kube-proxy logs it */
  error?: string;
}

export const IPVS_MODULES = ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh'];

export function currentProxyConfig(cluster: ClusterState): { mode: string; error?: string } {
  const cm = getObject(cluster, 'ConfigMap', 'kube-system', 'kube-proxy');
  const data = isObject(cm?.data) ? cm.data : {};
  const text = str(data['config.conf']);
  if (!cm) return { mode: '', error: 'configmap "kube-proxy" not found' };
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    return { mode: '', error: `failed to load config file: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!isObject(doc)) return { mode: '', error: 'failed to read kube-proxy config file: invalid configuration' };
  return { mode: str(doc.mode) };
}

function validModes(version: string): string[] {
  const m = minorOf(version);
  const modes = ['', 'iptables', 'ipvs'];
  if (m < 26) modes.push('userspace');
  if (m >= 29) modes.push('nftables');
  return modes;
}

export function ipvsSupported(peer: PeerView): boolean {
  const mods = peer.runtime().modules;
  const rpms = peer.persist().rpms;
  return IPVS_MODULES.every((m) => mods.includes(m)) && rpms.ipset !== undefined && rpms.ipvsadm !== undefined;
}

/** The start record of a kube-proxy pod on a host, captured the first time it is seen running. */
export function proxyStart(cluster: ClusterState, podName: string, peer: PeerView): { start: ProxyStart; changed: boolean } {
  const starts = (cluster.extra.kubeProxyStarts ??= {}) as Record<string, ProxyStart>;
  const key = `${podName}@${peer.runtime().bootId}`;
  if (starts[key]) return { start: starts[key], changed: false };
  const cfg = currentProxyConfig(cluster);
  let start: ProxyStart;
  if (cfg.error) start = { configured: '', effective: '', error: cfg.error };
  else if (!validModes(cluster.kubernetesVersion).includes(cfg.mode)) {
    start = {
      configured: cfg.mode, effective: '',
      error: `invalid configuration: [KubeProxyConfiguration.Mode: Invalid value: "${cfg.mode}": must be iptables,ipvs or blank (blank means the best-available proxy [currently iptables])]`,
    };
  } else if (cfg.mode === 'ipvs') {
    start = { configured: 'ipvs', effective: ipvsSupported(peer) ? 'ipvs' : 'iptables' };
  } else start = { configured: cfg.mode, effective: cfg.mode === '' ? 'iptables' : cfg.mode };
  // forget the records of pods of this host that no longer exist (older boots, older pods)
  for (const k of Object.keys(starts)) if (k.endsWith(`@${peer.runtime().bootId}`) === false && k.startsWith(podName)) delete starts[k];
  starts[key] = start;
  return { start, changed: true };
}
