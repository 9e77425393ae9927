/**
 * Whether an API server answers at an endpoint, as seen from a lab host: the name resolves
 * (an IP, or /etc/hosts), the address is a running control-plane host of the cluster whose
 * kubelet runs its static kube-apiserver.
 */
import type { SimContext } from '../../api.ts';
import { readHostFile } from '../state.ts';
import { splitEndpoint } from './common.ts';

export type ApiReach = { ok: true; host: string } | { ok: false; error: string };

function resolve(ctx: SimContext, name: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  const hosts = readHostFile(ctx, '/etc/hosts') ?? '';
  for (const line of hosts.split('\n')) {
    const parts = line.replace(/#.*/, '').trim().split(/\s+/);
    if (parts.length > 1 && parts.slice(1).includes(name)) return parts[0];
  }
  return undefined;
}

export function reachApiServer(ctx: SimContext, endpoint: string, urlPath = '/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s'): ApiReach {
  const { host, port } = splitEndpoint(endpoint);
  const url = `https://${endpoint}${urlPath}`;
  const ip = resolve(ctx, host);
  if (!ip) return { ok: false, error: `Get "${url}": dial tcp: lookup ${host} on 127.0.0.1:53: read udp 127.0.0.1:39251->127.0.0.1:53: read: connection refused` };
  if (ip === '127.0.0.1' || ip === ctx.host.address) {
    return apiOn(ctx, ctx.host.name, port, url, `${ip}:${port}`);
  }
  const target = ctx.hosts().find((h) => h.address === ip);
  if (!target) return { ok: false, error: `Get "${url}": dial tcp ${ip}:${port}: connect: no route to host` };
  return apiOn(ctx, target.name, port, url, `${ip}:${port}`);
}

function apiOn(ctx: SimContext, hostName: string, port: number, url: string, addr: string): ApiReach {
  const peer = ctx.peer(hostName);
  if (!peer || !peer.running) return { ok: false, error: `Get "${url}": dial tcp ${addr}: connect: no route to host` };
  const c = ctx.cluster();
  const refused: ApiReach = { ok: false, error: `Get "${url}": dial tcp ${addr}: connect: connection refused` };
  if (!c.initialized || !c.controlPlaneHosts.includes(hostName)) return refused;
  const kubeletUp = peer.runtime().services.kubelet?.active === 'active';
  const manifest = readHostFile(peer, '/etc/kubernetes/manifests/kube-apiserver.yaml');
  if (!kubeletUp || !manifest) return refused;
  const securePort = Number(/--secure-port=(\d+)/.exec(manifest)?.[1] ?? 6443);
  if (securePort !== port) return refused;
  return { ok: true, host: hostName };
}

/** The endpoint a kubeconfig on this host names, if the file exists. */
export function kubeconfigServer(ctx: SimContext, file: string): string | undefined {
  const text = readHostFile(ctx, file);
  if (!text) return undefined;
  return /server:\s*https:\/\/(\S+)/.exec(text)?.[1];
}
