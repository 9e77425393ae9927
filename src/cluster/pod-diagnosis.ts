/**
 * Pods that are not running well, grouped by cause, each cause with its usual fix
 * (the troubleshooting list of DOMAIN.md: Pending, ContainerCreating, ImagePullBackOff,
 * CrashLoopBackOff, Error, Terminating/Unknown, Evicted).
 */
import type { PodJson } from './kube-json.ts';

export type PodCause =
  | 'ImagePullBackOff' | 'CrashLoopBackOff' | 'Pending' | 'ContainerCreating' | 'CreateContainerConfigError'
  | 'Error' | 'Terminating' | 'Unknown' | 'Evicted' | 'NotReady' | 'NodeNotReady';

export interface PodProblem {
  namespace: string;
  name: string;
  node?: string;
  cause: PodCause;
  /** the reason as kubectl shows it (ErrImagePull, Init:CrashLoopBackOff, Unschedulable, ...) */
  reason: string;
  /** the kubelet's or scheduler's message */
  message: string;
  /** the image that cannot be pulled, for ImagePullBackOff */
  image?: string;
}

export interface PodGroup {
  cause: PodCause;
  pods: PodProblem[];
  fix: string;
}

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** Causes that are only a symptom when the pod's node is down: the node is the problem. */
const NODE_SYMPTOMS = new Set<PodCause>(['NotReady', 'ContainerCreating', 'Unknown', 'Terminating']);

/**
 * The problem of one pod, or undefined when it is fine (Running and ready, or Succeeded).
 * `badNodes`: nodes that are not Ready; their pods' trouble is put down to the node.
 */
export function diagnosePod(p: PodJson, badNodes: ReadonlySet<string> = new Set()): PodProblem | undefined {
  const d = diagnoseAlone(p);
  if (d && d.node && badNodes.has(d.node) && NODE_SYMPTOMS.has(d.cause)) {
    return { ...d, cause: 'NodeNotReady', reason: d.reason, message: `node ${d.node} is not Ready` };
  }
  return d;
}

