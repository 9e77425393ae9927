/**
 * Custom resources checked against their CRD's openAPIV3Schema as the API server does (types,
 * required fields, enums; unknown fields are pruned, not refused), with its field error texts.
 */
import type { ClusterState, KubeObject } from '../types.ts';
import { groupVersion } from '../resources.ts';
import { listObjects } from '../store.ts';
import { arr, dig, isObject, rec, str } from '../util.ts';

type Schema = Record<string, unknown>;

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeOk(v: unknown, type: string): boolean {
  const t = typeName(v);
  return t === type || (type === 'number' && t === 'integer');
}

function walk(v: unknown, s: Schema, path: string, errors: string[]): void {
  if (s['x-kubernetes-int-or-string'] === true) {
    if (typeof v !== 'string' && !Number.isInteger(v)) errors.push(`${path}: Invalid value: "${typeName(v)}": ${path} in body must be of type integer,string: "${typeName(v)}"`);
    return;
  }
  const type = typeof s.type === 'string' ? s.type : undefined;
  if (type && !typeOk(v, type)) {
    errors.push(`${path}: Invalid value: "${typeName(v)}": ${path} in body must be of type ${type}: "${typeName(v)}"`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === v)) {
    errors.push(`${path}: Unsupported value: ${JSON.stringify(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (isObject(v)) {
    const props = rec(s.properties);
    for (const r of arr(s.required).map(String)) if (!(r in v)) errors.push(`${path ? `${path}.` : ''}${r}: Required value`);
    for (const [k, sub] of Object.entries(props)) if (k in v && isObject(sub)) walk(v[k], sub, path ? `${path}.${k}` : k, errors);
  }
  if (Array.isArray(v) && isObject(s.items)) v.forEach((item, i) => walk(item, s.items as Schema, `${path}[${i}]`, errors));
}

/** undefined when the CR is valid for its CRD (or the CRD has no schema), else the API server's message. */
export function validateCustom(cluster: ClusterState, obj: KubeObject): string | undefined {
  const { group, version } = groupVersion(obj.apiVersion);
  const crd = listObjects(cluster, 'CustomResourceDefinition').find((c) => dig(c, 'spec', 'group') === group && dig(c, 'spec', 'names', 'kind') === obj.kind);
  const v = arr(dig(crd, 'spec', 'versions')).find((x) => isObject(x) && x.name === version);
  const schema = dig(v, 'schema', 'openAPIV3Schema');
  if (!isObject(schema)) return undefined;
  const errors: string[] = [];
  const body = { ...obj } as Record<string, unknown>;
  delete body.metadata;
  delete body.apiVersion;
  delete body.kind;
  const props = rec(schema.properties);
  for (const r of arr(schema.required).map(String)) if (!(r in body) && r !== 'metadata') errors.push(`${r}: Required value`);
  for (const [k, sub] of Object.entries(props)) if (k in body && isObject(sub)) walk(body[k], sub, k, errors);
  if (!errors.length) return undefined;
  return `The ${obj.kind} "${str(obj.metadata?.name)}" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`;
}
