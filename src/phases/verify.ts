/** verify: node settings on every host, then nodes Ready, system pods running, metrics served. */
import type { Cluster } from '../inventory/model.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost } from './step.ts';
import type { HostStep, Phase } from './types.ts';

export function verifyPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const names = cluster.hosts.map((h) => h.name);
  return {
    id: 'verify',
    title: 'Verify',
    hosts: names,
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const steps: HostStep[] = [makeStep(ctx, { id: 'verify.node', title: 'ip_forward, bridge-nf-call-iptables, swap off, kubelet running' })];
      if (h.initMaster) {
        steps.push(makeStep(ctx, { id: 'verify.nodes-ready', title: `all ${names.length} nodes Ready`, vars: { names } }));
        steps.push(makeStep(ctx, { id: 'verify.system-pods', title: 'kube-system pods Running and ready' }));
        if (cluster.cluster.metricsServer.enabled) steps.push(makeStep(ctx, { id: 'verify.metrics', title: 'kubectl top nodes answers' }));
      }
      return steps;
    }),
  };
}
