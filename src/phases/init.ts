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
  const masters = mastersOf(cluster);
  const others = masters.filter((m) => !m.initMaster).map((m) => m.name);
  // an endpoint that is no master's address is a load balancer's (or a VIP's): kubeadm init
  // waits on it, so it must already forward to the masters
  const lb = !masters.some((m) => m.address === ctx.endpointHost || m.name === ctx.endpointHost);
  const steps: HostStep[] = [
    makeStep(ctx, {
      id: 'init.kubeadm-init',
      title: `kubeadm init (${cluster.cluster.kubernetesVersion}, ${cluster.cluster.version.kubeadmApi})`,
      files: [rawFile(HOST_PATHS.kubeadmInit, kubeadmInitConfig(ctx), 0o600)],
      heavy: true,
      notes: lb
        ? [`controlPlaneEndpoint ${cluster.cluster.controlPlaneEndpoint} is not a master: a load balancer or VIP must forward it to the masters' :6443 before init (kubeforge does not set one up)`]
        : undefined,
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
