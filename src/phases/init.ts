/** init: kubeadm init on the init master, its kubeconfig, and (HA) the certificates for control-plane joins. */
import type { Cluster } from '../inventory/model.ts';
import { initMasterOf, mastersOf } from '../inventory/model.ts';
import { kubeadmInitConfig } from '../render/kubeadm.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, rawFile } from './step.ts';
import type { HostStep, Phase } from './types.ts';

export function initPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const h = initMasterOf(cluster);
  const ctx = ctxFor(cluster, facts, h);
  const others = mastersOf(cluster).filter((m) => !m.initMaster).map((m) => m.name);
  const steps: HostStep[] = [
    makeStep(ctx, {
      id: 'init.kubeadm-init',
      title: `kubeadm init (${cluster.cluster.kubernetesVersion}, ${cluster.cluster.version.kubeadmApi})`,
      files: [rawFile(HOST_PATHS.kubeadmInit, kubeadmInitConfig(ctx), 0o600)],
      heavy: true,
    }),
    makeStep(ctx, { id: 'init.kubeconfig', title: `admin kubeconfig in ${HOST_PATHS.rootKubeconfig}` }),
  ];
  if (others.length) {
    // the uploaded certificates expire after 2 h: upload them now with this run's key
    steps.push(makeStep(ctx, {
      id: 'init.upload-certs',
      title: 'control-plane certificates uploaded for the other masters (certificate key)',
      vars: { others },
      env: ['KF_CERT_KEY'],
    }));
  }
  return { id: 'init', title: 'Control plane init', hosts: [h.name], steps: { [h.name]: steps } };
}
