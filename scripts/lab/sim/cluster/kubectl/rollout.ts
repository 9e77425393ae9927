/** kubectl rollout restart / status and kubectl wait, on the derived state (nothing progresses by waiting). */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { isoNow, updateObject } from '../store.ts';
import { qualifiedName } from '../resources.ts';
import { arr, clone, dig, isObject, rec } from '../util.ts';
import { bool, flag, parseDuration } from './args.ts';
import { parseTargets, selectObjects } from './get.ts';
import { done, newOut, type Kc } from './kc.ts';

const fail = (msg: string): CommandResult => ({ code: 1, stdout: '', stderr: `${msg}\n` });

export function rollout(kc: Kc): CommandResult {
  const [, sub, ...rest] = kc.args.words;
  const { targets, error } = parseTargets(kc, rest);
  if (error) return fail(error.startsWith('error') ? error : `error: ${error}`);
  const { found, notFound } = selectObjects(kc, targets);
  if (notFound.length) return fail(notFound.join('\n'));
  const o = newOut();
  for (const f of found) {
    if (!['DaemonSet', 'Deployment', 'StatefulSet'].includes(f.type.kind)) return fail(`error: no ${sub === 'restart' ? 'restarter' : 'status viewer'} has been implemented for {${f.type.group} ${f.type.kind}}`);
    for (const obj of f.objects) {
      if (sub === 'restart') {
        const stored = kc.cluster.objects[`${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`];
        const next = clone(stored);
        const tmpl = rec(dig(next, 'spec', 'template'));
        const meta = rec(tmpl.metadata);
        meta.annotations = { ...rec(meta.annotations), 'kubectl.kubernetes.io/restartedAt': isoNow(kc.sim.now()) };
        tmpl.metadata = meta;
        (next.spec as Record<string, unknown>).template = tmpl;
        updateObject(kc.cluster, next);
        kc.changed();
        o.out.push(`${qualifiedName(f.type)}/${obj.metadata.name} restarted\n`);
      } else if (sub === 'status') {
        const r = rolloutStatus(kc, obj);
        o.out.push(r.line);
        if (!r.ok) {
          o.err.push('error: timed out waiting for the condition\n');
          o.code = 1;
        }
      } else return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
    }
  }
  return done(o);
}

function rolloutStatus(kc: Kc, obj: KubeObject): { ok: boolean; line: string } {
  const live = kc.view().objects.find((x) => x.kind === obj.kind && x.metadata.name === obj.metadata.name && x.metadata.namespace === obj.metadata.namespace) ?? obj;
  const s = rec(live.status);
  if (obj.kind === 'DaemonSet') {
    const want = Number(s.desiredNumberScheduled ?? 0);
    const avail = Number(s.numberAvailable ?? 0);
    if (avail >= want) return { ok: true, line: `daemon set "${obj.metadata.name}" successfully rolled out\n` };
    return { ok: false, line: `Waiting for daemon set "${obj.metadata.name}" rollout to finish: ${avail} of ${want} updated pods are available...\n` };
  }
  const want = typeof dig(live, 'spec', 'replicas') === 'number' ? Number(dig(live, 'spec', 'replicas')) : 1;
  const avail = Number(s.availableReplicas ?? 0);
  if (avail >= want) return { ok: true, line: `deployment "${obj.metadata.name}" successfully rolled out\n` };
  return { ok: false, line: `Waiting for deployment "${obj.metadata.name}" rollout to finish: ${avail} of ${want} updated replicas are available...\n` };
}

export function wait(kc: Kc): CommandResult {
  const cond = flag(kc.args, 'for');
  if (!cond) return fail('error: --for must be specified');
  const { targets, error } = parseTargets(kc, kc.args.words.slice(1));
  if (error) return fail(error.startsWith('error') ? error : `error: ${error}`);
  if (!bool(kc.args, 'all') && !flag(kc.args, 'selector') && targets.every((t) => t.names.length === 0) && !kc.allNamespaces) {
    return fail('error: resource(s) were provided, but no name was specified');
  }
  const { found, notFound } = selectObjects(kc, targets);
  if (notFound.length) return fail(notFound.join('\n'));
  const objs = found.flatMap((f) => f.objects.map((obj) => ({ t: f.type, obj })));
  if (objs.length === 0) return fail('error: no matching resources found');
  parseDuration(flag(kc.args, 'timeout'), 30000);
  const o = newOut();
  const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(cond);
  for (const { t, obj } of objs) {
    const plural = `${t.plural}${t.group ? `.${t.group}` : ''}`;
    let met: boolean;
    if (cond === 'delete') met = false;
    else if (m) {
      const want = (m[2] ?? 'true').toLowerCase();
      met = arr(dig(obj, 'status', 'conditions')).some((c) => isObject(c) && String(c.type).toLowerCase() === m[1].toLowerCase() && String(c.status).toLowerCase() === want);
    } else return fail(`error: unrecognized condition: "${cond}"`);
    if (met) o.out.push(`${qualifiedName(t)}/${obj.metadata.name} condition met\n`);
    else {
      o.err.push(`error: timed out waiting for the condition on ${plural}/${obj.metadata.name}\n`);
      o.code = 1;
    }
  }
  return done(o);
}
