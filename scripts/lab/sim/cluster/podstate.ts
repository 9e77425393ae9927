/** One pod's containers on one node: the kubelet's view (sandbox, CNI, volumes, image pulls, crashes, probes). */
import { canPull, presentOn, sandboxProblem } from './images.ts';
import { proxyStart } from './proxymode.ts';
import { isoNow, listObjects } from './store.ts';
import { arr, dig, hashHex, isObject, rec, str } from './util.ts';
import type { Ctx, NodeView, PodEvent, PodPlan, PodView } from './view.ts';

export function runtimeMessage(flavor: 'docker' | 'containerd'): string {
  return flavor === 'docker'
    ? 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized'
    : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
}

/** Container state machine for one pod on one node. */
export function podState(c: Ctx, plan: PodPlan, nv: NodeView | undefined, pool: string | undefined): Omit<PodView, 'pod' | 'slot' | 'nodeName' | 'hostName' | 'ownerKind' | 'ownerName' | 'mirror'> & { phase: string; containerStates: Record<string, unknown>[]; ip?: string } {
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
    // no kubelet has picked up a pod bound after it stopped: Pending, no containers
    const stoppedAt = nv.peer?.running ? nv.peer.runtime().services.kubelet?.since ?? 0 : Number.POSITIVE_INFINITY;
    if (plan.start >= stoppedAt) return { ...base, status: 'Pending', ready: false, readyCount: 0, restarts: 0, phase: 'Pending', containerStates: [] };
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
    const image = str(ct.image);
    if (presentOn(peer, flavor, image)) events.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, source: kubelet });
    else {
      events.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, source: kubelet });
      events.push({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${image}" in ${(1 + (image.length % 9) / 3).toFixed(3)}s`, source: kubelet });
    }
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

export const newUidFor = (plan: PodPlan): string => {
  const h = hashHex(`${plan.namespace}/${plan.name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function isMetricsServer(template: Record<string, unknown>): boolean {
  return arr(dig(template, 'spec', 'containers')).some((ct) => isObject(ct) && /metrics-server/.test(str(ct.image)));
}

/** metrics-server can scrape the kubelets: it skips verification, or every kubelet has an approved serving cert. */
export function metricsTlsOk(c: Ctx, template: Record<string, unknown>): boolean {
  const args = arr(dig(template, 'spec', 'containers')).flatMap((ct) => (isObject(ct) ? [...arr(ct.args), ...arr(ct.command)] : [])).map(String);
  if (args.some((a) => a === '--kubelet-insecure-tls' || a === '--kubelet-insecure-tls=true')) return true;
  const nodes = listObjects(c.cluster, 'Node');
  if (nodes.length === 0) return false;
  const csrs = listObjects(c.cluster, 'CertificateSigningRequest');
  return nodes.every((n) => csrs.some((csr) => str(dig(csr, 'spec', 'username')) === `system:node:${n.metadata.name}` &&
    str(dig(csr, 'spec', 'signerName')) === 'kubernetes.io/kubelet-serving' &&
    arr(dig(csr, 'status', 'conditions')).some((cd) => isObject(cd) && cd.type === 'Approved')));
}
