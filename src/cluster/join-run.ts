/**
 * `join`: the phases of `up` for the hosts that are not nodes yet (see join-filter.ts);
 * afterwards every bootstrap token made during the run is deleted, so none is left valid.
 */
import { loadInventory } from '../inventory/index.ts';
import { UserError } from '../errors.ts';
import { buildPhases } from '../phases/index.ts';
import { converge } from '../engine/converge.ts';
import type { Cluster } from '../inventory/model.ts';
import { jsonLines } from './json-lines.ts';
import { joinTargets, requireInitialised, restrictPhases } from './join-filter.ts';
import { parseList, secretSchema } from './kube-json.ts';
import { withSession, lastLine } from './session.ts';
import { ADMIN_KUBECONFIG } from './token-run.ts';
import { BOOTSTRAP_TOKEN_TYPE, decodeTokenSecret } from './tokens.ts';

export interface JoinOptions {
  inventory: string;
  output: 'text' | 'json';
  host?: string;
  concurrency?: number;
}

/** The init master's clock (RFC 3339, seconds), the same clock its API server stamps Secrets with. */
async function masterClock(cluster: Cluster): Promise<string | undefined> {
  return withSession(cluster, { command: 'join: clock' }, async (s) => {
    const r = await s.run(s.initMaster.name, 'join: clock', 'date -u +%Y-%m-%dT%H:%M:%SZ').catch(() => undefined);
    const t = r?.stdout.trim();
    return r?.code === 0 && t && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(t) ? t : undefined;
  });
}

/** Delete the bootstrap tokens whose Secret was created at or after `since`; returns their ids. */
export async function deleteTokensSince(cluster: Cluster, since: string): Promise<string[]> {
  return withSession(cluster, { command: 'join: token cleanup' }, async (s) => {
    const r = await s.must(s.initMaster.name, 'join: tokens', `kubectl --kubeconfig ${ADMIN_KUBECONFIG} get secrets -n kube-system --field-selector type=${BOOTSTRAP_TOKEN_TYPE} -o json`);
    const ids = parseList(r.stdout, secretSchema, 'secrets')
      .filter((sec) => (sec.metadata.creationTimestamp ?? '') >= since)
      .map(decodeTokenSecret)
      .flatMap((t) => (t ? [t.id] : []));
    if (ids.length === 0) return [];
    const d = await s.run(s.initMaster.name, 'join: token delete', `kubeadm token delete --kubeconfig ${ADMIN_KUBECONFIG} ${ids.join(' ')}`);
    if (d.code !== 0) throw new UserError(`${s.initMaster.name}: kubeadm token delete failed: ${s.redact(lastLine(d))}`);
    return ids;
  });
}

export async function runJoin(o: JoinOptions): Promise<number> {
  const cluster = loadInventory(o.inventory);
  if (o.host !== undefined && !cluster.hosts.some((h) => h.name === o.host)) {
    throw new UserError(`no host named ${o.host} in ${cluster.file} (hosts: ${cluster.hosts.map((h) => h.name).join(', ')})`);
  }
  const json = o.output === 'json';
  const emit = jsonLines();
  const say = (line: string, event: Record<string, unknown>) => (json ? emit(event) : process.stdout.write(`${line}\n`));
  const since = await masterClock(cluster);
  let targets: string[] = [];
  const skipped: string[] = [];
  let outcome;
  try {
    outcome = await converge({
      cluster,
      command: 'join',
      output: o.output,
      concurrency: o.concurrency,
      // an existing worker that is down must not block adding new ones
      skipUnreachable: true,
      notify: (line) => {
        skipped.push(line);
        say(line, { type: 'skipped', message: line });
      },
      build: (c, facts) => {
        requireInitialised(c, facts);
        targets = joinTargets(c, facts, o.host);
        return restrictPhases(c, buildPhases(c, facts), targets);
      },
    });
  } finally {
    // tokens made for this run are deleted whatever happened (the 2h TTL is only the fallback)
    if (since) {
      try {
        const ids = await deleteTokensSince(cluster, since);
        if (ids.length) say(`deleted the join token(s) of this run: ${ids.join(', ')}`, { type: 'tokens-deleted', tokenIds: ids });
      } catch (e) {
        say(`warning: could not delete this run's join tokens: ${(e as Error).message}`, { type: 'warning', message: (e as Error).message });
      }
    }
  }
  if (outcome.exitCode === 0) {
    if (targets.length) say(`joined: ${targets.join(', ')}`, { type: 'joined', hosts: targets });
    else say(o.host ? `${o.host} is already a node: nothing to join` : 'every inventory host is already a node: nothing to join', { type: 'joined', hosts: [] });
  }
  if (o.host && skipped.some((l) => l.includes(o.host as string))) return 1;
  return outcome.exitCode;
}
