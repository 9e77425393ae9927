/** Node-area state helpers: installed packages, service states, the local image stores. */
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceRuntime, SimContext } from '../api.ts';
import { imageDigest } from '../data/images.ts';

export const rpmVersion = (ctx: SimContext, name: string): string | undefined => ctx.persist().rpms[name]?.version;
export const isActive = (ctx: SimContext, name: string): boolean => ctx.runtime().services[name]?.active === 'active';

export function setService(ctx: SimContext, name: string, active: ServiceRuntime['active'], message?: string): void {
  const prev = ctx.runtime().services[name];
  ctx.runtime().services[name] = {
    active,
    message,
    since: prev && prev.active === active ? prev.since : ctx.now(),
  };
}

export interface StoredImage {
  /** canonical registry/repository:tag */
  ref: string;
  id: string;
  digest: string;
  sizeMB: number;
  created: number;
}
/** 'docker' | 'containerd:<namespace>' -> images */
type Stores = Record<string, StoredImage[]>;
const STORE_KEY = 'node.images';

type HasPersist = Pick<SimContext, 'persist'>;

function stores(ctx: HasPersist): Stores {
  const extra = ctx.persist().extra;
  if (!extra[STORE_KEY] || typeof extra[STORE_KEY] !== 'object') extra[STORE_KEY] = {};
  return extra[STORE_KEY] as Stores;
}
export function listImages(ctx: HasPersist, store: string): StoredImage[] {
  return (stores(ctx)[store] ??= []);
}
export function hasImage(ctx: HasPersist, store: string, ref: string): boolean {
  return listImages(ctx, store).some((i) => i.ref === ref);
}
/** Rough sizes so listings look real. */
function sizeOf(ref: string): number {
  if (/pause/.test(ref)) return 0.7;
  if (/etcd/.test(ref)) return 182;
  if (/kube-apiserver/.test(ref)) return 128;
  if (/kube-controller-manager/.test(ref)) return 118;
  if (/kube-scheduler/.test(ref)) return 51;
  if (/kube-proxy/.test(ref)) return 112;
  if (/coredns/.test(ref)) return 46.8;
  if (/calico\/node/.test(ref)) return 245;
  if (/calico\/cni/.test(ref)) return 197;
  if (/calico/.test(ref)) return 71;
  if (/metrics-server/.test(ref)) return 68;
  return 5.6;
}
export function addImage(ctx: SimContext, store: string, ref: string): StoredImage {
  const list = listImages(ctx, store);
  const existing = list.find((i) => i.ref === ref);
  if (existing) return existing;
  // the image id is the config digest: equal for the same image under two names
  const base = ref.replace(/^[^/]+\/(google_containers\/)?/, '').replace(/^library\//, '');
  const img: StoredImage = { ref, id: imageDigest(`config:${base}`), digest: imageDigest(ref), sizeMB: sizeOf(ref), created: ctx.now() - 86400_000 * 90 };
  list.push(img);
  return img;
}
/** Another name for an image already in the store (same id and size). */
export function tagImage(ctx: SimContext, store: string, from: string, to: string): boolean {
  const list = listImages(ctx, store);
  const src = list.find((i) => i.ref === from);
  if (!src) return false;
  const i = list.findIndex((x) => x.ref === to);
  const img = { ...src, ref: to };
  if (i >= 0) list[i] = img;
  else list.push(img);
  return true;
}

export function removeImage(ctx: SimContext, store: string, ref: string): boolean {
  const list = listImages(ctx, store);
  const i = list.findIndex((x) => x.ref === ref || x.id.replace('sha256:', '').startsWith(ref.replace('sha256:', '')));
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** A host's file as text (ctx or a PeerView: anything that maps host paths). */
export const readHostFile = (host: { path(p: string): string }, p: string): string | undefined => {
  try {
    return fs.readFileSync(host.path(p), 'utf8');
  } catch {
    return undefined;
  }
};
export const hostFileExists = (ctx: SimContext, p: string): boolean => fs.existsSync(ctx.path(p));
export function writeHostFile(ctx: SimContext, p: string, content: string | Buffer, mode = 0o644): void {
  const f = ctx.path(p);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content, { mode });
}

/** Human size like docker prints it (e.g. 683kB, 46.8MB, 1.2GB). */
export function humanSize(mb: number): string {
  if (mb < 1) return `${Math.round(mb * 1000)}kB`;
  if (mb >= 1000) return `${(mb / 1000).toFixed(3 - String(Math.floor(mb / 1000)).length).replace(/\.?0+$/, '')}GB`;
  const s = mb >= 100 ? mb.toFixed(0) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2);
  return `${s.replace(/\.?0+$/, '')}MB`;
}

/** "3 months ago" style ages. */
export function humanAgo(ms: number): string {
  const s = Math.max(1, Math.floor(ms / 1000));
  if (s < 60) return `${s} seconds ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return m === 1 ? 'About a minute ago' : `${m} minutes ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return h === 1 ? 'About an hour ago' : `${h} hours ago`;
  const d = Math.floor(h / 24);
  if (d < 14) return `${d} days ago`;
  if (d < 60) return `${Math.floor(d / 7)} weeks ago`;
  if (d < 730) return `${Math.floor(d / 30)} months ago`;
  return `${Math.floor(d / 365)} years ago`;
}
