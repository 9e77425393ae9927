/** kubectl create / delete / patch / label / annotate / certificate: changes to stored objects. */
import YAML from 'yaml';
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { restartSlot } from '../reconcile.ts';
import { qualifiedName } from '../resources.ts';
import { createObject, getObject, updateObject } from '../store.ts';
import { clone, deepEqual, isObject, str } from '../util.ts';
import { bool, flag, flags } from './args.ts';
import { deleteCascade, fromFiles } from './apply.ts';
import { parseTargets, selectObjects } from './get.ts';
import { done, newOut, type Kc } from './kc.ts';
import { jsonPatch, mergePatch } from './patch.ts';

const fail = (msg: string): CommandResult => ({ code: 1, stdout: '', stderr: `${msg}\n` });

export async function create(kc: Kc): Promise<CommandResult> {
  if (flags(kc.args, 'filename').length) return fromFiles(kc, 'create');
  const [, what, name] = kc.args.words;
  const o = newOut();
  const now = kc.sim.now();
  if (what === 'namespace' || what === 'ns') {
    if (!name) return fail('error: exactly one NAME is required, got 0');
    if (getObject(kc.cluster, 'Namespace', undefined, name)) return fail(`Error from server (AlreadyExists): namespaces "${name}" already exists`);
    createObject(kc.cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, now);
    o.out.push(`namespace/${name} created\n`);
  } else if (what === 'secret' && (name === 'generic' || name === 'docker-registry')) {
    const sname = kc.args.words[3];
    if (!sname) return fail('error: exactly one NAME is required, got 0');
    if (getObject(kc.cluster, 'Secret', kc.namespace, sname)) return fail(`error: failed to create secret secrets "${sname}" already exists`);
    const data: Record<string, string> = {};
    let type = 'Opaque';
    if (name === 'generic') {
      for (const lit of flags(kc.args, 'from-literal')) {
        const i = lit.indexOf('=');
        data[lit.slice(0, i)] = Buffer.from(lit.slice(i + 1)).toString('base64');
      }
    } else {
      type = 'kubernetes.io/dockerconfigjson';
      const server = flag(kc.args, 'docker-server') ?? 'https://index.docker.io/v1/';
      const user = flag(kc.args, 'docker-username') ?? '';
      const pass = flag(kc.args, 'docker-password') ?? '';
      const auth = Buffer.from(`${user}:${pass}`).toString('base64');
      data['.dockerconfigjson'] = Buffer.from(JSON.stringify({ auths: { [server]: { username: user, password: pass, auth } } })).toString('base64');
    }
    createObject(kc.cluster, { apiVersion: 'v1', kind: 'Secret', metadata: { name: sname, namespace: kc.namespace }, type, data }, now);
    o.out.push(`secret/${sname} created\n`);
  } else {
    return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
  }
  kc.changed();
  return done(o);
}

export async function del(kc: Kc): Promise<CommandResult> {
  if (flags(kc.args, 'filename').length) return fromFiles(kc, 'delete');
  const o = newOut();
  const words = kc.args.words.slice(1);
  const { targets, error } = parseTargets(kc, words);
  if (error) return fail(error.startsWith('error') ? error : `error: ${error}`);
  if (targets.every((t) => t.names.length === 0) && !flag(kc.args, 'selector') && !bool(kc.args, 'all')) {
    return fail('error: resource(s) were provided, but no name was specified');
  }
  const { found, notFound } = selectObjects(kc, targets);
  const now = kc.sim.now();
  for (const f of found) {
    for (const obj of f.objects) {
      const label = `${f.type.singular}${f.type.group ? `.${f.type.group}` : ''} "${obj.metadata.name}" deleted`;
      if (obj.kind === 'Pod') {
        const pv = kc.view().pods.find((p) => p.pod.metadata.name === obj.metadata.name && p.pod.metadata.namespace === obj.metadata.namespace);
        if (pv?.slot) restartSlot(kc.cluster, pv.slot, now + 1000);
        else if (!pv?.mirror) deleteCascade(kc, obj);
      } else deleteCascade(kc, obj);
      o.out.push(`${label}\n`);
    }
  }
  if (notFound.length && !bool(kc.args, 'ignore-not-found')) {
    o.err.push(notFound.join('\n') + '\n');
    o.code = 1;
  }
  if (!found.some((f) => f.objects.length) && !notFound.length) o.err.push('No resources found\n');
  kc.changed();
  return done(o);
}

