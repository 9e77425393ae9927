/**
 * The add-ons' images (Calico, metrics-server), under the names their patched manifests use,
 * each with the same image under every other healthy registry of its class: the images phase
 * pulls them ahead, from the next registry when the chosen one fails, and tags them with the
 * chosen name (what the kubelet then finds present).
 */
import fs from 'node:fs';
import type { Cluster } from '../inventory/model.ts';
import { containersOf, manifestSource, parseManifest, rewriteImage, rewriteK8sImage, type AddonName } from './manifests.ts';

export interface AddonImage {
  /** the name in the patched manifest */
  want: string;
  /** the same image under the other healthy registries, in order */
  alts: string[];
}

const memo = new WeakMap<Cluster, AddonImage[]>();

/** Images of the upstream manifest, in order, without repeats ([] when it is not on this machine yet). */
function upstreamImages(cluster: Cluster, addon: AddonName): string[] {
  const src = manifestSource(cluster, addon);
  if (!src.available) return [];
  const out: string[] = [];
  for (const obj of parseManifest(fs.readFileSync(src.file, 'utf8'), src.file)) {
    for (const c of containersOf(obj)) if (typeof c.image === 'string' && !out.includes(c.image)) out.push(c.image);
  }
  return out;
}

export function addonImages(cluster: Cluster): AddonImage[] {
  const hit = memo.get(cluster);
  if (hit) return hit;
  const [calico, ...calicoAlts] = cluster.mirrors.calicoImages;
  const [k8s, ...k8sAlts] = cluster.mirrors.images;
  const out: AddonImage[] = upstreamImages(cluster, 'calico').map((img) => ({
    want: rewriteImage(img, calico),
    alts: calicoAlts.map((r) => rewriteImage(img, r)),
  }));
  if (cluster.cluster.metricsServer.enabled) {
    for (const img of upstreamImages(cluster, 'metrics-server')) out.push({ want: rewriteK8sImage(img, k8s), alts: k8sAlts.map((r) => rewriteK8sImage(img, r)) });
  }
  memo.set(cluster, out);
  return out;
}
