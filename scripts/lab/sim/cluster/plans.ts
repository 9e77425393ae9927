/** The pods controllers want: one per node for a DaemonSet, replicas placed by the scheduler for a Deployment. */
import type { KubeObject } from './types.ts';
import { daemonTolerations, filterNode, nodeAllocatable, podRequests, untoleratedTaint, unschedulableMessage } from './scheduling.ts';
import { slotStart, templateHash } from './slots.ts';
import { isoNow } from './store.ts';
import { clone, dig, nameSuffix, rec, str } from './util.ts';
import { newUidFor, type podState } from './podstate.ts';
import type { Ctx, NodeView, PodPlan } from './view.ts';

export function daemonSetPlans(c: Ctx, ds: KubeObject, nodes: NodeView[], taints: Map<string, KubeObject>): PodPlan[] {
  const tmpl = rec(dig(ds, 'spec', 'template'));
  const spec = rec(tmpl.spec);
  const tols = daemonTolerations(spec);
  const hash = templateHash(tmpl);
  const ns = ds.metadata.namespace ?? 'default';
  const plans: PodPlan[] = [];
  for (const nv of nodes) {
    const node = taints.get(nv.name) ?? nv.node;
    const sel = rec(spec.nodeSelector);
    const labels = node.metadata.labels ?? {};
    if (Object.entries(sel).some(([k, v]) => labels[k] !== str(v))) continue;
    if (untoleratedTaint(node, tols)) continue;
    const slot = `${ns}/ds:${ds.metadata.name}:${hash}:${nv.name}`;
    const start = slotStart(c, slot, ds, nv.node.metadata.creationTimestamp);
    plans.push({
      namespace: ns, name: `${ds.metadata.name}-${nameSuffix(`${ds.metadata.uid}/${nv.name}/${start}`, 5)}`, slot, start,
      template: { ...tmpl, spec: { ...spec, tolerations: tols } }, labels: { ...rec(dig(tmpl, 'metadata', 'labels')) as Record<string, string>, 'controller-revision-hash': hash.slice(0, 10), 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      owner: { kind: 'DaemonSet', name: ds.metadata.name, uid: str(ds.metadata.uid), apiVersion: 'apps/v1' }, nodeName: nv.name, mirror: false,
    });
  }
  return plans;
}

export function deploymentPlans(c: Ctx, dep: KubeObject, nodes: NodeView[], derived: Map<string, KubeObject>, used: Map<string, { cpu: number; memory: number }>): PodPlan[] {
  const tmpl = rec(dig(dep, 'spec', 'template'));
  const spec = rec(tmpl.spec);
  const replicas = typeof dig(dep, 'spec', 'replicas') === 'number' ? Number(dig(dep, 'spec', 'replicas')) : 1;
  const hash = templateHash(tmpl);
  const ns = dep.metadata.namespace ?? 'default';
  const placements = (c.cluster.extra.placements ??= {}) as Record<string, string>;
  const plans: PodPlan[] = [];
  const req = podRequests(spec);
  for (let i = 0; i < replicas; i++) {
    const slot = `${ns}/deploy:${dep.metadata.name}:${hash}:${i}`;
    const start = slotStart(c, slot, dep);
    let nodeName = placements[slot];
    let pendingMessage: string | undefined;
    if (!nodeName || !nodes.some((n) => n.name === nodeName)) {
      nodeName = '';
      const reasons: string[] = [];
      const feasible: string[] = [];
      for (const nv of nodes) {
        const node = derived.get(nv.name) ?? nv.node;
        const alloc = nodeAllocatable(node, nv.peer?.host.cpus ?? 2, nv.peer?.host.memoryMiB ?? 4096);
        const r = filterNode(c.cluster.kubernetesVersion, node, spec, used.get(nv.name) ?? { cpu: 0, memory: 0 }, alloc);
        if (r) reasons.push(r);
        else feasible.push(nv.name);
      }
      if (feasible.length > 0) {
        const mine = (n: string) => plans.filter((p) => p.nodeName === n).length;
        feasible.sort((a, b) => mine(a) - mine(b) || (used.get(a)?.cpu ?? 0) - (used.get(b)?.cpu ?? 0) || a.localeCompare(b));
        nodeName = feasible[0];
        placements[slot] = nodeName;
        c.changed = true;
      } else pendingMessage = unschedulableMessage(c.cluster.kubernetesVersion, nodes.length, reasons);
    }
    if (nodeName) {
      const u = used.get(nodeName) ?? { cpu: 0, memory: 0 };
      used.set(nodeName, { cpu: u.cpu + req.cpu, memory: u.memory + req.memory });
    }
    const rsName = `${dep.metadata.name}-${hash}`;
    plans.push({
      namespace: ns, name: `${rsName}-${nameSuffix(`${dep.metadata.uid}/${i}/${start}`, 5)}`, slot, start, template: tmpl,
      labels: { ...rec(dig(tmpl, 'metadata', 'labels')) as Record<string, string>, 'pod-template-hash': hash },
      owner: { kind: 'Deployment', name: dep.metadata.name, uid: str(dep.metadata.uid), apiVersion: 'apps/v1' },
      nodeName: nodeName || undefined, pendingMessage, mirror: false,
    });
  }
  // placements of slots that no longer exist go away
  for (const k of Object.keys(placements)) {
    if (k.startsWith(`${ns}/deploy:${dep.metadata.name}:`) && !plans.some((p) => p.slot === k)) {
      delete placements[k];
      c.changed = true;
    }
  }
  return plans;
}

export function buildPod(c: Ctx, plan: PodPlan, st: ReturnType<typeof podState>, nv: NodeView | undefined, ip: string | undefined): KubeObject {
  const tmplMeta = rec(plan.template.metadata);
  const spec = clone(rec(plan.template.spec));
  if (plan.nodeName) spec.nodeName = plan.nodeName;
  const priorities: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
  spec.priority = priorities[str(spec.priorityClassName)] ?? 0;
  const conds = [
    { type: 'Initialized', status: st.status.startsWith('Init:') ? 'False' : 'True' },
    { type: 'Ready', status: st.ready ? 'True' : 'False' },
    { type: 'ContainersReady', status: st.ready ? 'True' : 'False' },
    { type: 'PodScheduled', status: plan.nodeName ? 'True' : 'False', ...(plan.nodeName ? {} : { reason: 'Unschedulable', message: plan.pendingMessage }) },
  ].map((x) => ({ lastProbeTime: null, lastTransitionTime: isoNow(plan.start), ...x }));
  const status: Record<string, unknown> = {
    phase: st.phase, conditions: plan.nodeName ? conds : conds.filter((x) => x.type === 'PodScheduled'), qosClass: 'Burstable',
  };
  if (plan.nodeName && nv) {
    status.hostIP = nv.address;
    status.startTime = isoNow(plan.start);
    if (ip) {
      status.podIP = ip;
      status.podIPs = [{ ip }];
    }
    status.containerStatuses = st.containerStates.map((cs) => ({ imageID: '', containerID: '', ...cs }));
  }
  const annotations = { ...rec(tmplMeta.annotations) as Record<string, string>, ...(plan.annotations ?? {}) };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: plan.name, namespace: plan.namespace, uid: newUidFor(plan), creationTimestamp: isoNow(plan.start),
      labels: plan.labels, ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(plan.owner ? { ownerReferences: [{ apiVersion: plan.owner.apiVersion, kind: plan.owner.kind === 'Deployment' ? 'ReplicaSet' : plan.owner.kind, name: plan.owner.kind === 'Deployment' ? `${plan.owner.name}-${plan.labels['pod-template-hash']}` : plan.owner.name, uid: plan.owner.uid, controller: true }] } : {}),
    },
    spec,
    status,
  };
}
