/** What the API server shows beyond stored objects: workload status, APIService availability, events, system objects. */
import fsMod from 'node:fs';
import type { PeerView } from '../api.ts';
import type { KubeObject } from './types.ts';
import { calicoConflist } from './calico.ts';
import { writePeerFile } from './nodes.ts';
import { templateHash } from './slots.ts';
import { createObject, isoNow } from './store.ts';
import { dig, rec, str } from './util.ts';
import type { Ctx, PodView } from './view.ts';

/** The deprecated ComponentStatus list: the API server probes the scheduler, controller-manager and etcd of its host. */
export function componentStatuses(c: Ctx, pods: PodView[]): KubeObject[] {
  if (!c.cluster.initialized) return [];
  const running = (component: string) => pods.some((p) => p.mirror && p.pod.metadata.labels?.component === component && p.status === 'Running' && p.ready);
  const cs = (name: string, healthy: boolean, message: string, error: string) => ({
    apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name },
    conditions: [healthy ? { type: 'Healthy', status: 'True', message } : { type: 'Healthy', status: 'False', error }],
  });
  return [
    cs('controller-manager', running('kube-controller-manager'), 'ok', 'Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: connect: connection refused'),
    cs('etcd-0', running('etcd'), '{"health":"true","reason":""}', 'Get "https://127.0.0.1:2379/health": dial tcp 127.0.0.1:2379: connect: connection refused'),
    cs('scheduler', running('kube-scheduler'), 'ok', 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused'),
  ] as KubeObject[];
}

/** Namespaces and the kubernetes Service the API server creates itself. */
export function ensureSystemObjects(c: Ctx): void {
  if (!c.cluster.initialized) return;
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!c.cluster.objects[`Namespace//${ns}`]) {
      createObject(c.cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, c.now);
      c.changed = true;
    }
  }
  if (!c.cluster.objects['Service/default/kubernetes']) {
    createObject(c.cluster, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: firstServiceIp(c.cluster.serviceSubnet), clusterIPs: [firstServiceIp(c.cluster.serviceSubnet)], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
      status: { loadBalancer: {} },
    }, c.now);
    c.changed = true;
  }
}

export function firstServiceIp(subnet: string): string {
  const base = (subnet || '10.96.0.0/12').split('/')[0].split('.').map(Number);
  base[3] += 1;
  return base.join('.');
}

export function ensureCniConfig(peer: PeerView, pool: string | undefined): void {
  const file = '/etc/cni/net.d/10-calico.conflist';
  const content = calicoConflist(pool);
  try {
    const fs = peer.path(file);
    // written once by the install-cni init container; rewritten only when it differs
    if (readOrEmpty(fs) !== content) writePeerFile(peer, file, content);
  } catch {
    // a host going down mid-call keeps its old files
  }
}

const readOrEmpty = (f: string): string => {
  try {
    return fsMod.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

/** Stored objects with their derived status, plus the derived pods, nodes and events. */
export function deriveObjects(c: Ctx, nodes: Map<string, KubeObject>, pods: PodView[], metricsReady: boolean): KubeObject[] {
  const out: KubeObject[] = [];
  for (const o of Object.values(c.cluster.objects)) {
    if (o.kind === 'Node') {
      out.push(nodes.get(o.metadata.name) ?? o);
      continue;
    }
    if (o.kind === 'Pod') continue;
    if (o.kind === 'DaemonSet') {
      const mine = pods.filter((p) => p.ownerKind === 'DaemonSet' && p.ownerName === o.metadata.name && p.pod.metadata.namespace === o.metadata.namespace);
      const ready = mine.filter((p) => p.ready).length;
      out.push({ ...o, status: { currentNumberScheduled: mine.length, desiredNumberScheduled: mine.length, numberMisscheduled: 0, numberReady: ready, numberAvailable: ready, ...(mine.length - ready > 0 ? { numberUnavailable: mine.length - ready } : {}), updatedNumberScheduled: mine.length, observedGeneration: o.metadata.generation ?? 1 } });
      continue;
    }
    if (o.kind === 'Deployment') {
      const mine = pods.filter((p) => p.ownerKind === 'Deployment' && p.ownerName === o.metadata.name && p.pod.metadata.namespace === o.metadata.namespace);
      const ready = mine.filter((p) => p.ready).length;
      const avail = ready > 0 || mine.length === 0;
      out.push({
        ...o,
        status: {
          observedGeneration: o.metadata.generation ?? 1, replicas: mine.length, updatedReplicas: mine.length,
          ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}), ...(mine.length - ready > 0 ? { unavailableReplicas: mine.length - ready } : {}),
          conditions: [
            { type: 'Available', status: avail ? 'True' : 'False', reason: avail ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: avail ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: o.metadata.creationTimestamp, lastTransitionTime: o.metadata.creationTimestamp },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${o.metadata.name}-${templateHash(rec(dig(o, 'spec', 'template')))}" has successfully progressed.`, lastUpdateTime: o.metadata.creationTimestamp, lastTransitionTime: o.metadata.creationTimestamp },
          ],
        },
      });
      continue;
    }
    if (o.kind === 'APIService' && o.metadata.name === 'v1beta1.metrics.k8s.io') {
      const svc = rec(dig(o, 'spec', 'service'));
      const cond = metricsReady
        ? { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' }
        : { type: 'Available', status: 'False', reason: 'MissingEndpoints', message: `endpoints for service/${str(svc.name, 'metrics-server')} in "${str(svc.namespace, 'kube-system')}" have no addresses with port name "https"` };
      out.push({ ...o, status: { conditions: [{ ...cond, lastTransitionTime: o.metadata.creationTimestamp }] } });
      continue;
    }
    out.push(o);
  }
  for (const p of pods) out.push(p.pod);
  out.push(...componentStatuses(c, pods));
  for (const p of pods) {
    p.events.forEach((e, i) => {
      out.push({
        apiVersion: 'v1', kind: 'Event',
        // like the real ones: <object>.<hex timestamp>, so they list in the order they happened
        metadata: { name: `${p.pod.metadata.name}.${((Date.parse(p.pod.metadata.creationTimestamp ?? '') || c.now) * 1000 + i).toString(16)}`, namespace: p.pod.metadata.namespace, creationTimestamp: p.pod.metadata.creationTimestamp },
        involvedObject: { kind: 'Pod', name: p.pod.metadata.name, namespace: p.pod.metadata.namespace, uid: p.pod.metadata.uid },
        reason: e.reason, message: e.message, type: e.type, source: { component: e.source },
        firstTimestamp: p.pod.metadata.creationTimestamp, lastTimestamp: isoNow(c.now), count: 1,
      });
    });
  }
  return out;
}

