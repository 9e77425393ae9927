/**
 * `join` runs the phases of `up`, restricted: hosts that are not nodes yet get every
 * step; hosts that already are nodes get only the managed /etc/hosts block (a new host
 * must resolve by name everywhere); the init master also re-uploads the control-plane
 * certificates when a control plane joins (its step does that only when needed).
 */
import type { Cluster } from '../inventory/model.ts';
import { initMasterOf } from '../inventory/model.ts';
import { UserError } from '../errors.ts';
import type { HostFacts, Phase } from '../phases/types.ts';

/** step ids every existing node still gets */
export const KEEP_ON_NODES = new Set(['os.hosts']);
/** on the init master, when a control plane joins */
export const KEEP_FOR_NEW_MASTERS = new Set(['init.upload-certs']);

/** Inventory hosts that are not nodes yet (no /etc/kubernetes/kubelet.conf), or only `only` when given. */
export function joinTargets(cluster: Cluster, facts: Record<string, HostFacts>, only?: string): string[] {
  return cluster.hosts
    .filter((h) => facts[h.name] !== undefined && !facts[h.name].isNode && !h.initMaster)
    .filter((h) => only === undefined || h.name === only)
    .map((h) => h.name);
}

export function restrictPhases(cluster: Cluster, phases: Phase[], targets: string[]): Phase[] {
  const t = new Set(targets);
  const newMaster = cluster.hosts.some((h) => t.has(h.name) && h.role === 'master');
  const init = initMasterOf(cluster).name;
  const keep = (host: string, id: string): boolean =>
    t.has(host) || KEEP_ON_NODES.has(id) || (newMaster && host === init && KEEP_FOR_NEW_MASTERS.has(id));
  const out: Phase[] = [];
  for (const p of phases) {
    const steps: Phase['steps'] = {};
    for (const [host, list] of Object.entries(p.steps)) {
      const kept = list.filter((s) => keep(host, s.id));
      if (kept.length) steps[host] = kept;
    }
    const hosts = p.hosts.filter((h) => steps[h] !== undefined);
    if (hosts.length) out.push({ ...p, hosts, steps });
  }
  return out;
}

/** The cluster must exist: its init master is a node with admin.conf. */
export function requireInitialised(cluster: Cluster, facts: Record<string, HostFacts>): void {
  const init = initMasterOf(cluster);
  const f = facts[init.name];
  if (f && !(f.isNode && f.hasAdminConf)) {
    throw new UserError(`the cluster is not initialised (${init.name} has no /etc/kubernetes/admin.conf): run kubeforge up -i ${cluster.file} first`);
  }
}
