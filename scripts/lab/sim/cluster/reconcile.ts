/**
 * What the cluster's controllers, scheduler and kubelets would have made of the stored objects,
 * derived deterministically on every call (no background loop): Node conditions, mirror pods,
 * DaemonSet and Deployment pods with their status and events, workload status, pod IPs from
 * Calico's pool. Pod identity (name, start) is kept in cluster.podStarts by "slot", so a pod
 * keeps its name until something restarts it (rollout restart, delete pod, drain).
 */
import type { SimContext } from '../api.ts';
import { ipInPool, poolOf } from './calico.ts';
import { ensureDefaultIpPool } from './ippool.ts';
import { deriveObjects, ensureCniConfig, ensureSystemObjects } from './derive.ts';
import { ensureServingCsrs, deriveNode, nodeViews } from './nodestate.ts';
import { staticManifests } from './nodes.ts';
import { buildPod, daemonSetPlans, deploymentPlans } from './plans.ts';
import { isMetricsServer, podState } from './podstate.ts';
import { podRequests } from './scheduling.ts';
import { mirrorHash } from './slots.ts';
import { listObjects } from './store.ts';
import { dig, rec, str } from './util.ts';
import { CNI_DAEMONSETS, type ClusterView, type Ctx, type PodPlan, type PodView } from './view.ts';

export type { ClusterView, NodeView, PodEvent, PodView } from './view.ts';
export { restartSlot } from './slots.ts';
export { isMetricsServer } from './podstate.ts';
export { firstServiceIp } from './derive.ts';

