/** kubectl patch: --type merge (RFC 7386), json (RFC 6902), strategic (merge with lists keyed by name). */
import { clone, isObject } from '../util.ts';

const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', ports: 'containerPort',
  imagePullSecrets: 'name', conditions: 'type', tolerations: 'key',
};

export function mergePatch(target: unknown, patch: unknown, strategic = false, key = ''): unknown {
  if (!isObject(patch)) {
    if (strategic && Array.isArray(patch) && Array.isArray(target) && MERGE_KEYS[key]) return mergeList(target, patch, MERGE_KEYS[key]);
    return clone(patch);
  }
  const out: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v, strategic, k);
  }
  return out;
}

function mergeList(target: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const out = clone(target);
  for (const p of patch) {
    if (!isObject(p)) continue;
    if (p.$patch === 'delete') {
      const i = out.findIndex((x) => isObject(x) && x[mergeKey] === p[mergeKey]);
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    const i = out.findIndex((x) => isObject(x) && x[mergeKey] === p[mergeKey]);
    if (i >= 0) out[i] = mergePatch(out[i], p, true);
    else out.push(clone(p));
  }
  return out;
}

function pointer(path: string): string[] {
  return path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902; throws with the API server's wording when a path is missing. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new Error('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const op of ops) {
    if (!isObject(op)) continue;
    const parts = pointer(String(op.path));
    const kind = String(op.op);
    if (kind === 'test') continue;
    const parentPath = parts.slice(0, -1);
    const last = parts[parts.length - 1];
    let parent: unknown = doc;
    for (const p of parentPath) {
      if (Array.isArray(parent)) parent = parent[Number(p)];
      else if (isObject(parent)) parent = parent[p];
      else parent = undefined;
      if (parent === undefined) throw new Error(`the server rejected our request due to an error in our request`);
    }
    if (parts.length === 0) {
      if (kind === 'replace' || kind === 'add') doc = clone(op.value);
      continue;
    }
    if (Array.isArray(parent)) {
      const idx = last === '-' ? parent.length : Number(last);
      if (kind === 'add') parent.splice(idx, 0, clone(op.value));
      else if (kind === 'remove') parent.splice(idx, 1);
      else if (kind === 'replace') parent[idx] = clone(op.value);
    } else if (isObject(parent)) {
      if ((kind === 'remove' || kind === 'replace') && !(last in parent)) {
        throw new Error(`jsonpatch ${kind} operation does not apply: doc is missing key: ${String(op.path)}`);
      }
      if (kind === 'remove') delete parent[last];
      else parent[last] = clone(op.value);
    }
  }
  return doc;
}
