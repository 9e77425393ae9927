/**
 * What the cluster's controllers, scheduler and kubelets would have made of the stored objects,
 * derived deterministically on every call (no background loop): Node conditions, mirror pods,
 * DaemonSet and Deployment pods with their status and events, workload status, pod IPs from
 * Calico's pool. Pod identity (name, start) is kept in cluster.podStarts by "slot", so a pod
 * keeps its name until something restarts it (rollout restart, delete pod, drain).
 */
import fsMod from 'node:fs';
import type { PeerView, SimContext } from '../api.ts';
import type { ClusterState, KubeObject } from './types.ts';
import { canPull, sandboxProblem } from './images.ts';
import { hostOfNode, kubeletActive, nodeAddress, serverTlsBootstrap, staticManifests, writePeerFile } from './nodes.ts';
import { proxyStart } from './proxymode.ts';
import {
  daemonTolerations, filterNode, nodeAllocatable, podRequests, untoleratedTaint, unschedulableMessage, type Taint,
} from './scheduling.ts';
import { createObject, isoNow, listObjects } from './store.ts';
import { arr, clone, dig, hashHex, isObject, nameSuffix, rec, stableStringify, str } from './util.ts';
import { calicoConflist, ipInPool, poolOf } from './calico.ts';

export interface PodEvent { type: 'Normal' | 'Warning'; reason: string; message: string; source: string }

export interface PodView {
  pod: KubeObject;
  slot?: string;
  nodeName?: string;
  hostName?: string;
  /** the STATUS column */
  status: string;
  ready: boolean;
  readyCount: number;
  total: number;
  restarts: number;
  ownerKind?: 'DaemonSet' | 'Deployment' | 'Node';
  ownerName?: string;
  mirror: boolean;
  hostNetwork: boolean;
  emptyDir: boolean;
  events: PodEvent[];
}

export interface NodeView {
  name: string;
  node: KubeObject;
  peer?: PeerView;
  address?: string;
  kubeletActive: boolean;
  cniReady: boolean;
  ready: 'True' | 'False' | 'Unknown';
}

export interface ClusterView {
  nodes: NodeView[];
  pods: PodView[];
  /** stored objects with derived status, plus derived ones (pods, default namespaces, kubernetes Service) */
  objects: KubeObject[];
  metricsReady: boolean;
  now: number;
}

const CNI_DAEMONSETS = ['calico-node'];

interface Ctx {
  sim: SimContext;
  cluster: ClusterState;
  now: number;
  changed: boolean;
  runtimeFlavor: Map<string, 'docker' | 'containerd'>;
}

/**
 * When the slot's pod was created: remembered, else when its owner and node both existed (the
 * controller acted then); an owner whose spec changed since creation made its new pods now.
 */
function slotStart(c: Ctx, key: string, owner: KubeObject, ...since: (string | undefined)[]): number {
  const v = c.cluster.podStarts[key];
  if (v !== undefined) return v;
  if ((owner.metadata.generation ?? 1) > 1) {
    c.cluster.podStarts[key] = c.now;
    c.changed = true;
    return c.now;
  }
  const t = Math.min(c.now, Math.max(0, ...[owner.metadata.creationTimestamp, ...since].map((s) => Date.parse(s ?? '') || 0)));
  const start = t > 0 ? t : c.now;
  c.cluster.podStarts[key] = start;
  c.changed = true;
  return start;
}

/** Mark a slot's pod as replaced (delete pod, rollout restart, drain): the next view has a new pod. */
export function restartSlot(cluster: ClusterState, slot: string, now: number): void {
  cluster.podStarts[slot] = now;
  const placements = (cluster.extra.placements ?? {}) as Record<string, string>;
  delete placements[slot];
}

function runtimeMessage(flavor: 'docker' | 'containerd'): string {
  return flavor === 'docker'
    ? 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized'
    : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
}

function templateHash(template: unknown): string {
  return nameSuffix(stableStringify(template), 10);
}

interface PodPlan {
  namespace: string;
  name: string;
  slot?: string;
  start: number;
  template: Record<string, unknown>;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: 'DaemonSet' | 'Deployment' | 'Node'; name: string; uid: string; apiVersion: string };
  nodeName?: string;
  pendingMessage?: string;
  mirror: boolean;
}

