/** kubectl apply / create -f / replace -f / delete -f against the stored objects. */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { isCustom, qualifiedName, resourceTypes, typeForObject, groupVersion, type ResourceType } from '../resources.ts';
import { createObject, deleteObject, getObject, keyOf, listObjects, updateObject } from '../store.ts';
import { clone, deepEqual, minorOf, str } from '../util.ts';
import { flag } from './args.ts';
import { done, newOut, type Kc, type Out } from './kc.ts';
import { readSources, type Doc } from './sources.ts';
import { validateObject } from './validate.ts';
import { validateCustom } from './crvalidate.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
type Verb = 'apply' | 'create' | 'replace' | 'delete';

function mappingError(kc: Kc, doc: Doc): string {
  const o = doc.obj;
  if (minorOf(kc.clientVersion) >= 24) {
    return `resource mapping not found for name: "${str(o.metadata?.name)}" namespace: "${str(o.metadata?.namespace)}" from "${doc.source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`;
  }
  return `unable to recognize "${doc.source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"`;
}

const dryRunSuffix = (kc: Kc): string => {
  const d = flag(kc.args, 'dry-run');
  return d === 'server' ? ' (server dry run)' : d && d !== 'none' ? ' (dry run)' : '';
};

/** The object with kubectl apply's view of server-owned fields removed, for the last-applied annotation. */
function appliedConfig(o: KubeObject): string {
  const c = clone(o);
  const md = c.metadata;
  delete md.resourceVersion;
  delete md.uid;
  delete md.creationTimestamp;
  delete md.generation;
  delete md.managedFields;
  if (md.annotations) {
    delete md.annotations[LAST_APPLIED];
    if (Object.keys(md.annotations).length === 0) delete md.annotations;
  }
  delete c.status;
  return JSON.stringify(c);
}

/** A three-way merge good enough for whole manifests: manifest fields win, fields dropped since the last apply go. */
function merged(live: KubeObject, manifest: KubeObject, lastApplied: string | undefined): KubeObject {
  const out = clone(live);
  const prev = lastApplied ? (JSON.parse(lastApplied) as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(manifest)) {
    if (k === 'metadata' || k === 'status') continue;
    out[k] = clone(v);
  }
  for (const k of Object.keys(prev)) if (!(k in manifest) && k !== 'metadata' && k !== 'status') delete out[k];
  const md = out.metadata;
  const mm = manifest.metadata;
  if (mm.labels) md.labels = { ...mm.labels };
  else if (prev.metadata && (prev.metadata as Record<string, unknown>).labels) delete md.labels;
  const ann = { ...(mm.annotations ?? {}) };
  for (const [k, v] of Object.entries(md.annotations ?? {})) if (!(k in ann) && !(prev.metadata && k in (((prev.metadata as Record<string, unknown>).annotations ?? {}) as object))) ann[k] = v;
  md.annotations = ann;
  return out;
}

