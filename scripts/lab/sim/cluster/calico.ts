/** Calico as the lab models it: the IPv4 pool of the applied calico-node DaemonSet, /26 blocks per node, the CNI config it installs. */
import type { KubeObject } from './types.ts';
import { arr, dig, hashHex, isObject, str } from './util.ts';

/** Calico's default pool when CALICO_IPV4POOL_CIDR is not set. */
export const CALICO_DEFAULT_POOL = '192.168.0.0/16';

/** The pool CIDR of a calico-node DaemonSet (undefined when there is no calico). */
export function poolOf(ds: KubeObject | undefined): string | undefined {
  if (!ds) return undefined;
  for (const c of arr(dig(ds, 'spec', 'template', 'spec', 'containers'))) {
    if (!isObject(c)) continue;
    for (const e of arr(c.env)) {
      if (isObject(e) && e.name === 'CALICO_IPV4POOL_CIDR' && str(e.value)) return str(e.value);
    }
  }
  return CALICO_DEFAULT_POOL;
}

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/**
 * The n-th pod address (1-based) on a node: each node owns a /26 block of the pool, picked by a
 * hash of its name (collisions move to the next free block); the block's first address goes to
 * tunl0, as with Calico's IPIP mode.
 */
export function ipInPool(pool: string, allNodes: string[], node: string, n: number): string {
  const [base, prefixStr] = pool.split('/');
  const prefix = Number(prefixStr);
  const blockBits = Math.max(0, 26 - prefix);
  const blocks = 2 ** blockBits;
  const taken = new Map<string, number>();
  const used = new Set<number>();
  for (const name of [...allNodes].sort()) {
    let b = parseInt(hashHex(name).slice(0, 8), 16) % blocks;
    while (used.has(b) && used.size < blocks) b = (b + 1) % blocks;
    used.add(b);
    taken.set(name, b);
  }
  const start = (toInt(base) >>> 0) - ((toInt(base) >>> 0) % 2 ** (32 - prefix)) + (taken.get(node) ?? 0) * 64;
  return toIp(start + (n % 63) + 1);
}

export function calicoConflist(_pool: string | undefined): string {
  const conf = {
    name: 'k8s-pod-network',
    cniVersion: '0.3.1',
    plugins: [
      {
        type: 'calico', log_level: 'info', log_file_path: '/var/log/calico/cni/cni.log', datastore_type: 'kubernetes',
        nodename_file_optional: false, mtu: 0, ipam: { type: 'calico-ipam' }, policy: { type: 'k8s' },
        kubernetes: { kubeconfig: '/etc/cni/net.d/calico-kubeconfig' },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  };
  return JSON.stringify(conf, null, 2) + '\n';
}
