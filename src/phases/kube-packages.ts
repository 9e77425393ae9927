/** kube-packages: kubeadm, kubelet, kubectl pinned to the cluster version; kubelet enabled. */
import type { Cluster } from '../inventory/model.ts';
import { yumVars } from '../render/repos.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost } from './step.ts';
import type { Phase } from './types.ts';

export function kubePackagesPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const pv = cluster.cluster.version.packageVersion;
  const packages = ['kubeadm', 'kubelet', 'kubectl'].map((p) => `${p}-${pv}`);
  return {
    id: 'kube-packages',
    title: `Kubernetes packages ${pv}`,
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      return [
        makeStep(ctx, { id: 'kube-packages.install', title: `kubeadm kubelet kubectl ${pv}`, vars: { packages, ...yumVars(ctx) }, heavy: true }),
        makeStep(ctx, { id: 'kube-packages.kubelet', title: 'kubelet enabled (kubeadm starts it)' }),
      ];
    }),
  };
}
