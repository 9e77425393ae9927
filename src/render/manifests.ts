/**
 * Add-on manifests (Calico, metrics-server): found locally (a file named in the inventory,
 * or the user cache of the release URL), patched with a YAML parser (never sed), and
 * validated. Fetching from the network is a separate, explicit call (`up` only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { UserError } from '../errors.ts';
import type { Cluster } from '../inventory/model.ts';
import { cacheDir } from './cache-dir.ts';
import { coveringCidrs } from './cidr.ts';
import { validateObjects, type ValidationReport } from './validate.ts';

export type AddonName = 'calico' | 'metrics-server';

export const releaseUrl = (addon: AddonName, version: string): string =>
  addon === 'calico'
    ? `https://raw.githubusercontent.com/projectcalico/calico/${version}/manifests/calico.yaml`
    : `https://github.com/kubernetes-sigs/metrics-server/releases/download/${version}/components.yaml`;

export { cacheDir };

/** The cache file of a URL: the URL itself made into a file name, so it can be read by eye. */
export const cachePath = (url: string): string =>
  path.join(cacheDir(), 'manifests', url.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9._-]+/g, '_'));

const isUrl = (s: string): boolean => /^https?:\/\//.test(s);

export interface ManifestSource {
  addon: AddonName;
  version: string;
  /** the URL it comes from (the release URL, or the inventory's URL) */
  url?: string;
  /** local file to read: the inventory's file, or the cache of the URL */
  file: string;
  available: boolean;
}

export function manifestSource(cluster: Cluster, addon: AddonName): ManifestSource {
  const spec = addon === 'calico' ? cluster.cluster.cni : cluster.cluster.metricsServer;
  const named = spec.manifest;
  if (named && !isUrl(named)) {
    const file = path.resolve(path.dirname(cluster.file), named.replace(/^~(?=\/)/, os.homedir()));
    return { addon, version: spec.version, file, available: fs.existsSync(file) };
  }
  const url = named ?? releaseUrl(addon, spec.version);
  const file = cachePath(url);
  return { addon, version: spec.version, url, file, available: fs.existsSync(file) };
}