export async function fromFiles(kc: Kc, verb: Verb): Promise<CommandResult> {
  const o = newOut();
  const src = await readSources(kc);
  if (src.error && src.docs.length === 0) {
    o.err.push(`${src.error}\n`);
    o.code = 1;
    return done(o);
  }
  // discovery happens once, before anything is created: a CR after its CRD in the same run is not mapped yet
  const typesAtStart = resourceTypes(kc.cluster);
  const errors: string[] = [];
  const dry = dryRunSuffix(kc);
  const validateOn = flag(kc.args, 'validate') !== 'false' && flag(kc.args, 'validate') !== 'ignore';
  for (const doc of src.docs) {
    const obj = clone(doc.obj);
    if (!obj.apiVersion || !obj.kind) {
      errors.push(`error validating "${doc.source}": error validating data: [${[!obj.apiVersion && 'apiVersion not set', !obj.kind && 'kind not set'].filter(Boolean).join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`);
      continue;
    }
    obj.metadata ??= { name: '' };
    const t = typeForObject(kc.cluster, obj.apiVersion, obj.kind);
    if (!t || !typesAtStart.some((x) => x.kind === t.kind && x.group === t.group)) {
      errors.push(mappingError(kc, doc));
      continue;
    }
    if (verb !== 'delete' && isCustom(t)) {
      const err = validateCustom(kc.cluster, obj);
      if (err) {
        errors.push(err);
        continue;
      }
    }
    if (verb !== 'delete' && validateOn && !isCustom(t)) {
      const err = await validateObject(obj, doc.source, kc.cluster.kubernetesVersion, verb === 'replace' ? 'replacing' : verb === 'create' ? 'creating' : 'applying');
      if (err) {
        errors.push(err.replace(/^error: /, ''));
        continue;
      }
    }
    const dep = t.deprecatedIn?.[groupVersion(obj.apiVersion).version];
    if (dep && minorOf(kc.cluster.kubernetesVersion) >= dep.since && verb !== 'delete') {
      o.err.push(`Warning: ${obj.apiVersion} ${obj.kind} is deprecated in v1.${dep.since}+, unavailable in v1.${t.removedIn?.[groupVersion(obj.apiVersion).version] ?? 25}+; use ${dep.use}\n`);
    }
    if (t.namespaced) {
      const ns = obj.metadata.namespace ?? kc.namespace;
      if (obj.metadata.namespace && kc.explicitNamespace && obj.metadata.namespace !== kc.namespace) {
        errors.push(`the namespace from the provided object "${obj.metadata.namespace}" does not match the namespace "${kc.namespace}". You must pass '--namespace=${obj.metadata.namespace}' to perform this operation.`);
        continue;
      }
      obj.metadata.namespace = ns;
      if (verb !== 'delete' && !getObject(kc.cluster, 'Namespace', undefined, ns)) {
        errors.push(`Error from server (NotFound): error when ${verb === 'replace' ? 'replacing' : 'creating'} "${doc.source}": namespaces "${ns}" not found`);
        continue;
      }
    } else delete obj.metadata.namespace;
    const r = applyOne(kc, verb, t, obj, doc, dry, o);
    if (r) errors.push(r);
  }
  if (src.error) errors.push(src.error.replace(/^error: /, ''));
  if (errors.length) {
    // one error reads "error: ..."; several are listed one per line (kubectl's aggregate)
    o.err.push(errors.length === 1 && !/^(Error from server|The \S+ "[^"]*" is invalid)/.test(errors[0]) ? `error: ${errors[0]}\n` : errors.map((e) => `${e}\n`).join(''));
    o.code = 1;
  }
  kc.changed();
  return done(o);
}

function applyOne(kc: Kc, verb: Verb, t: ResourceType, obj: KubeObject, doc: Doc, dry: string, o: Out): string | undefined {
  const live = getObject(kc.cluster, obj.kind, obj.metadata.namespace, obj.metadata.name);
  const label = `${qualifiedName(t)}/${obj.metadata.name}`;
  const now = kc.sim.now();
  const conflict = () => `Error from server (Conflict): error when ${verb === 'replace' ? 'replacing' : 'applying patch'} "${doc.source}": Operation cannot be fulfilled on ${t.plural}${t.group ? `.${t.group}` : ''} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`;
  switch (verb) {
    case 'delete': {
      if (!live) return `Error from server (NotFound): error when deleting "${doc.source}": ${t.plural}${t.group ? `.${t.group}` : ''} "${obj.metadata.name}" not found`;
      if (!dry) deleteCascade(kc, live);
      o.out.push(`${t.singular}${t.group ? `.${t.group}` : ''} "${obj.metadata.name}" deleted${dry}\n`);
      return undefined;
    }
    case 'create': {
      if (live) return `Error from server (AlreadyExists): error when creating "${doc.source}": ${t.plural}${t.group ? `.${t.group}` : ''} "${obj.metadata.name}" already exists`;
      stripServerFields(obj);
      if (!dry) createObject(kc.cluster, obj, now);
      o.out.push(`${label} created${dry}\n`);
      return undefined;
    }
    case 'replace': {
      if (!live) return `Error from server (NotFound): error when replacing "${doc.source}": ${t.plural}${t.group ? `.${t.group}` : ''} "${obj.metadata.name}" not found`;
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== live.metadata.resourceVersion) return conflict();
      if (live.status !== undefined && obj.status === undefined) obj.status = live.status;
      if (!dry) updateObject(kc.cluster, obj);
      o.out.push(`${label} replaced${dry}\n`);
      return undefined;
    }
    case 'apply': {
      const applied = appliedConfig(obj);
      if (!live) {
        stripServerFields(obj);
        obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: applied + '\n' };
        if (!dry) createObject(kc.cluster, obj, now);
        o.out.push(`${label} created${dry}\n`);
        return undefined;
      }
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== live.metadata.resourceVersion) return conflict();
      const last = live.metadata.annotations?.[LAST_APPLIED];
      if (last === undefined) {
        o.err.push(`Warning: resource ${t.plural}${t.group ? `.${t.group}` : ''}/${obj.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`);
      }
      const next = merged(live, obj, last?.trim());
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [LAST_APPLIED]: applied + '\n' };
      const same = deepEqual({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }, { ...live, metadata: { ...live.metadata, resourceVersion: '' } });
      if (same) {
        o.out.push(`${label} unchanged${dry}\n`);
        return undefined;
      }
      if (!dry) updateObject(kc.cluster, next);
      o.out.push(`${label} configured${dry}\n`);
      return undefined;
    }
  }
  return undefined;
}

function stripServerFields(obj: KubeObject): void {
  delete obj.metadata.resourceVersion;
  delete obj.metadata.uid;
  delete obj.metadata.creationTimestamp;
  delete obj.metadata.managedFields;
}

/** Delete an object and what the garbage collector / namespace controller would remove with it. */
export function deleteCascade(kc: Kc, obj: KubeObject): void {
  deleteObject(kc.cluster, obj.kind, obj.metadata.namespace, obj.metadata.name);
  if (obj.kind === 'Namespace') {
    for (const o of Object.values(kc.cluster.objects)) if (o.metadata.namespace === obj.metadata.name) delete kc.cluster.objects[keyOf(o)];
  }
  if (obj.kind === 'CustomResourceDefinition') {
    const kind = str((obj.spec as Record<string, Record<string, unknown>> | undefined)?.names?.kind);
    for (const o of listObjects(kc.cluster, kind)) delete kc.cluster.objects[keyOf(o)];
  }
}
