/**
 * The facts `plan` assumes without connecting: the inventory's os.distro hint, the stock
 * kernel of that release, a fresh host (not yet a node). Preflight replaces them in `up`.
 */
import type { Cluster, Distro, HostSpec } from '../inventory/model.ts';
import type { FactsByHost } from './common.ts';
import type { HostFacts } from './types.ts';

const DISTROS: Record<Distro, Pick<HostFacts, 'osId' | 'osVersion' | 'family' | 'kernel'>> = {
  centos7: { osId: 'centos', osVersion: '7', family: 'el7', kernel: '3.10.0-1160.el7.x86_64' },
  rocky8: { osId: 'rocky', osVersion: '8.10', family: 'el8', kernel: '4.18.0-553.el8_10.x86_64' },
  rocky9: { osId: 'rocky', osVersion: '9.4', family: 'el9', kernel: '5.14.0-427.13.1.el9_4.x86_64' },
};

export function assumedFacts(cluster: Cluster, host: HostSpec): HostFacts {
  const d = DISTROS[cluster.os.distro ?? 'centos7'];
  return {
    ...d,
    cpus: 2,
    memoryMiB: 4096,
    swapOn: true,
    macs: [],
    productUuid: '',
    hostname: host.name,
    timeMs: 0,
    isNode: false,
    hasAdminConf: false,
  };
}

export function assumedFactsAll(cluster: Cluster): FactsByHost {
  const out: FactsByHost = {};
  for (const h of cluster.hosts) out[h.name] = assumedFacts(cluster, h);
  return out;
}