/** One object named on the command line (TYPE NAME or TYPE/NAME), from the stored objects. */
function storedTarget(kc: Kc, words: string[]): { obj?: KubeObject; label?: string; error?: string } {
  const { targets, error } = parseTargets(kc, words);
  if (error) return { error };
  const t = targets[0];
  if (!t || t.names.length === 0) return { error: 'error: resource name may not be empty' };
  const obj = getObject(kc.cluster, t.type.kind, t.type.namespaced ? kc.namespace : undefined, t.names[0]);
  if (!obj) return { error: `Error from server (NotFound): ${t.type.plural}${t.type.group ? `.${t.type.group}` : ''} "${t.names[0]}" not found` };
  return { obj, label: `${qualifiedName(t.type)}/${t.names[0]}` };
}

export function patch(kc: Kc): CommandResult {
  const words = kc.args.words.slice(1);
  const tgt = storedTarget(kc, words);
  if (tgt.error || !tgt.obj) return fail(tgt.error ?? 'error');
  const raw = flag(kc.args, 'patch');
  if (!raw) return fail('error: must specify -p to patch');
  let p: unknown;
  try {
    p = YAML.parse(raw);
  } catch {
    return fail(`error: unable to parse "${raw}": yaml: line 1: did not find expected node content`);
  }
  const type = flag(kc.args, 'type') ?? 'strategic';
  let next: unknown;
  try {
    if (type === 'json') next = jsonPatch(tgt.obj, p);
    else if (type === 'merge') next = mergePatch(tgt.obj, p);
    else if (type === 'strategic') {
      if (!['ConfigMap', 'Secret', 'Deployment', 'DaemonSet', 'Node', 'Service', 'Pod', 'Namespace', 'StatefulSet'].includes(tgt.obj.kind)) {
        return fail(`Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      }
      next = mergePatch(tgt.obj, p, true);
    } else return fail(`error: --type must be one of [json merge strategic], not "${type}"`);
  } catch (err) {
    return fail(`Error from server (UnprocessableEntity): ${(err as Error).message}`);
  }
  if (!isObject(next)) return fail('error: invalid patch result');
  const obj = next as KubeObject;
  if (deepEqual(obj, tgt.obj)) return { code: 0, stdout: `${tgt.label} patched (no change)\n`, stderr: '' };
  updateObject(kc.cluster, obj);
  kc.changed();
  return { code: 0, stdout: `${tgt.label} patched\n`, stderr: '' };
}

/** kubectl label / annotate TYPE NAME|--all k=v k- [--overwrite] */
export function labelOrAnnotate(kc: Kc, which: 'labels' | 'annotations'): CommandResult {
  const words = kc.args.words.slice(1);
  const changes = words.filter((w) => /=/.test(w) || /-$/.test(w));
  const rest = words.filter((w) => !changes.includes(w));
  const o = newOut();
  let objs: KubeObject[] = [];
  let typeLabel = '';
  if (bool(kc.args, 'all') || flag(kc.args, 'selector')) {
    const { targets, error } = parseTargets(kc, rest.slice(0, 1));
    if (error) return fail(error);
    objs = selectObjects(kc, targets).found.flatMap((f) => f.objects).map((x) => getObject(kc.cluster, x.kind, x.metadata.namespace, x.metadata.name)).filter((x): x is KubeObject => !!x);
    typeLabel = targets[0] ? qualifiedName(targets[0].type) : '';
  } else {
    const tgt = storedTarget(kc, rest);
    if (tgt.error || !tgt.obj) return fail(tgt.error ?? 'error');
    objs = [tgt.obj];
    typeLabel = (tgt.label ?? '').split('/')[0];
  }
  if (changes.length === 0) return fail(`error: at least one ${which === 'labels' ? 'label' : 'annotation'} update is required`);
  for (const obj of objs) {
    const map: Record<string, string> = { ...((obj.metadata[which] as Record<string, string> | undefined) ?? {}) };
    let removedOnly = true;
    for (const ch of changes) {
      if (ch.endsWith('-') && !ch.includes('=')) {
        delete map[ch.slice(0, -1)];
        continue;
      }
      removedOnly = false;
      const i = ch.indexOf('=');
      const k = ch.slice(0, i);
      const v = ch.slice(i + 1);
      if (k in map && map[k] !== v && !bool(kc.args, 'overwrite')) {
        return fail(`error: '${k}' already has a value (${map[k]}), and --overwrite is false`);
      }
      map[k] = v;
    }
    const next = clone(obj);
    next.metadata[which] = map;
    const verb = which === 'labels' ? (removedOnly ? 'unlabeled' : 'labeled') : (removedOnly ? 'unannotated' : 'annotated');
    if (deepEqual(next, obj)) o.out.push(`${typeLabel}/${obj.metadata.name} not ${verb}\n`);
    else {
      updateObject(kc.cluster, next);
      o.out.push(`${typeLabel}/${obj.metadata.name} ${verb}\n`);
    }
  }
  kc.changed();
  return done(o);
}

export function certificate(kc: Kc): CommandResult {
  const [, sub, ...names] = kc.args.words;
  if (sub !== 'approve' && sub !== 'deny') return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
  const o = newOut();
  // `kubectl get csr -o name | xargs kubectl certificate approve` passes TYPE/NAME
  for (const n of names.map((x) => x.replace(/^[^/]+\//, ''))) {
    const csr = getObject(kc.cluster, 'CertificateSigningRequest', undefined, n);
    if (!csr) {
      o.err.push(`Error from server (NotFound): certificatesigningrequests.certificates.k8s.io "${n}" not found\n`);
      o.code = 1;
      continue;
    }
    const next = clone(csr);
    const type = sub === 'approve' ? 'Approved' : 'Denied';
    const status = isObject(next.status) ? next.status : {};
    const conds = Array.isArray(status.conditions) ? status.conditions : [];
    if (!conds.some((c) => isObject(c) && c.type === type)) {
      conds.push({ type, status: 'True', reason: sub === 'approve' ? 'KubectlApprove' : 'KubectlDeny', message: `This CSR was ${sub === 'approve' ? 'approved' : 'denied'} by kubectl certificate ${sub}.`, lastUpdateTime: new Date(kc.sim.now()).toISOString().replace(/\.\d+Z$/, 'Z') });
    }
    status.conditions = conds;
    if (sub === 'approve' && str(dig2(next, 'spec', 'signerName')) === 'kubernetes.io/kubelet-serving') status.certificate = Buffer.from('issued').toString('base64');
    next.status = status;
    updateObject(kc.cluster, next);
    o.out.push(`certificatesigningrequest.certificates.k8s.io/${n} ${sub === 'approve' ? 'approved' : 'denied'}\n`);
  }
  kc.changed();
  return done(o);
}

const dig2 = (o: KubeObject, a: string, b: string): unknown => (isObject(o[a]) ? (o[a] as Record<string, unknown>)[b] : undefined);


/** kubectl scale deploy/NAME --replicas=N */
export function scale(kc: Kc): CommandResult {
  const replicas = flag(kc.args, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas)) return fail('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const tgt = storedTarget(kc, kc.args.words.slice(1));
  if (tgt.error || !tgt.obj) return fail(tgt.error ?? 'error');
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(tgt.obj.kind)) return fail(`error: no scaler has been implemented for {"${tgt.obj.apiVersion.split('/')[0]}" "${tgt.obj.kind}"}`);
  const next = clone(tgt.obj);
  const spec = isObject(next.spec) ? next.spec : {};
  spec.replicas = Number(replicas);
  next.spec = spec;
  if (!deepEqual(next, tgt.obj)) updateObject(kc.cluster, next);
  kc.changed();
  return { code: 0, stdout: `${tgt.label} scaled\n`, stderr: '' };
}
