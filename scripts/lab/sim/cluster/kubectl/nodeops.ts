/** kubectl cordon / uncordon / drain / taint on Node objects. */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { restartSlot } from '../reconcile.ts';
import { getObject, listObjects, updateObject } from '../store.ts';
import { arr, clone, isObject, minorOf, str } from '../util.ts';
import { bool, flag } from './args.ts';
import { done, newOut, type Kc } from './kc.ts';

const notFound = (n: string): CommandResult => ({ code: 1, stdout: '', stderr: `Error from server (NotFound): nodes "${n}" not found\n` });

function nodesNamed(kc: Kc, words: string[]): { nodes: KubeObject[]; missing?: string } {
  if (bool(kc.args, 'all')) return { nodes: listObjects(kc.cluster, 'Node') };
  const names = words.map((w) => w.replace(/^(nodes?|no)\//, ''));
  const nodes: KubeObject[] = [];
  for (const n of names) {
    const o = getObject(kc.cluster, 'Node', undefined, n);
    if (!o) return { nodes, missing: n };
    nodes.push(o);
  }
  return { nodes };
}

function setUnschedulable(kc: Kc, node: KubeObject, value: boolean): boolean {
  const cur = isObject(node.spec) && node.spec.unschedulable === true;
  if (cur === value) return false;
  const next = clone(node);
  const spec = isObject(next.spec) ? next.spec : {};
  if (value) spec.unschedulable = true;
  else delete spec.unschedulable;
  next.spec = spec;
  updateObject(kc.cluster, next);
  return true;
}

export function cordon(kc: Kc, value: boolean): CommandResult {
  const { nodes, missing } = nodesNamed(kc, kc.args.words.slice(1));
  if (missing) return notFound(missing);
  if (!nodes.length) return { code: 1, stdout: '', stderr: 'error: USAGE: cordon NODE [flags]\nSee \'kubectl cordon -h\' for help and examples\n' };
  const o = newOut();
  const word = value ? 'cordoned' : 'uncordoned';
  for (const n of nodes) o.out.push(setUnschedulable(kc, n, value) ? `node/${n.metadata.name} ${word}\n` : `node/${n.metadata.name} already ${word}\n`);
  kc.changed();
  return done(o);
}

export function drain(kc: Kc): CommandResult {
  const { nodes, missing } = nodesNamed(kc, kc.args.words.slice(1));
  if (missing) return notFound(missing);
  const o = newOut();
  for (const node of nodes) {
    const name = node.metadata.name;
    o.out.push(setUnschedulable(kc, node, true) ? `node/${name} cordoned\n` : `node/${name} already cordoned\n`);
    kc.changed();
    const pods = kc.view().pods.filter((p) => p.nodeName === name && !p.mirror);
    const daemon = pods.filter((p) => p.ownerKind === 'DaemonSet');
    const evict = pods.filter((p) => p.ownerKind !== 'DaemonSet');
    const problems: string[] = [];
    const podName = (p: (typeof pods)[number]) => `${p.pod.metadata.namespace}/${p.pod.metadata.name}`;
    if (daemon.length && !bool(kc.args, 'ignore-daemonsets')) problems.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.map(podName).join(', ')}`);
    const local = evict.filter((p) => p.emptyDir);
    if (local.length && !bool(kc.args, 'delete-emptydir-data') && !bool(kc.args, 'delete-local-data')) {
      problems.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${local.map(podName).join(', ')}`);
    }
    const bare = evict.filter((p) => !p.ownerKind);
    if (bare.length && !bool(kc.args, 'force')) {
      problems.push(`cannot delete Pods declare no controller (use --force to override): ${bare.map(podName).join(', ')}`);
    }
    if (problems.length) {
      o.err.push(`error: unable to drain node "${name}" due to error:${problems.join(', ')}, continuing command...\nThere are pending nodes to be drained:\n ${name}\n${problems.map((p) => `${p}\n`).join('')}`);
      o.code = 1;
      continue;
    }
    const warnings: string[] = [];
    if (daemon.length) warnings.push(`ignoring DaemonSet-managed Pods: ${daemon.map(podName).join(', ')}`);
    if (local.length) warnings.push(`deleting Pods with local storage: ${local.map(podName).join(', ')}`);
    if (bare.length) warnings.push(`deleting Pods that declare no controller: ${bare.map(podName).join(', ')}`);
    // kubectl printed "WARNING:" until 1.24, "Warning:" since
    if (warnings.length) o.err.push(`${minorOf(kc.clientVersion) >= 25 ? 'Warning' : 'WARNING'}: ${warnings.join('; ')}\n`);
    const now = kc.sim.now();
    for (const p of evict) o.out.push(`evicting pod ${podName(p)}\n`);
    for (const p of evict) {
      if (p.slot) restartSlot(kc.cluster, p.slot, now + 1000);
      else delete kc.cluster.objects[`Pod/${p.pod.metadata.namespace}/${p.pod.metadata.name}`];
      o.out.push(`pod/${p.pod.metadata.name} evicted\n`);
    }
    o.out.push(`node/${name} drained\n`);
    kc.changed();
  }
  return done(o);
}

