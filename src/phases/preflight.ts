/** preflight: refuse hosts kubeadm would refuse, before anything changes. */
import type { Cluster } from '../inventory/model.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost } from './step.ts';
import type { Phase } from './types.ts';

export function preflightPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'preflight',
    title: 'Preflight checks',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      // kubeadm's own preflight: 2 CPUs and 1700 MB on control planes, 1 CPU elsewhere
      const minCpus = h.role === 'master' ? 2 : 1;
      const minMemMiB = h.role === 'master' ? 1700 : 1024;
      return [
        makeStep(ctx, { id: 'preflight.os', title: 'supported distribution (EL 7/8/9)' }),
        makeStep(ctx, { id: 'preflight.resources', title: `at least ${minCpus} CPUs and ${minMemMiB} MiB memory`, vars: { minCpus, minMemMiB } }),
      ];
    }),
  };
}
