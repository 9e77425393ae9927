/**
 * What `reset` does, as data: the hosts in order (workers first, then the other masters,
 * the init master last) and, per host, the cluster-side steps (drain, delete node) and
 * the host-side script. `reset` prints the same plan it runs.
 */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import { shq } from '../hosts/host.ts';
import { UserError } from '../errors.ts';
import { ADMIN_KUBECONFIG } from './token-run.ts';

export interface ResetTarget {
  host: HostSpec;
  /** Node object name, when the host is registered */
  node?: string;
  /** drain and delete the Node through the API (not for the init master when the whole cluster goes) */
  viaApi: boolean;
}

export const KUBECONFIGS = [
  '/root/.kube/config', '/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/kubelet.conf',
  '/etc/kubernetes/bootstrap-kubelet.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/scheduler.conf',
];

/** Hosts to reset, in order; `only` restricts to one inventory host (never anything outside the inventory). */
export function resetOrder(cluster: Cluster, only?: string): HostSpec[] {
  if (only !== undefined) {
    const h = cluster.hosts.find((x) => x.name === only);
    if (!h) throw new UserError(`no host named ${only} in ${cluster.file} (hosts: ${cluster.hosts.map((x) => x.name).join(', ')})`);
    return [h];
  }
  const workers = cluster.hosts.filter((h) => h.role === 'worker');
  const masters = cluster.hosts.filter((h) => h.role === 'master' && !h.initMaster);
  const init = cluster.hosts.filter((h) => h.initMaster);
  return [...workers, ...masters, ...init];
}

export function resetTargets(cluster: Cluster, nodeByAddress: Map<string, string>, only?: string): ResetTarget[] {
  const whole = only === undefined;
  return resetOrder(cluster, only).map((host) => {
    const node = nodeByAddress.get(host.address) ?? nodeByAddress.get(host.name.toLowerCase());
    return { host, node, viaApi: node !== undefined && !(whole && host.initMaster) };
  });
}

export function drainScript(node: string): string {
  const n = shq(node);
  return `kubectl --kubeconfig ${ADMIN_KUBECONFIG} drain ${n} --ignore-daemonsets --delete-emptydir-data --force --timeout=300s
kubectl --kubeconfig ${ADMIN_KUBECONFIG} delete node ${n}`;
}

/** kube-proxy's KUBE-* and Calico's cali-* chains, and every rule jumping to them; other rules stay. */
const CHAIN_FILTER = `grep -v -E '^:(KUBE-|cali-)|^-A (KUBE-|cali-)|-[jg] (KUBE-|cali-)'`;

export const HOST_RESET_SCRIPT = `set -o pipefail
if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f || exit $?; else echo "kubeadm is not installed: nothing for kubeadm reset"; fi
rm -rf /etc/cni/net.d
if command -v ipvsadm >/dev/null 2>&1 && lsmod | grep -q '^ip_vs '; then ipvsadm -C || exit $?; fi
if command -v iptables-save >/dev/null 2>&1; then
  rules=$(iptables-save) || exit $?
  printf '%s\\n' "$rules" | ${CHAIN_FILTER} | iptables-restore || exit $?
fi
rm -f ${KUBECONFIGS.join(' ')}
exit 0
`;

/** The plan as text, one line per action, printed before anything happens. */
export function describeReset(cluster: Cluster, targets: ResetTarget[], whole: boolean): string {
  const lines = [whole ? `reset the whole cluster "${cluster.cluster.name}" (${targets.length} hosts: workers first, then masters):` : `reset ${targets[0].host.name}:`];
  for (const t of targets) {
    lines.push(`  ${t.host.name} (${t.host.role}, ${t.host.address})`);
    if (t.viaApi) lines.push(`    kubectl drain ${t.node} --ignore-daemonsets --delete-emptydir-data --force`, `    kubectl delete node ${t.node}`);
    else if (t.node) lines.push(`    (node ${t.node} goes with the control plane: no drain)`);
    else lines.push('    (not a registered node: no drain)');
    lines.push('    kubeadm reset -f', '    rm -rf /etc/cni/net.d', '    ipvsadm -C', '    remove the KUBE-* and cali-* iptables chains', `    rm -f /root/.kube/config /etc/kubernetes/*.conf`);
  }
  return lines.join('\n') + '\n';
}