/** Derive the whole cluster as the API server would show it now. Saves the cluster when pod identities changed. */
export function reconcile(sim: SimContext): ClusterView {
  const cluster = sim.cluster();
  const c: Ctx = { sim, cluster, now: sim.now(), changed: false, runtimeFlavor: new Map() };
  ensureSystemObjects(c);
  const nodes = nodeViews(c);
  const nodeNames = new Set(nodes.map((n) => n.name));
  const daemonSets = listObjects(cluster, 'DaemonSet');
  const pool = poolOf(daemonSets.find((d) => d.metadata.name === 'calico-node'));

  // 1. CNI daemon pods first (they tolerate everything): a node is Ready when its kubelet runs and its CNI pod does
  for (const nv of nodes) nv.ready = nv.kubeletActive ? 'False' : 'Unknown';
  const provisional = new Map(nodes.map((nv) => [nv.name, deriveNode(c, nv)]));
  for (const ds of daemonSets.filter((d) => CNI_DAEMONSETS.includes(d.metadata.name))) {
    for (const plan of daemonSetPlans(c, ds, nodes, provisional)) {
      const nv = nodes.find((n) => n.name === plan.nodeName);
      if (!nv) continue;
      const st = podState(c, plan, nv, pool);
      if (st.status === 'Running' && nv.kubeletActive) nv.cniReady = true;
    }
  }
  for (const nv of nodes) {
    nv.ready = !nv.kubeletActive ? 'Unknown' : nv.cniReady ? 'True' : 'False';
    if (nv.cniReady && nv.peer?.running) ensureCniConfig(nv.peer, pool);
  }
  if (nodes.some((nv) => nv.cniReady)) ensureDefaultIpPool(c, daemonSets.find((d) => d.metadata.name === 'calico-node'), pool);
  const derivedNodes = new Map(nodes.map((nv) => [nv.name, deriveNode(c, nv)]));
  ensureServingCsrs(c, nodes);

  // 2. every pod: mirror pods, daemon pods, deployment replicas (scheduled against the derived taints)
  const plans: PodPlan[] = [];
  for (const nv of nodes) {
    for (const m of staticManifests(nv.peer)) {
      const ns = m.metadata.namespace ?? 'kube-system';
      const created = Date.parse(str(nv.node.metadata.creationTimestamp)) || c.now;
      plans.push({
        namespace: ns, name: `${m.metadata.name}-${nv.name}`, start: created, template: m as unknown as Record<string, unknown>, labels: m.metadata.labels ?? {},
        annotations: { 'kubernetes.io/config.mirror': mirrorHash(m), 'kubernetes.io/config.source': 'file' },
        owner: { kind: 'Node', name: nv.name, uid: str(nv.node.metadata.uid), apiVersion: 'v1' }, nodeName: nv.name, mirror: true,
      });
    }
  }
  for (const ds of daemonSets) plans.push(...daemonSetPlans(c, ds, nodes, derivedNodes));
  const used = new Map<string, { cpu: number; memory: number }>();
  for (const p of plans) {
    if (!p.nodeName) continue;
    const r = podRequests(rec(p.template.spec));
    const u = used.get(p.nodeName) ?? { cpu: 0, memory: 0 };
    used.set(p.nodeName, { cpu: u.cpu + r.cpu, memory: u.memory + r.memory });
  }
  for (const dep of listObjects(cluster, 'Deployment')) plans.push(...deploymentPlans(c, dep, nodes, derivedNodes, used));
  for (const bare of listObjects(cluster, 'Pod')) {
    const node = str(dig(bare, 'spec', 'nodeName'));
    plans.push({ namespace: bare.metadata.namespace ?? 'default', name: bare.metadata.name, start: Date.parse(str(bare.metadata.creationTimestamp)) || c.now, template: bare as unknown as Record<string, unknown>, labels: bare.metadata.labels ?? {}, nodeName: nodeNames.has(node) ? node : nodes[0]?.name, mirror: false });
  }

  // forget slots whose pods no longer exist
  const liveSlots = new Set(plans.map((p) => p.slot).filter((s): s is string => !!s));
  for (const k of Object.keys(cluster.podStarts)) {
    if ((k.includes('/ds:') || k.includes('/deploy:')) && !liveSlots.has(k)) {
      delete cluster.podStarts[k];
      c.changed = true;
    }
  }

  const pods: PodView[] = [];
  const ipCursor = new Map<string, number>();
  const sorted = [...plans].sort((a, b) => a.start - b.start || a.name.localeCompare(b.name));
  for (const plan of sorted) {
    const nv = nodes.find((n) => n.name === plan.nodeName);
    const st = podState(c, plan, nv, pool);
    let ip = st.ip;
    const sandbox = nv && nv.kubeletActive && !st.hostNetwork && st.status !== 'ContainerCreating' && st.status !== 'Pending';
    if (sandbox && pool) {
      const n = (ipCursor.get(nv.name) ?? 0) + 1;
      ipCursor.set(nv.name, n);
      ip = ipInPool(pool, nodes.map((x) => x.name), nv.name, n);
    }
    const pod = buildPod(c, plan, st, nv, ip);
    pods.push({
      pod, slot: plan.slot, nodeName: plan.nodeName, hostName: nv?.peer?.host.name, status: st.status, ready: st.ready, readyCount: st.readyCount,
      total: st.total, restarts: st.restarts, ownerKind: plan.owner?.kind, ownerName: plan.owner?.name, mirror: plan.mirror,
      hostNetwork: st.hostNetwork, emptyDir: st.emptyDir, events: st.events,
    });
  }
  pods.sort((a, b) => (a.pod.metadata.namespace ?? '').localeCompare(b.pod.metadata.namespace ?? '') || a.pod.metadata.name.localeCompare(b.pod.metadata.name));

  const metricsReady = pods.some((p) => isMetricsServer(rec(p.pod)) && p.ready);
  const objects = deriveObjects(c, derivedNodes, pods, metricsReady);
  if (c.changed) sim.saveCluster();
  return { nodes: nodes.map((nv) => ({ ...nv, node: derivedNodes.get(nv.name) ?? nv.node })), pods, objects, metricsReady, now: c.now };
}
