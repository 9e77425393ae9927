/** metrics-server: the patched manifest applied from the init master (when enabled). */
import type { Cluster } from '../inventory/model.ts';
import { initMasterOf } from '../inventory/model.ts';
import { addonStep } from './addon.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import type { Phase } from './types.ts';

export function metricsServerPhase(cluster: Cluster, facts: FactsByHost): Phase | undefined {
  if (!cluster.cluster.metricsServer.enabled) return undefined;
  const h = initMasterOf(cluster);
  const ctx = ctxFor(cluster, facts, h);
  const step = addonStep(cluster, ctx, {
    id: 'metrics-server.apply',
    addon: 'metrics-server',
    title: `metrics-server ${cluster.cluster.metricsServer.version}`,
    readyObject: '-n kube-system deployment/metrics-server',
  });
  return { id: 'metrics-server', title: 'metrics-server', hosts: [h.name], steps: { [h.name]: [step] } };
}
