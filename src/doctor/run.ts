/** `doctor`: probe every host (one exec each, in parallel), then the cluster from the init master. */
import { loadInventory } from '../inventory/index.ts';
import type { Cluster } from '../inventory/model.ts';
import { SshHost } from '../hosts/ssh.ts';
import { jsonLines } from '../cluster/json-lines.ts';
import { lastLine, withSession, type ClusterSession } from '../cluster/session.ts';
import { CLUSTER_SCRIPT, clusterChecks } from './cluster-checks.ts';
import { clockSkewCheck, hostChecks } from './host-checks.ts';
import { parseProbe, probeScript } from './host-probe.ts';
import { mirrorChecks } from './mirror-checks.ts';
import { doctorJson, doctorTable } from './report.ts';
import { isProblem, type CheckResult } from './types.ts';

export async function diagnose(s: ClusterSession, cluster: Cluster): Promise<CheckResult[]> {
  const offsets: Record<string, number> = {};
  const perHost = await Promise.all(cluster.hosts.map(async (spec): Promise<CheckResult[]> => {
    try {
      const inner = s.host(spec.name).inner;
      // connect first: the clock is read at the script's start, and the handshake must not count as skew
      if (inner instanceof SshHost) await inner.connect();
      const sent = Date.now();
      const r = await s.run(spec.name, 'doctor', probeScript(spec.role, cluster.cluster.containerRuntime), { timeoutMs: 90_000 });
      if (r.code !== 0) return [{ check: 'probe', host: spec.name, status: 'fail', detail: `the check script failed (exit ${r.code}): ${s.redact(lastLine(r))}`, fix: 'see the run log under .kubeforge/runs/' }];
      const probe = parseProbe(r.stdout);
      if (probe.clockMs !== undefined) offsets[spec.name] = probe.clockMs - sent;
      return hostChecks(cluster, spec, probe);
    } catch (e) {
      return [{ check: 'ssh', host: spec.name, status: 'fail', detail: (e as Error).message, fix: 'check that the host is up and that the inventory\'s ssh settings work (ssh -i KEY user@address)' }];
    }
  }));
  const results = perHost.flat();
  const reachable = cluster.hosts.filter((h) => !results.some((r) => r.host === h.name && r.check === 'ssh'));
  results.push(...(await mirrorChecks({ ...cluster, hosts: reachable }, (n) => s.host(n))));
  const skew = clockSkewCheck(offsets);
  if (skew) results.push(skew);
  const master = s.initMaster.name;
  if (results.some((r) => r.host === master && r.check === 'ssh')) {
    results.push({ check: 'cluster', host: master, status: 'skip', detail: 'the init master cannot be reached: no cluster checks' });
  } else {
    const r = await s.run(master, 'doctor cluster', CLUSTER_SCRIPT, { timeoutMs: 90_000 });
    results.push(...clusterChecks(r.stdout, Date.now()));
  }
  return results;
}

export async function runDoctor(o: { inventory: string; output: 'text' | 'json' }): Promise<number> {
  const cluster = loadInventory(o.inventory);
  const results = await withSession(cluster, { command: 'doctor' }, (s) => diagnose(s, cluster));
  if (o.output === 'json') doctorJson(results, jsonLines());
  else process.stdout.write(doctorTable(results));
  return results.some(isProblem) ? 1 : 0;
}
