/**
 * kubectl rollout restart / status and kubectl wait. status and wait really wait: they derive
 * the cluster again every poll (other hosts' commands, a node joining, a kubelet starting, change
 * it meanwhile) until the condition holds or --timeout passes, as kubectl's watches do.
 */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { isoNow, updateObject } from '../store.ts';
import { qualifiedName } from '../resources.ts';
import { arr, clone, dig, isObject, rec } from '../util.ts';
import { bool, flag, parseDuration } from './args.ts';
import { parseTargets, selectObjects } from './get.ts';
import { done, makeKc, newOut, type Kc } from './kc.ts';

/** Between two looks at the cluster while waiting. */
const POLL_MS = 500;
/** `rollout status` without --timeout waits forever; the lab stops after this long. */
const LAB_MAX_WAIT_MS = 600_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The same command line against the cluster as it is now. */
const fresh = (kc: Kc): Kc => makeKc(kc.sim, kc.args, kc.namespace);
const liveObject = (kc: Kc, obj: KubeObject): KubeObject | undefined =>
  kc.view().objects.find((x) => x.kind === obj.kind && x.metadata.name === obj.metadata.name && x.metadata.namespace === obj.metadata.namespace);

const fail = (msg: string): CommandResult => ({ code: 1, stdout: '', stderr: `${msg}\n` });

export async function rollout(kc: Kc): Promise<CommandResult> {
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
        const timeout = parseDuration(flag(kc.args, 'timeout'), 0) || LAB_MAX_WAIT_MS;
        const watch = flag(kc.args, 'watch') !== 'false';
        const deadline = Date.now() + timeout;
        let last = '';
        for (let cur = kc; ; cur = fresh(kc)) {
          const r = rolloutStatus(cur, obj);
          // kubectl prints a line each time the rollout's progress changes
          if (r.line !== last) o.out.push(r.line);
          last = r.line;
          if (r.ok || !watch) break;
          if (Date.now() + POLL_MS > deadline) {
            o.err.push('error: timed out waiting for the condition\n');
            o.code = 1;
            return done(o);
          }
          await sleep(POLL_MS);
        }
      } else return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
    }
  }
  return done(o);
}

function rolloutStatus(kc: Kc, obj: KubeObject): { ok: boolean; line: string } {
  const live = liveObject(kc, obj) ?? obj;
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

export async function wait(kc: Kc): Promise<CommandResult> {
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
  const timeout = parseDuration(flag(kc.args, 'timeout'), 30000);
  const m = /^condition=([^=]+)(?:=(.*))?$/i.exec(cond);
  if (cond !== 'delete' && !m) return fail(`error: unrecognized condition: "${cond}"`);
  const holds = (cur: Kc, obj: KubeObject): boolean => {
    const live = liveObject(cur, obj);
    if (cond === 'delete' || !m) return live === undefined;
    const want = (m[2] ?? 'true').toLowerCase();
    return arr(dig(live, 'status', 'conditions')).some((c) => isObject(c) && String(c.type).toLowerCase() === m[1].toLowerCase() && String(c.status).toLowerCase() === want);
  };
  const o = newOut();
  // one object after the other, each with the whole --timeout; the first that times out ends the command
  for (const { t, obj } of objs) {
    const deadline = Date.now() + timeout;
    let cur = kc;
    while (!holds(cur, obj)) {
      if (Date.now() + POLL_MS > deadline) {
        o.err.push(`error: timed out waiting for the condition on ${t.plural}${t.group ? `.${t.group}` : ''}/${obj.metadata.name}\n`);
        o.code = 1;
        return done(o);
      }
      await sleep(POLL_MS);
      cur = fresh(kc);
    }
    o.out.push(`${qualifiedName(t)}/${obj.metadata.name} condition met\n`);
  }
  return done(o);
}
