/**
 * `join`: the phases of `up` for the hosts that are not nodes yet (see join-filter.ts);
 * afterwards every bootstrap token that appeared during the run is deleted, so none is left valid.
 */
import { loadInventory } from '../inventory/index.ts';
import { UserError } from '../errors.ts';
import { buildPhases } from '../phases/index.ts';
import { converge } from '../engine/converge.ts';
import { jsonLines } from './json-lines.ts';
import { joinTargets, requireInitialised, restrictPhases } from './join-filter.ts';
import { nodeSchema, parseList, secretSchema } from './kube-json.ts';
import { diagnoseNode } from './node-diagnosis.ts';
import { withSession, lastLine, type ClusterSession } from './session.ts';
import { ADMIN_KUBECONFIG } from './token-run.ts';
import { BOOTSTRAP_TOKEN_TYPE, decodeTokenSecret } from './tokens.ts';

export interface JoinOptions {
  inventory: string;
  output: 'text' | 'json';
  host?: string;
  concurrency?: number;
}

/** Ids of the bootstrap tokens that exist now (read from their Secrets on the init master). */
export async function tokenIds(s: ClusterSession): Promise<Set<string>> {
  const r = await s.must(s.initMaster.name, 'join: tokens', `kubectl --kubeconfig ${ADMIN_KUBECONFIG} get secrets -n kube-system --field-selector type=${BOOTSTRAP_TOKEN_TYPE} -o json`);
  return new Set(parseList(r.stdout, secretSchema, 'secrets').map(decodeTokenSecret).flatMap((t) => (t ? [t.id] : [])));
}

/** Delete the tokens that appeared since `before` (this run's join token and certificate-key proxy token). */
export async function deleteNewTokens(s: ClusterSession, before: Set<string>): Promise<string[]> {
  const ids = [...(await tokenIds(s))].filter((id) => !before.has(id));
  if (ids.length === 0) return [];
  const d = await s.run(s.initMaster.name, 'join: token delete', `kubeadm token delete --kubeconfig ${ADMIN_KUBECONFIG} ${ids.join(' ')}`);
  if (d.code !== 0) throw new UserError(`${s.initMaster.name}: kubeadm token delete failed: ${s.redact(lastLine(d))}`);
  return ids;
}

/** A note per existing node that is not Ready (the new ones are checked by the run's verify phase). */
async function reportUnhealthyNodes(s: ClusterSession, targets: () => string[], say: (line: string, event: Record<string, unknown>) => void): Promise<void> {
  const r = await s.run(s.initMaster.name, 'join: nodes', `kubectl --kubeconfig ${ADMIN_KUBECONFIG} get nodes -o json`);
  if (r.code !== 0) return;
  const fresh = new Set(targets());
  for (const p of parseList(r.stdout, nodeSchema, 'nodes').flatMap(diagnoseNode)) {
    if (fresh.has(p.node) || p.severity !== 'fail') continue;
    say(`note: existing node ${p.node} is ${p.state} (${p.reason}: ${p.message}); fix: ${p.fix}`, { type: 'node-problem', node: p.node, state: p.state, reason: p.reason, message: p.message, fix: p.fix });
  }
}

export async function runJoin(o: JoinOptions): Promise<number> {
  const cluster = loadInventory(o.inventory);
  if (o.host !== undefined && !cluster.hosts.some((h) => h.name === o.host)) {
    throw new UserError(`no host named ${o.host} in ${cluster.file} (hosts: ${cluster.hosts.map((h) => h.name).join(', ')})`);
  }
  const json = o.output === 'json';
  const emit = jsonLines();
  const say = (line: string, event: Record<string, unknown>) => (json ? emit(event) : process.stdout.write(`${line}\n`));
  let targets: string[] = [];
  const skipped: string[] = [];
  // a session of its own on the init master: the tokens before the run, and the cleanup after it
  const outcome = await withSession(cluster, { command: 'join tokens' }, async (s) => {
    const before = await tokenIds(s).catch((e: Error) => {
      // no API: the run itself will say why (not initialised, unreachable)
      say(`note: cannot list bootstrap tokens before the run (${e.message}); none will be deleted afterwards`, { type: 'note', message: e.message });
      return undefined;
    });
    try {
      return await converge({
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
      // existing nodes that are down or broken did not block the join: say so
      await reportUnhealthyNodes(s, () => targets, say).catch(() => undefined);
      // the tokens made for this run are deleted whatever happened: none is left valid
      if (before) {
        try {
          const ids = await deleteNewTokens(s, before);
          if (ids.length) say(`deleted the join token(s) of this run: ${ids.join(', ')}`, { type: 'tokens-deleted', tokenIds: ids });
        } catch (e) {
          say(`warning: could not delete this run's join tokens: ${(e as Error).message}`, { type: 'warning', message: (e as Error).message });
        }
      }
    }
  });
  if (outcome.exitCode === 0) {
    if (targets.length) say(`joined: ${targets.join(', ')}`, { type: 'joined', hosts: targets });
    else say(o.host ? `${o.host} is already a node: nothing to join` : 'every inventory host is already a node: nothing to join', { type: 'joined', hosts: [] });
  }
  if (o.host && skipped.some((l) => l.includes(o.host as string))) return 1;
  return outcome.exitCode;
}
