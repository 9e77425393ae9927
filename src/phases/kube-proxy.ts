/** kube-proxy: the mode in its ConfigMap, pods restarted, and every node's kube-proxy reporting it. */
import type { Cluster } from '../inventory/model.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost } from './step.ts';
import type { HostStep, Phase } from './types.ts';

export function kubeProxyPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const mode = cluster.cluster.kubeProxyMode;
  return {
    id: 'kube-proxy',
    title: `kube-proxy mode ${mode}`,
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const steps: HostStep[] = [];
      // set at init by KubeProxyConfiguration; this converges clusters made otherwise
      if (h.initMaster) steps.push(makeStep(ctx, { id: 'kube-proxy.configmap', title: `kube-proxy ConfigMap mode "${mode}", pods restarted`, vars: { mode } }));
      steps.push(makeStep(ctx, { id: 'kube-proxy.mode', title: `127.0.0.1:10249/proxyMode answers ${mode}`, vars: { mode } }));
      return steps;
    }),
  };
}
