/** cni: the patched Calico manifest applied from the init master. */
import type { Cluster } from '../inventory/model.ts';
import { initMasterOf } from '../inventory/model.ts';
import { addonStep } from './addon.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import type { Phase } from './types.ts';

export function cniPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const h = initMasterOf(cluster);
  const ctx = ctxFor(cluster, facts, h);
  const step = addonStep(cluster, ctx, {
    id: 'cni.calico',
    addon: 'calico',
    title: `Calico ${cluster.cluster.cni.version} (pool ${cluster.cluster.podSubnet})`,
    readyObject: '-n kube-system daemonset/calico-node',
  });
  return { id: 'cni', title: 'Pod network (Calico)', hosts: [h.name], steps: { [h.name]: [step] } };
}
