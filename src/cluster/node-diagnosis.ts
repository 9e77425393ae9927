/** Nodes that are not Ready (with the kubelet's own reason) or under pressure, and what to do. */
import type { NodeJson } from './kube-json.ts';

export interface NodeProblem {
  node: string;
  /** NotReady, Unknown, DiskPressure, MemoryPressure, PIDPressure, Cordoned */
  state: string;
  reason: string;
  message: string;
  fix: string;
  /** a cordon is worth a warning, not a failure */
  severity: 'fail' | 'warn';
}

function notReadyFix(reason: string, message: string, node: string): string {
  if (reason === 'NodeStatusUnknown' || /stopped posting/i.test(message)) {
    return `the kubelet on ${node} stopped reporting: on the host, systemctl status kubelet and journalctl -u kubelet -n 50; check the host is up and reaches the API server`;
  }
  if (/cni|NetworkPluginNotReady|network plugin/i.test(message)) {
    return `no CNI on ${node}: check the calico-node pod there (kubectl -n kube-system get pods -o wide | grep ${node}) and that Calico's manifest is applied (kubeforge up)`;
  }
  if (/cgroup/i.test(message)) return `the kubelet and the container runtime disagree on the cgroup driver: set both to systemd`;
  if (/PLEG|container runtime is down|runtime network not ready/i.test(message)) return `the container runtime on ${node} is not healthy: systemctl status docker containerd; journalctl -u kubelet -n 50`;
  return `see journalctl -u kubelet -n 50 on ${node} and kubectl describe node ${node}`;
}

export function diagnoseNode(n: NodeJson): NodeProblem[] {
  const name = n.metadata.name;
  const conds = n.status?.conditions ?? [];
  const out: NodeProblem[] = [];
  const ready = conds.find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'True') {
    const reason = ready?.reason ?? 'NoReadyCondition';
    const message = ready?.message ?? 'the node has no Ready condition yet';
    out.push({ node: name, state: ready?.status === 'Unknown' ? 'Unknown' : 'NotReady', reason, message, fix: notReadyFix(reason, message, name), severity: 'fail' });
  }
  for (const type of ['DiskPressure', 'MemoryPressure', 'PIDPressure']) {
    const c = conds.find((x) => x.type === type);
    if (c?.status === 'True') {
      out.push({ node: name, state: type, reason: c.reason ?? type, message: c.message ?? '', fix: type === 'DiskPressure' ? `free space under /var/lib on ${name} (old images: docker image prune / crictl rmi --prune)` : `reduce the load on ${name} or give it more ${type === 'MemoryPressure' ? 'memory' : 'PIDs'}`, severity: 'fail' });
    }
  }
  if (n.spec?.unschedulable) out.push({ node: name, state: 'Cordoned', reason: 'Unschedulable', message: 'cordoned: no new pods are scheduled here', fix: `kubectl uncordon ${name} when maintenance is over`, severity: 'warn' });
  return out;
}