function diagnoseAlone(p: PodJson): PodProblem | undefined {
  const base = { namespace: p.metadata.namespace ?? 'default', name: p.metadata.name, node: p.spec?.nodeName || undefined };
  const st = p.status ?? {};
  const phase = st.phase ?? 'Unknown';
  if (phase === 'Succeeded') return undefined;
  if (p.metadata.deletionTimestamp) return { ...base, cause: 'Terminating', reason: 'Terminating', message: 'deletion pending: the node has not confirmed the pod is gone' };
  if (st.reason === 'Evicted') return { ...base, cause: 'Evicted', reason: 'Evicted', message: st.message ?? '' };
  if (phase === 'Unknown') return { ...base, cause: 'Unknown', reason: 'Unknown', message: st.message ?? 'the node stopped reporting this pod' };
  for (const [list, prefix] of [[st.initContainerStatuses ?? [], 'Init:'], [st.containerStatuses ?? [], '']] as const) {
    for (const c of list) {
      const w = c.state?.waiting;
      const reason = w?.reason;
      if (!reason || reason === 'PodInitializing') continue;
      const message = w?.message ?? c.lastState?.terminated?.message ?? '';
      if (IMAGE_PULL.has(reason)) return { ...base, cause: 'ImagePullBackOff', reason: prefix + reason, message, image: c.image };
      if (reason === 'CrashLoopBackOff') {
        const last = c.lastState?.terminated;
        const why = last ? `last exit ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}${last.message ? `: ${last.message}` : ''}` : message;
        return { ...base, cause: 'CrashLoopBackOff', reason: prefix + reason, message: `container ${c.name}, ${c.restartCount ?? 0} restarts, ${why}` };
      }
      if (CONFIG.has(reason)) return { ...base, cause: 'CreateContainerConfigError', reason: prefix + reason, message };
      if (reason === 'ContainerCreating') return { ...base, cause: 'ContainerCreating', reason: prefix + reason, message };
    }
  }
  if (phase === 'Failed') {
    const t = (st.containerStatuses ?? []).map((c) => c.state?.terminated).find((x) => x !== undefined);
    return { ...base, cause: 'Error', reason: st.reason ?? t?.reason ?? 'Error', message: st.message ?? t?.message ?? '' };
  }
  if (phase === 'Pending') {
    const sched = (st.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (sched?.status === 'False') return { ...base, cause: 'Pending', reason: sched.reason ?? 'Unschedulable', message: sched.message ?? '' };
    if (base.node) return { ...base, cause: 'ContainerCreating', reason: 'ContainerCreating', message: 'bound to a node whose kubelet has not started it' };
    return { ...base, cause: 'Pending', reason: 'Pending', message: st.message ?? 'not scheduled yet' };
  }
  const notReady = (st.containerStatuses ?? []).filter((c) => c.ready === false);
  if (phase === 'Running' && notReady.length > 0) {
    return { ...base, cause: 'NotReady', reason: 'NotReady', message: `${notReady.length}/${st.containerStatuses?.length ?? 0} containers not ready (${notReady.map((c) => c.name).join(', ')})` };
  }
  return undefined;
}

/** Registry host of an image reference (docker.io when none is named). */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

export function fixFor(cause: PodCause, pods: PodProblem[]): string {
  const one = pods[0];
  const ref = `kubectl -n ${one.namespace} describe pod ${one.name}`;
  switch (cause) {
    case 'ImagePullBackOff': {
      const regs = [...new Set(pods.map((p) => (p.image ? registryOf(p.image) : '')).filter(Boolean))];
      return `the node cannot pull the image${regs.length ? ` from ${regs.join(', ')}` : ''}: check the image name and tag, that the registry is reachable from the nodes or point the image at a reachable mirror (inventory mirrors: images / calico-images, imageRepository), and imagePullSecrets for a private registry; then delete the pod to retry`;
    }
    case 'CrashLoopBackOff':
      return `the container keeps exiting: read why with kubectl -n ${one.namespace} logs ${one.name} --previous, and check probes and config with ${ref}`;
    case 'Pending':
      return `no node fits the pod: check taints (kubectl describe nodes | grep -A2 Taints), NotReady nodes or a missing CNI, and resource requests against allocatable (${ref})`;
    case 'ContainerCreating':
      return `the sandbox or network cannot be set up: check the CNI (calico-node pod) on the node, the pause image pull, and ConfigMap/Secret volumes; the event says which (${ref})`;
    case 'CreateContainerConfigError':
      return `a ConfigMap, Secret or volume the pod needs is missing, or a quota or RBAC rule refuses it: ${ref}`;
    case 'Error':
      return `the pod failed: kubectl -n ${one.namespace} logs ${one.name}; missing ConfigMap/Secret/PV, quota or RBAC are the usual causes (${ref})`;
    case 'Terminating':
    case 'Unknown':
      return `the node lost contact: check its kubelet (systemctl status kubelet) and network; once the node is gone for good, kubectl -n ${one.namespace} delete pod ${one.name} --grace-period=0 --force`;
    case 'Evicted':
      return `the node ran short of disk or memory: free space under /var/lib (images, logs) and check kubectl describe node ${one.node ?? '<node>'}; then delete the evicted pods`;
    case 'NotReady':
      return `a readiness probe fails: ${ref} (events) and kubectl -n ${one.namespace} logs ${one.name}`;
    case 'NodeNotReady': {
      const nodes = [...new Set(pods.map((p) => p.node ?? ''))].filter(Boolean).join(', ');
      return `their node (${nodes}) is not Ready: fix the node first (see its row); the pods recover or are rescheduled once it is back`;
    }
  }
}

/** Every pod problem, grouped by cause in a stable order, with the fix of each group. */
export function groupPodProblems(pods: PodJson[], badNodes: ReadonlySet<string> = new Set()): PodGroup[] {
  const by = new Map<PodCause, PodProblem[]>();
  for (const p of pods) {
    const d = diagnosePod(p, badNodes);
    if (!d) continue;
    const l = by.get(d.cause) ?? [];
    l.push(d);
    by.set(d.cause, l);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cause, list]) => ({ cause, pods: list, fix: fixFor(cause, list) }));
}
