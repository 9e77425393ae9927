/** join: every host but the init master joins, control planes with the certificate key. */
import type { Cluster } from '../inventory/model.ts';
import { kubeadmJoinConfig } from '../render/kubeadm.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost } from './step.ts';
import type { HostStep, Phase, RuntimeEnvName } from './types.ts';

export function joinPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const joining = cluster.hosts.filter((h) => !h.initMaster);
  return {
    id: 'join',
    title: 'Node joins',
    hosts: joining.map((h) => h.name),
    steps: perHost(joining, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const master = h.role === 'master';
      const env: RuntimeEnvName[] = master ? ['KF_JOIN_TOKEN', 'KF_JOIN_CA_CERT_HASH', 'KF_CERT_KEY'] : ['KF_JOIN_TOKEN', 'KF_JOIN_CA_CERT_HASH'];
      const steps: HostStep[] = [makeStep(ctx, {
        id: 'join.kubeadm-join',
        title: master ? 'kubeadm join --control-plane' : 'kubeadm join (worker)',
        vars: { joinConfig: kubeadmJoinConfig(ctx) },
        env,
        heavy: true,
      })];
      if (master) steps.push(makeStep(ctx, { id: 'join.kubeconfig', title: 'admin kubeconfig in /root/.kube/config' }));
      return steps;
    }),
  };
}
