/** Which lab host backs a Node object, and what that host's kubelet and files say. */
import fs from 'node:fs';
import YAML from 'yaml';
import type { PeerView, SimContext } from '../api.ts';
import type { KubeObject } from './types.ts';
import { arr, dig, isObject, str } from './util.ts';

export const nodeAddress = (node: KubeObject): string | undefined => {
  const a = arr(dig(node, 'status', 'addresses')).find((x) => isObject(x) && x.type === 'InternalIP');
  return isObject(a) ? str(a.address) : undefined;
};

/** The lab host behind a node: by InternalIP, else by name (lab host name or its hostname). */
export function hostOfNode(ctx: SimContext, node: KubeObject): PeerView | undefined {
  const addr = nodeAddress(node);
  const hosts = ctx.hosts();
  const h = hosts.find((x) => addr !== undefined && x.address === addr) ?? hosts.find((x) => x.name === node.metadata.name);
  return h ? ctx.peer(h.name) : undefined;
}

export function kubeletActive(peer: PeerView | undefined): boolean {
  if (!peer || !peer.running) return false;
  return peer.runtime().services.kubelet?.active === 'active';
}

/** The node's kubelet runs and can reach the API server (a host whose network is down cannot post its status). */
export function kubeletReporting(peer: PeerView | undefined): boolean {
  return kubeletActive(peer) && peer?.runtime().networkUp !== false;
}

export function readPeerFile(peer: PeerView | undefined, p: string): string | undefined {
  if (!peer || !peer.running) return undefined;
  try {
    return fs.readFileSync(peer.path(p), 'utf8');
  } catch {
    return undefined;
  }
}

export function writePeerFile(peer: PeerView, p: string, content: string): void {
  const f = peer.path(p);
  fs.mkdirSync(f.slice(0, f.lastIndexOf('/')), { recursive: true });
  fs.writeFileSync(f, content);
}

/** Static pod manifests in a host's /etc/kubernetes/manifests (parsed Pods, sorted by file name). */
export function staticManifests(peer: PeerView | undefined): KubeObject[] {
  if (!peer || !peer.running) return [];
  const dir = peer.path('/etc/kubernetes/manifests');
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  } catch {
    return [];
  }
  const out: KubeObject[] = [];
  for (const f of files) {
    const file = `${dir}/${f}`;
    try {
      const st = fs.statSync(file);
      const stamp = `${st.mtimeMs}/${st.size}`;
      let hit = manifestCache.get(file);
      if (!hit || hit.stamp !== stamp) {
        const doc: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
        hit = { stamp, pod: isObject(doc) && doc.kind === 'Pod' && isObject(doc.metadata) ? (doc as KubeObject) : undefined };
        manifestCache.set(file, hit);
      }
      if (hit.pod) out.push(hit.pod);
    } catch {
      // kubelet skips manifests it cannot decode
    }
  }
  return out;
}

/** parsed static pod manifests by file, valid while mtime and size are unchanged */
const manifestCache = new Map<string, { stamp: string; pod: KubeObject | undefined }>();

/** The kubelet's config file says serverTLSBootstrap: true (kubelet-serving certificates through CSRs). */
export function serverTlsBootstrap(peer: PeerView | undefined): boolean {
  const text = readPeerFile(peer, '/var/lib/kubelet/config.yaml');
  if (!text) return false;
  try {
    const doc: unknown = YAML.parse(text);
    return isObject(doc) && doc.serverTLSBootstrap === true;
  } catch {
    return false;
  }
}
