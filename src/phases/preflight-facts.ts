/**
 * Checks that need the facts of every host at once, made before any change:
 * each problem is one line naming the host, what is wrong and what to do.
 */
import type { Cluster } from '../inventory/model.ts';
import { cidrContains, cidrString, parseCidr, parseIPv4 } from '../inventory/net.ts';
import type { HostFacts } from './types.ts';

export const IPVS_MODULES = ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack'];

/** kubeadm's preflight minimums (NumCPU, Mem): 2 CPUs / 1700 MB on control planes. */
const MIN_MASTER_CPUS = 2;

/** What kubeadm's preflight checks (Port-6443, Port-10250, etcd, controller-manager, scheduler). */
export const KUBEADM_MASTER_PORTS = [6443, 2379, 2380, 10250, 10257, 10259];
export const KUBEADM_WORKER_PORTS = [10250];

/** More than this between two hosts' clocks is refused (facts are read within a second or two). */
const MAX_SKEW_MS = 5_000;

export function factProblems(cluster: Cluster, facts: Record<string, HostFacts>): string[] {
  const out: string[] = [];
  const hosts = cluster.hosts.filter((h) => facts[h.name]);
  for (const h of hosts) {
    const f = facts[h.name];
    if (h.role === 'master' && f.cpus > 0 && f.cpus < MIN_MASTER_CPUS) {
      out.push(`${h.name}: master has ${f.cpus} CPU, kubeadm needs at least ${MIN_MASTER_CPUS} on a control plane: give it more CPUs or make it a worker`);
    }
    if (cluster.cluster.kubeProxyMode === 'ipvs' && f.kernelModules) {
      const missing = IPVS_MODULES.filter((m) => !f.kernelModules?.includes(m));
      if (missing.length > 0) {
        out.push(`${h.name}: kernel ${f.kernel} has no ${missing.join(', ')} module (needed for kubeProxyMode ipvs): install a kernel with ipvs or set kubeProxyMode: iptables`);
      }
    }
    for (const [field, value] of [['podSubnet', cluster.cluster.podSubnet], ['serviceSubnet', cluster.cluster.serviceSubnet]] as const) {
      const net = parseCidr(value);
      if (!net) continue;
      const hit = (f.addresses ?? []).find((a) => {
        const ip = parseIPv4(a.split('/')[0]);
        return ip !== undefined && cidrContains(net, ip);
      });
      if (hit) out.push(`${h.name}: ${field} ${cidrString(net)} contains the host's address ${hit.split('/')[0]}: choose a ${field} that overlaps no host network`);
    }
  }
  // kubeadm's preflight refuses a host whose ports are taken; only hosts that are not nodes yet
  for (const h of hosts) {
    const f = facts[h.name];
    if (f.isNode || !f.listeningPorts) continue;
    const need = h.role === 'master' ? KUBEADM_MASTER_PORTS : KUBEADM_WORKER_PORTS;
    const taken = need.filter((p) => f.listeningPorts?.includes(p));
    if (taken.length > 0) out.push(`${h.name}: port ${taken.join(', ')} already in use and the host is not a node yet: stop what listens there (ss -ltnp) before up`);
  }
  // TLS needs clocks that agree: a certificate "not yet valid" on a host behind the others
  const skews = hosts.flatMap((h) => {
    const f = facts[h.name];
    return f.readAtMs && f.timeMs ? [{ host: h.name, off: f.timeMs - f.readAtMs }] : [];
  });
  if (skews.length > 1) {
    const lo = skews.reduce((a, b) => (b.off < a.off ? b : a));
    const hi = skews.reduce((a, b) => (b.off > a.off ? b : a));
    if (hi.off - lo.off > MAX_SKEW_MS) {
      out.push(`${hi.host}: clock ${Math.round((hi.off - lo.off) / 1000)} s ahead of ${lo.host}: set the time on the hosts (chronyc makestep, or date -s) before up`);
    }
  }
  // kubeadm and the CNI tell nodes apart by these: duplicates break the cluster silently
  const dup = (what: string, key: (f: HostFacts) => string[], fix: string): void => {
    const seen = new Map<string, string>();
    for (const h of hosts) {
      for (const k of new Set(key(facts[h.name]))) {
        if (!k) continue;
        const first = seen.get(k);
        if (first) out.push(`${h.name}: same ${what} ${k} as ${first}: ${fix}`);
        else seen.set(k, h.name);
      }
    }
  };
  dup('product_uuid', (f) => [f.productUuid], 'give each VM its own UUID (clone it with a new one)');
  dup('MAC address', (f) => f.macs, 'give each VM its own MAC address');
  return out;
}
