/** kubectl get: tables per kind, -o wide/json/yaml/name/jsonpath, -l, --field-selector, -A. */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { printTable } from '../printers.ts';
import { ofType, qualifiedName, typeForName, type ResourceType } from '../resources.ts';
import { dig, matchesRequirements, parseSelector, str } from '../util.ts';
import { bool, flag } from './args.ts';
import { done, newOut, type Kc } from './kc.ts';
import { printStructured } from './output.ts';
import { formatTable } from '../table.ts';

export interface Target { type: ResourceType; names: string[] }

/** "pods", "po/x", "nodes,pods", "deploy x y" into types and names; an unknown type is kubectl's error. */
export function parseTargets(kc: Kc, words: string[]): { targets: Target[]; error?: string } {
  const targets: Target[] = [];
  if (words.length === 0) return { targets, error: 'You must specify the type of resource to get.' };
  const slashed = words.every((w) => w.includes('/'));
  if (slashed) {
    for (const w of words) {
      const [tn, name] = w.split('/');
      const t = typeForName(kc.cluster, tn);
      if (!t) return { targets, error: `error: the server doesn't have a resource type "${tn}"` };
      const existing = targets.find((x) => x.type === t);
      if (existing) existing.names.push(name);
      else targets.push({ type: t, names: [name] });
    }
    return { targets };
  }
  const typeNames = words[0] === 'all' ? ['pods', 'services', 'daemonsets', 'deployments'] : words[0].split(',');
  for (const tn of typeNames) {
    const t = typeForName(kc.cluster, tn);
    if (!t) return { targets, error: `error: the server doesn't have a resource type "${tn}"` };
    targets.push({ type: t, names: words.slice(1) });
  }
  return { targets };
}

function fieldMatch(o: KubeObject, sel: string | undefined): boolean {
  if (!sel) return true;
  return sel.split(',').every((part) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(part.trim());
    if (!m) return true;
    const path = m[1].split('.');
    const v = str(dig(o, ...path));
    return m[2] === '!=' ? v !== m[3] : v === m[3];
  });
}

/** Objects for targets in the current namespace scope, with not-found errors. */
export function selectObjects(kc: Kc, targets: Target[]): { found: { type: ResourceType; objects: KubeObject[] }[]; notFound: string[] } {
  const objects = kc.view().objects;
  const selector = flag(kc.args, 'selector');
  const reqs = selector ? parseSelector(selector) : [];
  const fsel = flag(kc.args, 'field-selector');
  const found: { type: ResourceType; objects: KubeObject[] }[] = [];
  const notFound: string[] = [];
  for (const t of targets) {
    const scope = t.type.namespaced && !kc.allNamespaces ? kc.namespace : undefined;
    let list = ofType(objects, t.type, scope);
    if (t.names.length) {
      const picked: KubeObject[] = [];
      for (const n of t.names) {
        const o = list.find((x) => x.metadata.name === n);
        if (o) picked.push(o);
        else notFound.push(`Error from server (NotFound): ${t.type.plural}${t.type.group ? `.${t.type.group}` : ''} "${n}" not found`);
      }
      list = picked;
    }
    list = list.filter((o) => matchesRequirements(o.metadata.labels, reqs) && fieldMatch(o, fsel));
    found.push({ type: t.type, objects: list });
  }
  return { found, notFound };
}

export function get(kc: Kc): CommandResult {
  const o = newOut();
  const words = kc.args.words.slice(1);
  const { targets, error } = parseTargets(kc, words);
  if (error) {
    o.err.push(error.startsWith('error:') ? `${error}\n` : `error: ${error}\n`);
    o.code = 1;
    return done(o);
  }
  if (bool(kc.args, 'watch')) return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
  const { found, notFound } = selectObjects(kc, targets);
  const format = flag(kc.args, 'output') ?? '';
  if (targets.some((t) => t.type.kind === 'ComponentStatus')) o.err.push('Warning: v1 ComponentStatus is deprecated in v1.19+\n');
  const named = targets.some((t) => t.names.length > 0);
  const all = found.flatMap((f) => f.objects);
  if (format && format !== 'wide') {
    const single = named && targets.length === 1 && targets[0].names.length === 1;
    const r = printStructured(format, all, single, kc.typeOf, bool(kc.args, 'no-headers'));
    if (r.err) {
      o.err.push(r.err);
      o.code = 1;
      return done(o);
    }
    if (!(single && all.length === 0)) o.out.push(r.out);
  } else {
    const multi = found.length > 1;
    const blocks: string[] = [];
    for (const f of found) {
      if (!f.objects.length) continue;
      const t = printTable(f.type.kind, f.objects, kc.view(), {
        wide: format === 'wide', allNamespaces: kc.allNamespaces, showLabels: bool(kc.args, 'show-labels'), noHeaders: bool(kc.args, 'no-headers'), version: kc.cluster.kubernetesVersion,
      }, f.type.namespaced);
      if (multi) {
        const nameCol = t.headers.indexOf('NAME');
        for (const r of t.rows) r[nameCol] = `${qualifiedName(f.type)}/${r[nameCol]}`;
      }
      blocks.push(formatTable(bool(kc.args, 'no-headers') ? undefined : t.headers, t.rows));
    }
    o.out.push(blocks.join('\n'));
    if (all.length === 0 && notFound.length === 0) {
      const namespaced = targets.every((t) => t.type.namespaced);
      o.err.push(namespaced && !kc.allNamespaces ? `No resources found in ${kc.namespace} namespace.\n` : 'No resources found\n');
    }
  }
  if (notFound.length) {
    o.err.push(notFound.join('\n') + '\n');
    o.code = 1;
  }
  return done(o);
}
