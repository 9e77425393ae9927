/**
 * doctor's mirror table: every configured candidate of the classes the cluster uses, probed
 * from each host as preflight does (src/mirrors). A dead candidate is a warning while its class
 * still has a live one on that host, a failure when none is left.
 */
import type { Host } from '../hosts/host.ts';
import type { Cluster } from '../inventory/model.ts';
import { gatherFacts } from '../engine/facts.ts';
import { probeHosts } from '../mirrors/choose.ts';
import { CLASS_NAMES } from '../mirrors/probe.ts';
import type { CheckResult } from './types.ts';

export async function mirrorChecks(cluster: Cluster, host: (name: string) => Host): Promise<CheckResult[]> {
  const facts: Parameters<typeof probeHosts>[1] = {};
  await Promise.all(cluster.hosts.map(async (h) => {
    try {
      facts[h.name] = await gatherFacts(host(h.name));
    } catch {
      // unreachable: the host checks already say so
    }
  }));
  const results = await probeHosts(cluster, facts, host);
  const out: CheckResult[] = [];
  for (const h of cluster.hosts) {
    const rs = results.get(h.name) ?? [];
    const live = new Set(rs.filter((r) => r.ok).map((r) => r.probe.cls));
    for (const r of rs) {
      const name = `mirror ${CLASS_NAMES[r.probe.cls]}`;
      if (r.ok) out.push({ check: name, host: h.name, status: 'ok', detail: `${r.probe.candidate} reachable` });
      else if (live.has(r.probe.cls)) out.push({ check: name, host: h.name, status: 'warn', detail: `${r.probe.candidate}: ${r.reason}`, fix: 'another candidate of this class answers: nothing to do unless it matters to you' });
      else out.push({ check: name, host: h.name, status: 'fail', detail: `${r.probe.candidate}: ${r.reason}`, fix: `no ${CLASS_NAMES[r.probe.cls]} candidate answers from this host: add a reachable one under mirrors in the inventory` });
    }
  }
  return out;
}
