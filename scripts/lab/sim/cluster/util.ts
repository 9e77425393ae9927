/** Small helpers shared by the cluster simulator: versions, selectors, hashing, deep compare. */
import { createHash } from 'node:crypto';
import type { KubeObject } from './types.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** minor version of "1.23.17" / "v1.28.2" (0 when unknown) */
export function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** Deterministic lowercase "random-looking" suffix, from the alphabet Kubernetes uses for generated names. */
export function nameSuffix(seed: string, len: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[digest[i] % alphabet.length];
  return out;
}

export const hashHex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Stable stringify (sorted keys) so objects compare and hash independently of key order. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const deepEqual = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Recursively sort object keys, as kubectl's JSON/YAML printers do for unstructured objects. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

export interface LabelRequirement { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists'; values: string[] }

/** Parse a label selector string ("a=b,c!=d,e in (x,y),!f,g"). */
export function parseSelector(sel: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(p))) {
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((s) => s.trim()) });
    } else if ((m = /^([^!=]+)!=(.*)$/.exec(p))) {
      reqs.push({ key: m[1].trim(), op: '!=', values: [m[2].trim()] });
    } else if ((m = /^([^=]+)==?(.*)$/.exec(p))) {
      reqs.push({ key: m[1].trim(), op: '=', values: [m[2].trim()] });
    } else if (p.startsWith('!')) {
      reqs.push({ key: p.slice(1).trim(), op: '!exists', values: [] });
    } else if (p) {
      reqs.push({ key: p, op: 'exists', values: [] });
    }
  }
  return reqs;
}

export function matchesRequirements(labels: Record<string, string> | undefined, reqs: LabelRequirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=': return has && l[r.key] === r.values[0];
      case '!=': return !has || l[r.key] !== r.values[0];
      case 'in': return has && r.values.includes(l[r.key]);
      case 'notin': return !has || !r.values.includes(l[r.key]);
      case 'exists': return has;
      case '!exists': return !has;
    }
    return false;
  });
}

/** A LabelSelector object (matchLabels + matchExpressions) against labels. */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const l = labels ?? {};
  const ml = isObject(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : {};
  for (const [k, v] of Object.entries(ml)) if (l[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isObject(e)) continue;
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = key in l;
    switch (e.operator) {
      case 'In': if (!has || !values.includes(l[key])) return false; break;
      case 'NotIn': if (has && values.includes(l[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

/** Read `a.b.c` from an object. */
export function dig(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
    else if (isObject(cur)) cur = cur[String(p)];
    else return undefined;
  }
  return cur;
}

export const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? dflt : String(v));
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const rec = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};

/** "100m" / "2" / "1Gi" / "512Mi" parsing: cpu in millicores, memory in bytes. */
export function parseCpu(q: unknown): number {
  const s = str(q);
  if (!s) return 0;
  if (s.endsWith('m')) return Number(s.slice(0, -1));
  return Math.round(Number(s) * 1000);
}
export function parseMemory(q: unknown): number {
  const s = str(q);
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(s);
  if (!m) return 0;
  const units: Record<string, number> = {
    '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  return Number(m[1]) * (units[m[2]] ?? 1);
}
