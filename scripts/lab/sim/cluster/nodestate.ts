/** Nodes as the node lifecycle controller and the kubelets report them: conditions, taints, CSRs, CNI config. */
import type { KubeObject } from './types.ts';
import { hostOfNode, kubeletReporting, nodeAddress, serverTlsBootstrap } from './nodes.ts';
import { runtimeMessage } from './podstate.ts';
import type { Taint } from './scheduling.ts';
import { createObject, isoNow, listObjects } from './store.ts';
import { arr, clone, dig, isObject, nameSuffix, rec, str } from './util.ts';
import type { Ctx, NodeView } from './view.ts';

/** kubelets with serverTLSBootstrap ask for their serving certificate with a CSR (pending until approved). */
export function ensureServingCsrs(c: Ctx, nodes: NodeView[]): void {
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

export function nodeViews(c: Ctx): NodeView[] {
  return listObjects(c.cluster, 'Node').map((node) => {
    const peer = hostOfNode(c.sim, node);
    const rt = str(dig(node, 'status', 'nodeInfo', 'containerRuntimeVersion'));
    c.runtimeFlavor.set(node.metadata.name, rt.startsWith('containerd') ? 'containerd' : 'docker');
    return {
      name: node.metadata.name, node, peer, address: nodeAddress(node) ?? peer?.host.address,
      kubeletActive: kubeletReporting(peer), cniReady: false, ready: 'Unknown' as const,
    };
  });
}

/** Taints the node lifecycle controller adds for the node's condition. */
export function conditionTaints(nv: NodeView): Taint[] {
  if (nv.ready === 'Unknown') return [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
  if (nv.ready === 'False') return [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  return [];
}

export function deriveNode(c: Ctx, nv: NodeView): KubeObject {
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
  else delete spec.taints;
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
