/**
 * images: pulled ahead of init/join, from the image mirrors: on masters every control-plane
 * image (kubeadm config images pull), on workers the ones a worker runs (kube-proxy, the pod
 * sandbox, coredns); on every host the add-ons' (Calico, metrics-server). A registry failing
 * mid-run moves the pulls to the next healthy one.
 */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import { addonImages } from '../render/addon-images.ts';
import type { HostContext } from '../render/context.ts';
import { kubeadmImagesConfig, kubeadmInitConfig } from '../render/kubeadm.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { makeStep, perHost, rawFile } from './step.ts';
import type { Phase } from './types.ts';

export const IMAGES_CONFIG = '/etc/kubeforge/kubeadm-images.yaml';

/** The images a worker runs, as a grep -E pattern over `kubeadm config images list`. */
export const NODE_IMAGES = '/(kube-proxy|pause|coredns):';

/** The other healthy registries, when the chosen one is the preset's (a user's own imageRepository has none). */
function fallbacks(cluster: Cluster, ctx: HostContext): { registry: string; config: string }[] {
  if (cluster.cluster.imageRepository !== cluster.mirrors.images[0]) return [];
  return cluster.mirrors.images.slice(1).map((registry) => ({
    registry,
    config: kubeadmImagesConfig({ ...ctx, cluster: { ...ctx.cluster, imageRepository: registry } }),
  }));
}

export function imagesPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'images',
    title: 'Images',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h: HostSpec) => {
      const ctx = ctxFor(cluster, facts, h);
      const master = h.role === 'master';
      // the init master pulls with its real init config; the others with a ClusterConfiguration alone
      const file = h.initMaster
        ? rawFile(HOST_PATHS.kubeadmInit, kubeadmInitConfig(ctx), 0o600)
        : rawFile(IMAGES_CONFIG, kubeadmImagesConfig(ctx), 0o600);
      return [makeStep(ctx, {
        id: master ? 'images.pull' : 'images.node',
        title: master
          ? `kubeadm config images pull (${cluster.cluster.imageRepository})`
          : `node images: kube-proxy, pause, coredns, add-ons (${cluster.cluster.imageRepository})`,
        files: [file],
        vars: { configFile: file.path, fallbacks: fallbacks(cluster, ctx), only: master ? '' : NODE_IMAGES, addonImages: addonImages(cluster) },
        heavy: true,
      })];
    }),
  };
}
