/** `reset`: print the plan, ask, then per host (in order): drain + delete the node, reset the host. */
import { loadInventory } from '../inventory/index.ts';
import { UserError } from '../errors.ts';
import { confirm } from './confirm.ts';
import { jsonLines } from './json-lines.ts';
import { nodeSchema, parseList } from './kube-json.ts';
import { describeReset, drainScript, HOST_RESET_SCRIPT, resetOrder, resetTargets } from './reset-plan.ts';
import { lastLine, withSession, type ClusterSession } from './session.ts';
import { ADMIN_KUBECONFIG } from './token-run.ts';

export interface ResetOptions {
  inventory: string;
  output: 'text' | 'json';
  host?: string;
  yes: boolean;
}

/** Node names by InternalIP and by name, read from the init master; empty when the API cannot be reached. */
async function nodeIndex(s: ClusterSession): Promise<{ index: Map<string, string>; error?: string }> {
  const index = new Map<string, string>();
  try {
    const r = await s.run(s.initMaster.name, 'reset: nodes', `kubectl --kubeconfig ${ADMIN_KUBECONFIG} get nodes -o json`);
    if (r.code !== 0) return { index, error: lastLine(r) };
    for (const n of parseList(r.stdout, nodeSchema, 'nodes')) {
      index.set(n.metadata.name, n.metadata.name);
      for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP') index.set(a.address, n.metadata.name);
    }
    return { index };
  } catch (e) {
    return { index, error: (e as Error).message };
  }
}

export async function runReset(o: ResetOptions): Promise<number> {
  const cluster = loadInventory(o.inventory);
  // an unknown --host fails before any connection
  resetOrder(cluster, o.host);
  const json = o.output === 'json';
  const emit = jsonLines();
  const say = (line: string, event: Record<string, unknown>) => (json ? emit(event) : process.stdout.write(`${line}\n`));
  return withSession(cluster, { command: 'reset' }, async (s) => {
    const { index, error } = await nodeIndex(s);
    if (error) say(`note: cannot list nodes from ${s.initMaster.name} (${s.redact(error)}): hosts are reset without drain`, { type: 'note', message: `cannot list nodes: ${s.redact(error)}` });
    const targets = resetTargets(cluster, index, o.host);
    const plan = describeReset(cluster, targets, o.host === undefined);
    if (json) emit({ type: 'plan', hosts: targets.map((t) => ({ host: t.host.name, node: t.node ?? null, drain: t.viaApi })) });
    else process.stdout.write(plan);
    if (!(await confirm('go ahead?', o.yes))) {
      say('reset cancelled: nothing was changed', { type: 'cancelled' });
      return 1;
    }
    for (const t of targets) {
      if (t.viaApi && t.node) {
        say(`${t.host.name}: draining and deleting node ${t.node}`, { type: 'drain', host: t.host.name, node: t.node });
        const r = await s.run(s.initMaster.name, `reset: drain ${t.node}`, drainScript(t.node), { timeoutMs: 360_000 });
        if (r.code !== 0) throw new UserError(`${t.host.name}: drain/delete of node ${t.node} failed (exit ${r.code}): ${s.redact(lastLine(r))}\nlogs: ${s.journal.dir}`);
      }
      say(`${t.host.name}: kubeadm reset -f, CNI config, IPVS, iptables chains, kubeconfigs`, { type: 'reset', host: t.host.name });
      const r = await s.run(t.host.name, 'reset: host', HOST_RESET_SCRIPT, { timeoutMs: 300_000 });
      if (r.code !== 0) throw new UserError(`${t.host.name}: reset failed (exit ${r.code}): ${s.redact(lastLine(r))}\nlogs: ${s.journal.dir}`);
      say(`${t.host.name}: reset done`, { type: 'done', host: t.host.name });
    }
    return 0;
  });
}
