/**
 * Schema validation of built-in kinds with kubernetes-models (the OpenAPI schemas the API server
 * publishes), worded as kubectl words it: client-side "error validating data: ValidationError(...)"
 * up to 1.24, the API server's field errors from 1.25 (server-side validation).
 */
import type { KubeObject } from '../types.ts';
import { groupVersion } from '../resources.ts';
import { isObject, minorOf } from '../util.ts';
import { unknownField } from './fields.ts';

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
type Validatable = { validate(): void };
type ModelCtor = new (data: unknown) => Validatable;

const moduleCache = new Map<string, Record<string, unknown> | null>();

async function modelFor(apiVersion: string, kind: string): Promise<ModelCtor | undefined> {
  const { group, version } = groupVersion(apiVersion);
  const spec = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/v1`;
  if (!moduleCache.has(spec)) {
    try {
      moduleCache.set(spec, (await import(spec)) as Record<string, unknown>);
    } catch {
      moduleCache.set(spec, null);
    }
  }
  const mod = moduleCache.get(spec);
  const ctor = mod ? mod[kind] : undefined;
  return typeof ctor === 'function' ? (ctor as ModelCtor) : undefined;
}

function fieldPath(instancePath: string): string {
  return instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

const TYPE_NAMES: Record<string, string> = {
  containers: 'io.k8s.api.core.v1.Container', initContainers: 'io.k8s.api.core.v1.Container', env: 'io.k8s.api.core.v1.EnvVar',
  volumes: 'io.k8s.api.core.v1.Volume', volumeMounts: 'io.k8s.api.core.v1.VolumeMount', ports: 'io.k8s.api.core.v1.ContainerPort',
  selector: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', template: 'io.k8s.api.core.v1.PodTemplateSpec', metadata: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  rules: 'io.k8s.api.rbac.v1.PolicyRule', subjects: 'io.k8s.api.rbac.v1.Subject', roleRef: 'io.k8s.api.rbac.v1.RoleRef', tolerations: 'io.k8s.api.core.v1.Toleration',
};

function typeNameAt(obj: KubeObject, instancePath: string): string {
  const parts = instancePath.split('/').filter((p) => p && !/^\d+$/.test(p));
  const last = parts.at(-1);
  if (last && TYPE_NAMES[last]) return TYPE_NAMES[last];
  const { group, version } = groupVersion(obj.apiVersion);
  const g = group ? group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '') : 'core';
  const base = `io.k8s.api.${g}.${version}.${obj.kind}`;
  return last === 'spec' ? `${base}Spec` : base;
}

/** undefined when valid, else kubectl's error text (without the trailing newline). */
export async function validateObject(obj: KubeObject, source: string, version: string, verb: 'creating' | 'applying' | 'replacing'): Promise<string | undefined> {
  const missing: string[] = [];
  if (!obj.apiVersion) missing.push('apiVersion not set');
  if (!obj.kind) missing.push('kind not set');
  if (missing.length) return `error: error validating "${source}": error validating data: [${missing.join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`;
  if (!isObject(obj.metadata) || !obj.metadata.name) {
    return `error: error when retrieving current configuration of:\nResource: "${obj.kind}", GroupVersionKind: "${obj.apiVersion}, Kind=${obj.kind}"\nName: "", Namespace: ""\nfrom server for: "${source}": resource name may not be empty`;
  }
  const unknown = unknownField(obj as unknown as Record<string, unknown>, obj.kind);
  if (unknown) {
    if (minorOf(version) >= 25) {
      const full = `${unknown.path ? `${unknown.path.replace(/\[\d+\]/g, '')}.` : ''}${unknown.field}`;
      return `Error from server (BadRequest): error when ${verb === 'applying' ? 'creating' : verb} "${source}": ${obj.kind} in version "${groupVersion(obj.apiVersion).version}" cannot be handled as a ${obj.kind}: strict decoding error: unknown field "${full}"`;
    }
    return `error: error validating "${source}": error validating data: ValidationError(${obj.kind}${unknown.path ? `.${unknown.path}` : ''}): unknown field "${unknown.field}" in ${unknown.typeName}; if you choose to ignore these errors, turn validation off with --validate=false`;
  }
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return undefined;
  let errors: AjvError[] = [];
  try {
    new Model(obj).validate();
  } catch (err) {
    errors = isObject(err) && Array.isArray((err as { errors?: unknown }).errors) ? ((err as { errors: AjvError[] }).errors) : [];
    if (!errors.length) return undefined;
  }
  if (!errors.length) return undefined;
  const e = errors[0];
  const at = fieldPath(e.instancePath);
  if (minorOf(version) >= 25) {
    if (e.keyword === 'required') {
      return `The ${obj.kind} "${obj.metadata.name}" is invalid: ${at ? `${at}.` : ''}${String(e.params.missingProperty)}: Required value`;
    }
    if (e.keyword === 'type') {
      const parent = typeNameAt(obj, e.instancePath.split('/').slice(0, -1).join('/')).split('.').at(-1);
      const goType = String(e.params.type) === 'integer' ? 'int32' : String(e.params.type);
      return `Error from server (BadRequest): error when ${verb} "${source}": ${obj.kind} in version "${groupVersion(obj.apiVersion).version}" cannot be handled as a ${obj.kind}: json: cannot unmarshal ${typeof valueAt(obj, e.instancePath)} into Go struct field ${parent}.${at} of type ${goType}`;
    }
    return `The ${obj.kind} "${obj.metadata.name}" is invalid: ${at}: Invalid value: ${e.message ?? ''}`;
  }
  const where = `${obj.kind}${at ? `.${at}` : ''}`;
  let detail: string;
  if (e.keyword === 'required') detail = `ValidationError(${where}): missing required field "${String(e.params.missingProperty)}" in ${typeNameAt(obj, e.instancePath)}`;
  else if (e.keyword === 'type') {
    const parentPath = e.instancePath.split('/').slice(0, -1).join('/');
    const field = e.instancePath.split('/').at(-1) ?? '';
    const got = valueAt(obj, e.instancePath);
    detail = `ValidationError(${where}): invalid type for ${typeNameAt(obj, parentPath)}.${field}: got "${Array.isArray(got) ? 'array' : typeof got === 'object' ? 'map' : typeof got}", expected "${String(e.params.type)}"`;
  } else detail = `ValidationError(${where}): ${e.message ?? 'invalid value'}`;
  return `error: error validating "${source}": error validating data: ${detail}; if you choose to ignore these errors, turn validation off with --validate=false`;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: unknown = obj;
  for (const p of instancePath.split('/').filter(Boolean)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** Load the schemas of the common API groups ahead of the first apply (the first import costs ~1 s). */
export async function warmValidators(): Promise<void> {
  for (const [v, k] of [['v1', 'ConfigMap'], ['apps/v1', 'DaemonSet'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'], ['policy/v1', 'PodDisruptionBudget'], ['apiregistration.k8s.io/v1', 'APIService']]) {
    await modelFor(v, k);
  }
}