/** Download a manifest into the cache. Only `up` calls this, and only when asked to. */
export async function fetchManifest(url: string, timeoutMs = 30_000): Promise<string> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new UserError(`cannot download ${url}: ${why} (download it yourself and name the file in the inventory, or put it at ${cachePath(url)})`);
  }
  const file = cachePath(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

// ---- patching ---------------------------------------------------------------------------

/** A manifest that cannot be read or patched (not YAML, no calico-node DaemonSet...). */
export class ManifestError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export interface PatchOptions {
  podSubnet: string;
  /** value of calico-node's IP_AUTODETECTION_METHOD */
  ipAutodetection: string;
  /** registry prefix replacing calico images' (e.g. docker.m.daocloud.io/calico) */
  calicoImages: string;
  /** registry prefix replacing metrics-server's (e.g. registry.cn-hangzhou.aliyuncs.com/google_containers) */
  images: string;
}

export function patchOptions(cluster: Cluster): PatchOptions {
  const cidrs = coveringCidrs(cluster.hosts.map((h) => h.address));
  return {
    podSubnet: cluster.cluster.podSubnet,
    ipAutodetection: `cidr=${cidrs.join(',')}`,
    calicoImages: cluster.mirrors.calicoImages[0],
    images: cluster.mirrors.images[0],
  };
}

/** What the patches do, in words (plan shows them when the manifest is not available yet). */
export function describePatches(addon: AddonName, o: PatchOptions): string[] {
  return addon === 'calico'
    ? [
        `calico-node env CALICO_IPV4POOL_CIDR=${o.podSubnet}`,
        `calico-node env IP_AUTODETECTION_METHOD=${o.ipAutodetection}`,
        `every image: registry -> ${o.calicoImages}/<name>:<tag>`,
      ]
    : [o.images.includes('/') ? `every image: registry -> ${o.images}/<name>:<tag>` : `every image: registry host -> ${o.images} (upstream path kept)`, 'metrics-server args += --kubelet-insecure-tls'];
}

/** "docker.io/calico/node:v3.25.2" with prefix P -> "P/node:v3.25.2" (digests kept). */
export function rewriteImage(image: string, prefix: string): string {
  const base = image.slice(image.lastIndexOf('/') + 1);
  return `${prefix.replace(/\/+$/, '')}/${base}`;
}

/**
 * metrics-server's image under the images mirror: a flat repository (aliyun's google_containers)
 * holds `metrics-server:<tag>`; a bare host mirroring registry.k8s.io (k8s.m.daocloud.io) keeps
 * upstream's path, `metrics-server/metrics-server:<tag>`: only the registry changes.
 */
export function rewriteK8sImage(image: string, mirror: string): string {
  const m = mirror.replace(/\/+$/, '');
  if (m.includes('/')) return rewriteImage(image, m);
  const parts = image.split('/');
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  return [m, ...(hasRegistry ? parts.slice(1) : parts)].join('/');
}

function podSpecOf(o: Obj): Obj | undefined {
  const spec = o.spec;
  if (!isObj(spec)) return undefined;
  if (o.kind === 'Pod') return spec;
  const tpl = spec.template;
  return isObj(tpl) && isObj(tpl.spec) ? tpl.spec : undefined;
}

export function containersOf(o: Obj): Obj[] {
  const ps = podSpecOf(o);
  return ps ? [...list(ps.initContainers), ...list(ps.containers)] : [];
}

function setEnv(c: Obj, name: string, value: string): void {
  const env = Array.isArray(c.env) ? (c.env as unknown[]) : (c.env = []);
  const hit = list(env).find((e) => e.name === name);
  if (hit) {
    delete hit.valueFrom;
    hit.value = value;
  } else env.push({ name, value });
}

const named = (o: Obj, kind: string, name: string): boolean =>
  o.kind === kind && isObj(o.metadata) && o.metadata.name === name;

export function patchCalico(objects: Obj[], o: PatchOptions): Obj[] {
  let patchedNode = false;
  for (const obj of objects) {
    for (const c of containersOf(obj)) if (typeof c.image === 'string') c.image = rewriteImage(c.image, o.calicoImages);
    if (named(obj, 'DaemonSet', 'calico-node')) {
      const node = list(podSpecOf(obj)?.containers).find((c) => c.name === 'calico-node');
      if (!node) throw new ManifestError('calico manifest: DaemonSet calico-node has no calico-node container');
      setEnv(node, 'CALICO_IPV4POOL_CIDR', o.podSubnet);
      setEnv(node, 'IP_AUTODETECTION_METHOD', o.ipAutodetection);
      patchedNode = true;
    }
  }
  if (!patchedNode) throw new ManifestError('calico manifest: no DaemonSet calico-node found');
  return objects;
}

export function patchMetricsServer(objects: Obj[], o: PatchOptions): Obj[] {
  let found = false;
  for (const obj of objects) {
    for (const c of containersOf(obj)) if (typeof c.image === 'string') c.image = rewriteK8sImage(c.image, o.images);
    if (named(obj, 'Deployment', 'metrics-server')) {
      const ms = list(podSpecOf(obj)?.containers).find((c) => c.name === 'metrics-server');
      if (!ms) throw new ManifestError('metrics-server manifest: Deployment metrics-server has no metrics-server container');
      const args = Array.isArray(ms.args) ? (ms.args as unknown[]) : (ms.args = []);
      // lab and kubeadm clusters: kubelet serving certificates are self-signed
      if (!args.includes('--kubelet-insecure-tls')) args.push('--kubelet-insecure-tls');
      found = true;
    }
  }
  if (!found) throw new ManifestError('metrics-server manifest: no Deployment metrics-server found');
  return objects;
}

/**
 * Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml): `on`, `yes`, `y` are booleans and
 * `1:2` a base-60 number there. Parse and write 1.1 so such strings keep their meaning and get quoted.
 */
const YAML_OPTIONS = { version: '1.1' } as const;

export function parseManifest(text: string, source: string): Obj[] {
  const docs = YAML.parseAllDocuments(text, YAML_OPTIONS);
  const out: Obj[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new ManifestError(`${source}: not valid YAML: ${d.errors[0].message}`);
    const v: unknown = d.toJS();
    if (v === null || v === undefined) continue; // empty document between separators
    if (!isObj(v)) throw new ManifestError(`${source}: a document is not a mapping`);
    out.push(v);
  }
  return out;
}

export const stringifyManifest = (objects: Obj[]): string =>
  objects.map((o) => YAML.stringify(o, { ...YAML_OPTIONS, lineWidth: 0 })).join('---\n');

export interface RenderedManifest {
  source: ManifestSource;
  /** the patched manifest, or undefined when not available locally */
  content?: string;
  patches: string[];
  validation?: ValidationReport;
}

/** Read, patch and validate one add-on's manifest (no network). */
export function renderAddonManifest(cluster: Cluster, addon: AddonName): RenderedManifest {
  const source = manifestSource(cluster, addon);
  const opts = patchOptions(cluster);
  const patches = describePatches(addon, opts);
  if (!source.available) return { source, patches };
  const objects = parseManifest(fs.readFileSync(source.file, 'utf8'), source.file);
  let patched: Obj[];
  try {
    patched = addon === 'calico' ? patchCalico(objects, opts) : patchMetricsServer(objects, opts);
  } catch (err) {
    throw err instanceof ManifestError ? new ManifestError(`${source.file}: ${err.message}`) : err;
  }
  const validation = validateObjects(patched, source.file);
  return { source, content: stringifyManifest(patched), patches, validation };
}

/**
 * For `up`, before any host is touched: every add-on manifest the cluster needs is on this
 * machine. Missing ones with a URL (the inventory's, or the release one) are downloaded into
 * the cache (the only network use of rendering; `onFetch` is told first); a missing local
 * file named in the inventory is an error naming the field.
 */
export async function ensureAddonManifests(cluster: Cluster, onFetch: (src: ManifestSource) => void = () => {}): Promise<void> {
  const needed: AddonName[] = cluster.cluster.metricsServer.enabled ? ['calico', 'metrics-server'] : ['calico'];
  for (const addon of needed) {
    const src = manifestSource(cluster, addon);
    if (src.available) continue;
    if (!src.url) {
      const field = addon === 'calico' ? 'cluster.cni.manifest' : 'cluster.metricsServer.manifest';
      throw new UserError(`${cluster.file}: ${field}: ${src.file} does not exist (name an existing file, or a URL to download)`);
    }
    onFetch(src);
    await fetchManifest(src.url);
  }
}