/** Container state machine for one pod on one node. */
function podState(c: Ctx, plan: PodPlan, nv: NodeView | undefined, pool: string | undefined): Omit<PodView, 'pod' | 'slot' | 'nodeName' | 'hostName' | 'ownerKind' | 'ownerName' | 'mirror'> & { phase: string; containerStates: Record<string, unknown>[]; ip?: string } {
  const spec = rec(plan.template.spec);
  const containers = arr(spec.containers).filter(isObject);
  const inits = arr(spec.initContainers).filter(isObject);
  const hostNetwork = spec.hostNetwork === true;
  const emptyDir = arr(spec.volumes).some((v) => isObject(v) && v.emptyDir !== undefined);
  const total = containers.length;
  const events: PodEvent[] = [];
  const base = { total, hostNetwork, emptyDir, events };
  const waiting = (reason: string, message?: string) =>
    containers.map((ct) => ({ name: str(ct.name), image: str(ct.image), ready: false, restartCount: 0, started: false, state: { waiting: message ? { reason, message } : { reason } } }));
  if (!nv) {
    events.push({ type: 'Warning', reason: 'FailedScheduling', message: plan.pendingMessage ?? 'no nodes available to schedule pods', source: 'default-scheduler' });
    return { ...base, status: 'Pending', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: [] };
  }
  events.push({ type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${plan.namespace}/${plan.name} to ${nv.name}`, source: 'default-scheduler' });
  const kubelet = `kubelet`;
  if (!nv.kubeletActive) {
    // the node stopped reporting: the last known state stays, but nothing is Ready
    const cs = containers.map((ct) => ({ name: str(ct.name), image: str(ct.image), ready: false, restartCount: 0, started: true, state: { running: { startedAt: isoNow(plan.start) } } }));
    return { ...base, status: 'Running', ready: false, readyCount: 0, restarts: 0, phase: 'Running', containerStates: cs };
  }
  if (!hostNetwork && !nv.cniReady) {
    events.push({ type: 'Warning', reason: 'NetworkNotReady', message: `network is not ready: ${runtimeMessage(c.runtimeFlavor.get(nv.name) ?? 'docker')}`, source: kubelet });
    return { ...base, status: 'ContainerCreating', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: waiting('ContainerCreating') };
  }
  // volumes from ConfigMaps / Secrets must exist
  for (const v of arr(spec.volumes).filter(isObject)) {
    const cmName = str(dig(v, 'configMap', 'name'));
    const secName = str(dig(v, 'secret', 'secretName'));
    const optional = dig(v, 'configMap', 'optional') === true || dig(v, 'secret', 'optional') === true;
    if (optional) continue;
    const missing = (cmName && !c.cluster.objects[`ConfigMap/${plan.namespace}/${cmName}`] && `configmap "${cmName}" not found`) ||
      (secName && !c.cluster.objects[`Secret/${plan.namespace}/${secName}`] && `secret "${secName}" not found`);
    if (missing) {
      events.push({ type: 'Warning', reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${str(v.name)}" : ${missing}`, source: kubelet });
      return { ...base, status: 'ContainerCreating', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: waiting('ContainerCreating') };
    }
  }
  const ip = hostNetwork ? nv.address : undefined;
  const ageSec = Math.max(0, (c.now - plan.start) / 1000);
  const flavor = c.runtimeFlavor.get(nv.name) ?? 'docker';
  const peer = nv.peer;
  if (!peer) return { ...base, status: 'ContainerCreating', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: waiting('ContainerCreating') };
  const sandbox = sandboxProblem(c.sim, peer, flavor, c.cluster.kubernetesVersion);
  if (sandbox) {
    events.push({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: sandbox, source: kubelet });
    return { ...base, status: 'ContainerCreating', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: waiting('ContainerCreating') };
  }
  for (const [list, prefix] of [[inits, 'Init:'], [containers, '']] as const) {
    for (const ct of list) {
      const image = str(ct.image);
      const pull = canPull(c.sim, peer, flavor, image);
      if (!pull.ok) {
        const backoff = ageSec >= 30;
        const reason = backoff ? 'ImagePullBackOff' : 'ErrImagePull';
        events.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, source: kubelet });
        events.push({ type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${pull.error ?? 'rpc error'}`, source: kubelet });
        events.push({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', source: kubelet });
        if (backoff) {
          events.push({ type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"`, source: kubelet });
          events.push({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', source: kubelet });
        }
        const msg = backoff ? `Back-off pulling image "${image}"` : pull.error ?? '';
        const states = prefix ? waiting('PodInitializing') : waiting(reason, msg);
        return { ...base, status: `${prefix}${reason}`, ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: states, ip };
      }
    }
  }
  for (const ct of containers) {
    events.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${str(ct.image)}" already present on machine`, source: kubelet });
    events.push({ type: 'Normal', reason: 'Created', message: `Created container ${str(ct.name)}`, source: kubelet });
    events.push({ type: 'Normal', reason: 'Started', message: `Started container ${str(ct.name)}`, source: kubelet });
  }
  // kube-proxy reads its config when it starts; a bad config makes it exit
  if (plan.owner?.kind === 'DaemonSet' && plan.owner.name === 'kube-proxy' && nv.peer) {
    const { start, changed } = proxyStart(c.cluster, plan.name, nv.peer);
    if (changed) c.changed = true;
    if (start.error) {
      const restarts = Math.min(1 + Math.floor(ageSec / 60), 50);
      events.push({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', source: kubelet });
      const cs = containers.map((ct) => ({
        name: str(ct.name), image: str(ct.image), ready: false, restartCount: restarts, started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${str(ct.name)} pod=${plan.name}_${plan.namespace}(${newUidFor(plan)})` } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', message: start.error } },
      }));
      return { ...base, status: 'CrashLoopBackOff', ready: false, readyCount: 0, restarts, phase: 'Running', containerStates: cs, ip };
    }
  }
  let readyCount = total;
  if (isMetricsServer(plan.template) && !metricsTlsOk(c, plan.template)) {
    readyCount = 0;
    events.push({ type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500', source: kubelet });
  }
  const cs = containers.map((ct) => ({
    name: str(ct.name), image: str(ct.image), ready: readyCount === total, restartCount: 0, started: true, state: { running: { startedAt: isoNow(plan.start) } },
  }));
  return { ...base, status: 'Running', ready: readyCount === total, readyCount, restarts: 0, phase: 'Running', containerStates: cs, ip };
}

const newUidFor = (plan: PodPlan): string => {
  const h = hashHex(`${plan.namespace}/${plan.name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function isMetricsServer(template: Record<string, unknown>): boolean {
  return arr(dig(template, 'spec', 'containers')).some((ct) => isObject(ct) && /metrics-server/.test(str(ct.image)));
}

/** metrics-server can scrape the kubelets: it skips verification, or every kubelet has an approved serving cert. */
function metricsTlsOk(c: Ctx, template: Record<string, unknown>): boolean {
  const args = arr(dig(template, 'spec', 'containers')).flatMap((ct) => (isObject(ct) ? [...arr(ct.args), ...arr(ct.command)] : [])).map(String);
  if (args.some((a) => a === '--kubelet-insecure-tls' || a === '--kubelet-insecure-tls=true')) return true;
  const nodes = listObjects(c.cluster, 'Node');
  if (nodes.length === 0) return false;
  const csrs = listObjects(c.cluster, 'CertificateSigningRequest');
  return nodes.every((n) => csrs.some((csr) => str(dig(csr, 'spec', 'username')) === `system:node:${n.metadata.name}` &&
    str(dig(csr, 'spec', 'signerName')) === 'kubernetes.io/kubelet-serving' &&
    arr(dig(csr, 'status', 'conditions')).some((cd) => isObject(cd) && cd.type === 'Approved')));
}

/** kubelets with serverTLSBootstrap ask for their serving certificate with a CSR (pending until approved). */
function ensureServingCsrs(c: Ctx, nodes: NodeView[]): void {
  for (const nv of nodes) {
    if (!nv.kubeletActive || !serverTlsBootstrap(nv.peer)) continue;
    const user = `system:node:${nv.name}`;
    const have = listObjects(c.cluster, 'CertificateSigningRequest').some((o) => str(dig(o, 'spec', 'username')) === user && str(dig(o, 'spec', 'signerName')) === 'kubernetes.io/kubelet-serving');
    if (have) continue;
    const csr: KubeObject = {
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
      metadata: { name: `csr-${nameSuffix(`${user}/${c.cluster.caCertHash}`, 5)}` },
      spec: {
        groups: ['system:nodes', 'system:authenticated'],
        request: Buffer.from(`-----BEGIN CERTIFICATE REQUEST-----\n${user}\n-----END CERTIFICATE REQUEST-----\n`).toString('base64'),
        signerName: 'kubernetes.io/kubelet-serving',
        usages: ['digital signature', 'key encipherment', 'server auth'],
        username: user,
      },
      status: {},
    };
    createObject(c.cluster, csr, c.now);
    c.changed = true;
  }
}

function nodeViews(c: Ctx): NodeView[] {
  return listObjects(c.cluster, 'Node').map((node) => {
    const peer = hostOfNode(c.sim, node);
    const rt = str(dig(node, 'status', 'nodeInfo', 'containerRuntimeVersion'));
    c.runtimeFlavor.set(node.metadata.name, rt.startsWith('containerd') ? 'containerd' : 'docker');
    return {
      name: node.metadata.name, node, peer, address: nodeAddress(node) ?? peer?.host.address,
      kubeletActive: kubeletActive(peer), cniReady: false, ready: 'Unknown' as const,
    };
  });
}

/** Taints the node lifecycle controller adds for the node's condition. */
function conditionTaints(nv: NodeView): Taint[] {
  if (nv.ready === 'Unknown') return [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
  if (nv.ready === 'False') return [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  return [];
}

function deriveNode(c: Ctx, nv: NodeView): KubeObject {
  const node = clone(nv.node);
  const status = rec((node.status ??= {}));
  node.status = status;
  const spec = rec(node.spec);
  node.spec = spec;
  const extra = conditionTaints(nv).map((t) => ({ ...t, timeAdded: isoNow(c.now) }));
  // the condition taints belong to the node lifecycle controller: whatever was stored is replaced by the current ones
  const managed = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
  const own = arr(spec.taints).filter((t) => isObject(t) && !managed.includes(str(t.key)));
  if (own.length + extra.length > 0) spec.taints = [...own, ...extra];
  const since = nv.peer?.running ? nv.peer.runtime().services.kubelet?.since ?? c.now : c.now;
  const t = isoNow(since);
  const cond = (type: string, s: string, reason: string, message: string) => ({ type, status: s, lastHeartbeatTime: isoNow(c.now), lastTransitionTime: t, reason, message });
  const conditions = [];
  if (nv.cniReady) conditions.push(cond('NetworkUnavailable', 'False', 'CalicoIsUp', 'Calico is running on this node'));
  if (nv.ready === 'Unknown') {
    for (const ty of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) conditions.push(cond(ty, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'));
  } else {
    conditions.push(cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'));
    conditions.push(cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'));
    conditions.push(cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'));
    conditions.push(nv.ready === 'True'
      ? cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : cond('Ready', 'False', 'KubeletNotReady', runtimeMessage(c.runtimeFlavor.get(nv.name) ?? 'docker')));
  }
  status.conditions = conditions;
  if (!status.addresses && nv.address) status.addresses = [{ type: 'InternalIP', address: nv.address }, { type: 'Hostname', address: nv.name }];
  if (!status.capacity && nv.peer) {
    const h = nv.peer.host;
    status.capacity = { cpu: String(h.cpus), memory: `${h.memoryMiB * 1024}Ki`, pods: '110', 'ephemeral-storage': '51175Mi' };
    status.allocatable = { cpu: String(h.cpus), memory: `${h.memoryMiB * 1024 - 102400}Ki`, pods: '110', 'ephemeral-storage': '47093746742' };
  }
  return node;
}

function daemonSetPlans(c: Ctx, ds: KubeObject, nodes: NodeView[], taints: Map<string, KubeObject>): PodPlan[] {
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

function deploymentPlans(c: Ctx, dep: KubeObject, nodes: NodeView[], derived: Map<string, KubeObject>, used: Map<string, { cpu: number; memory: number }>): PodPlan[] {
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

function buildPod(c: Ctx, plan: PodPlan, st: ReturnType<typeof podState>, nv: NodeView | undefined, ip: string | undefined): KubeObject {
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
        annotations: { 'kubernetes.io/config.mirror': hashHex(stableStringify(m)).slice(0, 32), 'kubernetes.io/config.source': 'file' },
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

/** Namespaces and the kubernetes Service the API server creates itself. */
function ensureSystemObjects(c: Ctx): void {
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

function ensureCniConfig(peer: PeerView, pool: string | undefined): void {
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
function deriveObjects(c: Ctx, nodes: Map<string, KubeObject>, pods: PodView[], metricsReady: boolean): KubeObject[] {
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
  for (const p of pods) {
    p.events.forEach((e, i) => {
      out.push({
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: `${p.pod.metadata.name}.${nameSuffix(`${p.pod.metadata.name}/${i}`, 16)}`, namespace: p.pod.metadata.namespace, creationTimestamp: p.pod.metadata.creationTimestamp },
        involvedObject: { kind: 'Pod', name: p.pod.metadata.name, namespace: p.pod.metadata.namespace, uid: p.pod.metadata.uid },
        reason: e.reason, message: e.message, type: e.type, source: { component: e.source },
        firstTimestamp: p.pod.metadata.creationTimestamp, lastTimestamp: isoNow(c.now), count: 1,
      });
    });
  }
  return out;
}
