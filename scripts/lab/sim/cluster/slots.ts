/** Pod identity: slots (a pod's place in its controller), their start times, template hashes. */
import type { ClusterState, KubeObject } from './types.ts';
import type { Ctx } from './view.ts';
import { hashHex, nameSuffix, stableStringify } from './util.ts';

/**
 * When the slot's pod was created: remembered, else when its owner and node both existed (the
 * controller acted then); an owner whose spec changed since creation made its new pods now.
 */
export function slotStart(c: Ctx, key: string, owner: KubeObject, ...since: (string | undefined)[]): number {
  const v = c.cluster.podStarts[key];
  if (v !== undefined) return v;
  if ((owner.metadata.generation ?? 1) > 1) {
    c.cluster.podStarts[key] = c.now;
    c.changed = true;
    return c.now;
  }
  const t = Math.min(c.now, Math.max(0, ...[owner.metadata.creationTimestamp, ...since].map((s) => Date.parse(s ?? '') || 0)));
  const start = t > 0 ? t : c.now;
  c.cluster.podStarts[key] = start;
  c.changed = true;
  return start;
}

/** Mark a slot's pod as replaced (delete pod, rollout restart, drain): the next view has a new pod. */
export function restartSlot(cluster: ClusterState, slot: string, now: number): void {
  cluster.podStarts[slot] = now;
  const placements = (cluster.extra.placements ?? {}) as Record<string, string>;
  delete placements[slot];
}

// objects are replaced, never mutated in place, once stored: their hashes can be remembered
const hashCache = new WeakMap<object, string>();
const mirrorCache = new WeakMap<object, string>();
/** the kubelet's hash of a static pod (32 hex digits in the config.mirror annotation) */
export function mirrorHash(pod: KubeObject): string {
  let h = mirrorCache.get(pod);
  if (!h) {
    h = hashHex(stableStringify(pod)).slice(0, 32);
    mirrorCache.set(pod, h);
  }
  return h;
}

export function templateHash(template: Record<string, unknown>): string {
  let h = hashCache.get(template);
  if (!h) {
    h = nameSuffix(stableStringify(template), 10);
    hashCache.set(template, h);
  }
  return h;
}