interface TaintSpec { key: string; value?: string; effect?: string; remove: boolean }

function parseTaint(s: string): TaintSpec | undefined {
  const remove = s.endsWith('-');
  const body = remove ? s.slice(0, -1) : s;
  const m = /^([^=:]+)(?:=([^:]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(body);
  if (!m) return undefined;
  if (!remove && !m[3]) return undefined;
  return { key: m[1], value: m[2], effect: m[3], remove };
}

export function taint(kc: Kc): CommandResult {
  const words = kc.args.words.slice(1);
  const typeWord = words[0] ?? '';
  if (!/^(nodes?|no)$/.test(typeWord.split('/')[0])) return { code: 1, stdout: '', stderr: `error: invalid resource type ${typeWord}, only node types are supported\n` };
  const slashed = typeWord.includes('/');
  const nodeWords = bool(kc.args, 'all') ? [] : slashed ? [typeWord] : words.slice(1, 2);
  const specWords = words.slice(slashed || bool(kc.args, 'all') ? 1 : 2);
  const specs = specWords.map(parseTaint);
  const bad = specWords.find((_w, i) => !specs[i]);
  if (bad !== undefined || specs.length === 0) return { code: 1, stdout: '', stderr: `error: invalid taint spec: ${bad ?? ''}, a taint spec must be of the form key=value:effect\n` };
  const { nodes, missing } = nodesNamed(kc, nodeWords);
  if (missing) return notFound(missing);
  const o = newOut();
  for (const node of nodes) {
    const next = clone(node);
    const spec = isObject(next.spec) ? next.spec : {};
    let taints = arr(spec.taints).filter(isObject).map((t) => ({ ...t }));
    let removed = false;
    let added = false;
    for (const s of specs as TaintSpec[]) {
      if (s.remove) {
        const before = taints.length;
        taints = taints.filter((t) => !(t.key === s.key && (!s.effect || t.effect === s.effect)));
        if (taints.length === before) {
          o.err.push(`error: taint "${s.key}${s.effect ? `:${s.effect}` : ''}" not found\n`);
          o.code = 1;
        } else removed = true;
      } else {
        const same = taints.find((t) => t.key === s.key && t.effect === s.effect);
        if (same && !bool(kc.args, 'overwrite')) {
          o.err.push(`error: node ${node.metadata.name} already has ${s.key} taint(s) with same effect(s) and --overwrite is false\n`);
          o.code = 1;
          continue;
        }
        taints = taints.filter((t) => !(t.key === s.key && t.effect === s.effect));
        taints.push({ key: s.key, ...(s.value ? { value: s.value } : {}), effect: str(s.effect) });
        added = true;
      }
    }
    if (!removed && !added) continue;
    if (taints.length) spec.taints = taints;
    else delete spec.taints;
    next.spec = spec;
    updateObject(kc.cluster, next);
    o.out.push(`node/${node.metadata.name} ${added ? 'tainted' : 'untainted'}\n`);
  }
  kc.changed();
  void flag;
  return done(o);
}
