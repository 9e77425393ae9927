/** All phases of `up`, in order, for a cluster and its hosts' facts. `plan` prints the same list. */
import type { Cluster } from '../inventory/model.ts';
import type { FactsByHost } from './common.ts';
import { cniPhase } from './cni.ts';
import { imagesPhase } from './images.ts';
import { initPhase } from './init.ts';
import { joinPhase } from './join.ts';
import { kernelPhase } from './kernel.ts';
import { kubePackagesPhase } from './kube-packages.ts';
import { kubeProxyPhase } from './kube-proxy.ts';
import { metricsServerPhase } from './metrics-server.ts';
import { osPhase } from './os.ts';
import { preflightPhase } from './preflight.ts';
import { reposPhase } from './repos.ts';
import { runtimePhase } from './runtime.ts';
import { verifyPhase } from './verify.ts';
import type { Phase } from './types.ts';

export type { FactsByHost } from './common.ts';

export function buildPhases(cluster: Cluster, facts: FactsByHost): Phase[] {
  const phases: (Phase | undefined)[] = [
    preflightPhase(cluster, facts),
    osPhase(cluster, facts),
    reposPhase(cluster, facts),
    kernelPhase(cluster, facts),
    runtimePhase(cluster, facts),
    kubePackagesPhase(cluster, facts),
    imagesPhase(cluster, facts),
    initPhase(cluster, facts),
    joinPhase(cluster, facts),
    cniPhase(cluster, facts),
    metricsServerPhase(cluster, facts),
    kubeProxyPhase(cluster, facts),
    verifyPhase(cluster, facts),
  ];
  // a phase with no hosts (join on a single-master cluster) is left out
  return phases.filter((p): p is Phase => p !== undefined && p.hosts.length > 0);
}
