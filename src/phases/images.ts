/** images: control-plane images pulled ahead of init/join on every master (from the image mirror). */
import type { Cluster } from '../inventory/model.ts';
import { mastersOf } from '../inventory/model.ts';
import { kubeadmImagesConfig, kubeadmInitConfig } from '../render/kubeadm.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost, rawFile } from './step.ts';
import type { Phase } from './types.ts';

export const IMAGES_CONFIG = '/etc/kubeforge/kubeadm-images.yaml';

export function imagesPhase(cluster: Cluster, facts: FactsByHost): Phase {
  const masters = mastersOf(cluster);
  return {
    id: 'images',
    title: 'Control-plane images',
    hosts: masters.map((h) => h.name),
    steps: perHost(masters, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      // the init master pulls with its real init config; the others with a ClusterConfiguration alone
      const file = h.initMaster
        ? rawFile(HOST_PATHS.kubeadmInit, kubeadmInitConfig(ctx), 0o600)
        : rawFile(IMAGES_CONFIG, kubeadmImagesConfig(ctx), 0o600);
      return [makeStep(ctx, {
        id: 'images.pull',
        title: `kubeadm config images pull (${cluster.cluster.imageRepository})`,
        files: [file],
        vars: { configFile: file.path },
        heavy: true,
      })];
    }),
  };
}
