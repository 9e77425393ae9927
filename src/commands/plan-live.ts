/**
 * `plan --live`: connect, read the hosts' facts, render the steps from them (not from assumed
 * facts) and mark each done / to do with ONE read-only exec per host (every check and every
 * managed file's state: src/engine/precheck.ts). Nothing is written on any host.
 */
import { UserError } from '../errors.ts';
import { loadInventory } from '../inventory/index.ts';
import { gatherAllFacts } from '../engine/facts-all.ts';
import { HostPool } from '../engine/host-pool.ts';
import { precheckStates, type StepState } from '../engine/precheck.ts';
import { checkKeyFiles, KeyFileError } from '../hosts/key-file.ts';
import { Semaphore } from '../hosts/semaphore.ts';
import { chooseMirrors, probeHosts } from '../mirrors/choose.ts';
import { checkKubePackages } from '../mirrors/package-check.ts';
import { buildPhases } from '../phases/index.ts';
import type { HostStep } from '../phases/types.ts';

export interface LiveRow {
  host: string;
  phase: string;
  step: string;
  title: string;
  state: StepState | 'unknown';
}

export async function planLive(file: string, output: 'text' | 'json', concurrency = 20): Promise<{ text: string; exitCode: number }> {
  const cluster = loadInventory(file);
  try {
    checkKeyFiles(cluster.hosts.flatMap((h) => [h.ssh.privateKeyPath, h.ssh.bastion?.privateKeyPath]));
  } catch (e) {
    throw e instanceof KeyFileError ? new UserError(e.message) : e;
  }
  const pool = new HostPool(cluster);
  try {
    const { facts, errors } = await gatherAllFacts(cluster.hosts.map((h) => pool.get(h.name)), concurrency);
    if (errors.length > 0) throw new UserError(errors.map((e) => e.message).join('\n'));
    // the same mirror choice up would make, from the same probes
    const choice = chooseMirrors(cluster, await probeHosts(cluster, facts, (n) => pool.get(n), concurrency));
    if (choice.dead.length > 0) throw new UserError(choice.dead.join('\n'));
    const pkgs = await checkKubePackages(choice.cluster, facts, (n) => pool.get(n));
    if (pkgs.missing.length > 0) throw new UserError(pkgs.missing.join('\n'));
    const lines = [...choice.lines, ...pkgs.lines];
    const phases = buildPhases(pkgs.cluster, facts);
    const rows: LiveRow[] = [];
    const sem = new Semaphore(Math.max(1, concurrency));
    const perHost = new Map<string, Map<HostStep, StepState> | undefined>();
    await Promise.all(
      cluster.hosts.map((h) => sem.use(async () => perHost.set(h.name, await precheckStates(pool.get(h.name), phases.flatMap((p) => p.steps[h.name] ?? []))))),
    );
    for (const h of cluster.hosts) {
      const states = perHost.get(h.name);
      for (const p of phases) {
        for (const s of p.steps[h.name] ?? []) rows.push({ host: h.name, phase: p.id, step: s.id, title: s.title, state: states?.get(s) ?? 'unknown' });
      }
    }
    const text =
      output === 'json'
        ? [...lines.map((line) => JSON.stringify({ type: 'mirror', line })), ...rows.map((r) => JSON.stringify({ type: 'step', ...r }))].join('\n') + '\n'
        : `${lines.join('\n')}\n\n${liveText(rows, facts)}`;
    return { text, exitCode: 0 };
  } finally {
    await pool.closeAll();
  }
}

function liveText(rows: LiveRow[], facts: Record<string, { osId: string; osVersion: string; kernel: string; isNode: boolean }>): string {
  const out: string[] = [];
  const hosts = [...new Set(rows.map((r) => r.host))];
  const width = Math.max(...rows.map((r) => r.step.length));
  for (const h of hosts) {
    const mine = rows.filter((r) => r.host === h);
    const todo = mine.filter((r) => r.state !== 'done').length;
    const f = facts[h];
    out.push(`${h} (${f.osId} ${f.osVersion}, kernel ${f.kernel}${f.isNode ? ', a node' : ''}): ${mine.length} steps, ${todo === 0 ? 'all done' : `${todo} to do`}`);
    for (const r of mine) out.push(`  ${r.state === 'done' ? 'done ' : r.state === 'to-do' ? 'to do' : '  ?  '}  ${r.step.padEnd(width)}  ${r.title}`);
  }
  const todo = rows.filter((r) => r.state !== 'done').length;
  out.push('', todo === 0 ? `nothing to do: up would apply nothing (${rows.length} steps checked)` : `up would apply ${todo} of ${rows.length} steps (plan without --live shows their scripts)`);
  return out.join('\n') + '\n';
}
