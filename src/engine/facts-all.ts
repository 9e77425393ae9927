/** Facts of many hosts at once (one exec each, bounded), with the hosts that could not be read. */
import { HostError, type Host } from '../hosts/host.ts';
import { Semaphore } from '../hosts/semaphore.ts';
import type { HostFacts } from '../phases/types.ts';
import { gatherFacts } from './facts.ts';

export interface FactsResult {
  facts: Record<string, HostFacts>;
  /** one clear line per host that failed (unreachable, auth, host key, unsupported OS), in inventory order */
  errors: { host: string; message: string }[];
}

export async function gatherAllFacts(hosts: Host[], concurrency = 20): Promise<FactsResult> {
  const pool = new Semaphore(Math.max(1, concurrency));
  const facts: Record<string, HostFacts> = {};
  const errors: { host: string; message: string }[] = [];
  await Promise.all(hosts.map((h) => pool.use(async () => {
    try {
      if ('label' in h) (h as { label: string }).label = 'facts';
      const f = await gatherFacts(h);
      facts[h.name] = { ...f, readAtMs: Date.now() };
    } catch (e) {
      errors.push({ host: h.name, message: e instanceof HostError ? e.message : `${h.name}: ${(e as Error).message}` });
    }
  })));
  // inventory order, not finishing order
  const order = new Map(hosts.map((h, i) => [h.name, i]));
  errors.sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0));
  return { facts, errors };
}
