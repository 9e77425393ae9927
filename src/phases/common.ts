/** Shared by the phase builders: per-host template contexts and host selections. */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import { hostContext, type HostContext } from '../render/context.ts';
import type { HostFacts } from './types.ts';

export type FactsByHost = Record<string, HostFacts>;

// every phase asks for the same host's context: build it once per (cluster, facts) pair
const cache = new WeakMap<Cluster, WeakMap<HostFacts, HostContext>>();

export function ctxFor(cluster: Cluster, facts: FactsByHost, host: HostSpec): HostContext {
  const f = facts[host.name];
  if (!f) throw new Error(`no facts for host ${host.name}`);
  let perCluster = cache.get(cluster);
  if (!perCluster) cache.set(cluster, (perCluster = new WeakMap()));
  let ctx = perCluster.get(f);
  if (!ctx || ctx.host.name !== host.name) {
    ctx = hostContext(cluster, host, f);
    perCluster.set(f, ctx);
  }
  return ctx;
}
