/**
 * The values templates see for one host: the cluster, this host, its facts and the
 * few derived choices (package manager, conntrack module, repo kind...) decided here
 * once, so templates only branch on plain flags.
 */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import { mastersOf } from '../inventory/model.ts';
import type { HostFacts } from '../phases/types.ts';
import { conntrackModule, kernelAtLeast } from './kernel.ts';
import { HOST_PATHS } from './paths.ts';

export interface HostContext {
  /** the whole resolved cluster (identity used to share renders between hosts) */
  whole: Cluster;
  cluster: Cluster['cluster'];
  os: Cluster['os'];
  mirrors: Cluster['mirrors'];
  paths: typeof HOST_PATHS;
  host: HostSpec & { isMaster: boolean; isInit: boolean };
  hosts: { name: string; address: string }[];
  masters: { name: string; address: string }[];
  facts: HostFacts;
  el7: boolean;
  el8: boolean;
  el9: boolean;
  /** yum on el7, dnf on el8+ */
  pkg: 'yum' | 'dnf';
  conntrackModule: string;
  /** the popular sysctl lists carry keys that some kernels lack: keep only those that can exist */
  tcpTwRecycle: boolean;
  mayDetachMounts: boolean;
  docker: boolean;
  containerd: boolean;
  ha: boolean;
  /** "v1.23.17" */
  kubeVersionTag: string;
  /** endpoint host and port split */
  endpointHost: string;
  endpointPort: string;
}

type Shared = Pick<HostContext, 'hosts' | 'masters' | 'endpointHost' | 'endpointPort' | 'ha'>;
// the cluster-wide part, shared by every host's context (plan renders hundreds of them)
const sharedCache = new WeakMap<Cluster, Shared>();

function shared(cluster: Cluster): Shared {
  let s = sharedCache.get(cluster);
  if (s) return s;
  const masters = mastersOf(cluster);
  const [endpointHost, endpointPort] = splitEndpoint(cluster.cluster.controlPlaneEndpoint);
  s = {
    hosts: cluster.hosts.map((h) => ({ name: h.name, address: h.address })),
    masters: masters.map((h) => ({ name: h.name, address: h.address })),
    endpointHost,
    endpointPort,
    ha: masters.length > 1,
  };
  sharedCache.set(cluster, s);
  return s;
}

export function hostContext(cluster: Cluster, host: HostSpec, facts: HostFacts): HostContext {
  return {
    ...shared(cluster),
    whole: cluster,
    cluster: cluster.cluster,
    os: cluster.os,
    mirrors: cluster.mirrors,
    paths: HOST_PATHS,
    host: { ...host, isMaster: host.role === 'master', isInit: host.initMaster },
    facts,
    el7: facts.family === 'el7',
    el8: facts.family === 'el8',
    el9: facts.family === 'el9',
    pkg: facts.family === 'el7' ? 'yum' : 'dnf',
    conntrackModule: conntrackModule(facts.kernel, facts.family),
    tcpTwRecycle: !kernelAtLeast(facts.kernel, 4, 12),
    mayDetachMounts: facts.family === 'el7',
    docker: cluster.cluster.containerRuntime === 'docker',
    containerd: cluster.cluster.containerRuntime === 'containerd',
    kubeVersionTag: `v${cluster.cluster.kubernetesVersion}`,
  };
}

export function splitEndpoint(endpoint: string): [string, string] {
  const i = endpoint.lastIndexOf(':');
  return i < 0 ? [endpoint, '6443'] : [endpoint.slice(0, i), endpoint.slice(i + 1)];
}
