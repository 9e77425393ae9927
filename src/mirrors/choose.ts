/**
 * The mirror choice: per class, the candidates every host reached, in the configured order
 * (the first one is used, the others stay as yum fallbacks); every skipped one with its reason.
 * A class with no candidate left stops the run before any change.
 */
import { randomBytes } from 'node:crypto';
import type { Host } from '../hosts/host.ts';
import { Semaphore } from '../hosts/semaphore.ts';
import type { Cluster } from '../inventory/model.ts';
import type { HostFacts } from '../phases/types.ts';
import { CLASS_NAMES, parseProbes, probeScript, probesFor, type ProbedClass, type ProbeResult } from './probe.ts';

export interface MirrorChoice {
  /** the cluster with every probed class narrowed to its healthy candidates, in order */
  cluster: Cluster;
  /** one line per class: what is used, and what was skipped and why */
  lines: string[];
  /** one line per candidate tried, for each class left without one (empty when all is well) */
  dead: string[];
}

export async function probeHosts(cluster: Cluster, facts: Record<string, HostFacts>, host: (name: string) => Host, concurrency = 20): Promise<Map<string, ProbeResult[]>> {
  const sem = new Semaphore(Math.max(1, concurrency));
  const out = new Map<string, ProbeResult[]>();
  await Promise.all(
    cluster.hosts.map((h) =>
      sem.use(async () => {
        const f = facts[h.name];
        if (!f) return;
        const probes = probesFor(cluster, f.family);
        const nonce = randomBytes(6).toString('hex');
        const target = host(h.name);
        if ('label' in target) (target as { label: string }).label = `mirror probes (${probes.length})`;
        try {
          const r = await target.run(probeScript(probes, nonce), { timeoutMs: 60_000 });
          out.set(h.name, parseProbes(r.stdout, probes, nonce));
        } catch {
          // the host went away mid-probe: the choice rests on the others, the run itself will say
        }
      }),
    ),
  );
  return out;
}

export function chooseMirrors(cluster: Cluster, results: Map<string, ProbeResult[]>): MirrorChoice {
  // per class and candidate: healthy on every host that probed it, else the first host's reason
  const verdict = new Map<ProbedClass, Map<string, { ok: boolean; reason?: string; host?: string }>>();
  for (const [host, rs] of results) {
    for (const r of rs) {
      const byCand = verdict.get(r.probe.cls) ?? new Map<string, { ok: boolean; reason?: string; host?: string }>();
      verdict.set(r.probe.cls, byCand);
      const prev = byCand.get(r.probe.candidate);
      if (!prev) byCand.set(r.probe.candidate, r.ok ? { ok: true } : { ok: false, reason: r.reason, host });
      else if (prev.ok && !r.ok) byCand.set(r.probe.candidate, { ok: false, reason: r.reason, host });
    }
  }
  const mirrors = { ...cluster.mirrors };
  let imageRepository = cluster.cluster.imageRepository;
  const lines: string[] = [];
  const dead: string[] = [];
  for (const [cls, byCand] of verdict) {
    const name = CLASS_NAMES[cls];
    const healthy = [...byCand].filter(([, v]) => v.ok).map(([c]) => c);
    const skipped = [...byCand].filter(([, v]) => !v.ok);
    const why = (c: string, v: { reason?: string; host?: string }): string => `${c} (${v.reason}${results.size > 1 ? ` from ${v.host}` : ''})`;
    if (healthy.length === 0) {
      // EPEL is optional in the repo files; every other class is needed
      dead.push(`mirrors: no ${name} mirror is reachable from the hosts; tried:`, ...skipped.map(([c, v]) => `  ${why(c, v)}`));
      continue;
    }
    const preferred = [...byCand.keys()][0];
    const note = healthy[0] === preferred ? '' : ` (preferred ${preferred} skipped)`;
    lines.push(`mirror ${name}: using ${healthy[0]}${note}${skipped.length === 0 ? '' : `; skipped ${skipped.map(([c, v]) => why(c, v)).join(', ')}`}`);
    if (cls === 'images') {
      if (cluster.cluster.imageRepository === cluster.mirrors.images[0]) {
        mirrors.images = healthy;
        imageRepository = healthy[0];
      }
    } else {
      mirrors[cls] = healthy;
    }
  }
  return { cluster: { ...cluster, mirrors, cluster: { ...cluster.cluster, imageRepository } }, lines, dead };
}
