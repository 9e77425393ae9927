/** The scheduler's filters (taints, cordon, node selector, resources) and its "0/N nodes are available" text. */
import type { KubeObject } from './types.ts';
import { arr, dig, isObject, minorOf, parseCpu, parseMemory, rec, str } from './util.ts';

export interface Taint { key: string; value?: string; effect: string }
export interface Toleration { key?: string; operator?: string; value?: string; effect?: string }

export const taintsOf = (node: KubeObject): Taint[] =>
  arr(dig(node, 'spec', 'taints')).filter(isObject).map((t) => ({ key: str(t.key), value: t.value === undefined ? undefined : str(t.value), effect: str(t.effect) }));

export function tolerates(tols: Toleration[], t: Taint): boolean {
  return tols.some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
    return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
  });
}

export const tolerationsOf = (podSpec: Record<string, unknown>): Toleration[] =>
  arr(podSpec.tolerations).filter(isObject).map((t) => t as Toleration);

/** Tolerations the DaemonSet controller adds to every daemon pod. */
export function daemonTolerations(podSpec: Record<string, unknown>): Toleration[] {
  const extra: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (podSpec.hostNetwork === true) extra.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return [...tolerationsOf(podSpec), ...extra];
}

export function untoleratedTaint(node: KubeObject, tols: Toleration[]): Taint | undefined {
  return taintsOf(node).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tols, t));
}

export function podRequests(podSpec: Record<string, unknown>): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of arr(podSpec.containers).filter(isObject)) {
    const req = rec(dig(c, 'resources', 'requests'));
    cpu += parseCpu(req.cpu);
    memory += parseMemory(req.memory);
  }
  return { cpu, memory };
}

export function nodeAllocatable(node: KubeObject, fallbackCpus: number, fallbackMemMiB: number): { cpu: number; memory: number } {
  const a = rec(dig(node, 'status', 'allocatable'));
  return {
    cpu: a.cpu !== undefined ? parseCpu(a.cpu) : fallbackCpus * 1000,
    memory: a.memory !== undefined ? parseMemory(a.memory) : fallbackMemMiB * 1024 * 1024,
  };
}

/** One node's scheduling failure reason, or undefined when the pod fits. */
export function filterNode(
  version: string, node: KubeObject, podSpec: Record<string, unknown>, used: { cpu: number; memory: number }, alloc: { cpu: number; memory: number },
): string | undefined {
  const tols = tolerationsOf(podSpec);
  if (dig(node, 'spec', 'unschedulable') === true && !tolerates(tols, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return 'node(s) were unschedulable';
  }
  const sel = rec(podSpec.nodeSelector);
  const labels = node.metadata.labels ?? {};
  if (Object.entries(sel).some(([k, v]) => labels[k] !== str(v))) return "node(s) didn't match Pod's node affinity/selector";
  const t = untoleratedTaint(node, tols);
  if (t) {
    return minorOf(version) >= 25
      ? `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`
      : `node(s) had taint {${t.key}: ${t.value ?? ''}}, that the pod didn't tolerate`;
  }
  const req = podRequests(podSpec);
  if (used.cpu + req.cpu > alloc.cpu) return 'Insufficient cpu';
  if (used.memory + req.memory > alloc.memory) return 'Insufficient memory';
  return undefined;
}

/** The FailedScheduling message as kube-scheduler words it for this version. */
export function unschedulableMessage(version: string, total: number, reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts.entries()].map(([r, n]) => `${n} ${r}`).sort();
  const head = total === 0 ? 'no nodes available to schedule pods' : `0/${total} nodes are available: ${parts.join(', ')}.`;
  if (total > 0 && minorOf(version) >= 26) {
    return `${head} preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling..`;
  }
  return head;
}
