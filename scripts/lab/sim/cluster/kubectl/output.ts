/** kubectl's -o json / yaml / name / jsonpath printers. */
import YAML from 'yaml';
import type { KubeObject } from '../types.ts';
import type { ResourceType } from '../resources.ts';
import { qualifiedName } from '../resources.ts';
import { renderJsonPath, JsonPathError } from '../jsonpath.ts';
import { sortKeys } from '../util.ts';
import { formatTable } from '../table.ts';

export const toJson = (v: unknown): string => JSON.stringify(sortKeys(v), null, 4) + '\n';
export const toYaml = (v: unknown): string => YAML.stringify(sortKeys(v), { indentSeq: false, lineWidth: 0 });

export const listOf = (items: KubeObject[]): Record<string, unknown> => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

export const nameOf = (t: ResourceType, o: KubeObject): string => `${qualifiedName(t)}/${o.metadata.name}`;

/** Print objects in a structured format; single=true prints the object itself instead of a List. */
export function printStructured(format: string, objects: KubeObject[], single: boolean, typeOf: (o: KubeObject) => ResourceType | undefined, noHeaders = false): { out: string; err?: string } {
  const data = single && objects.length === 1 ? objects[0] : listOf(objects);
  if (format === 'json') return { out: toJson(data) };
  if (format === 'yaml') return { out: toYaml(data) };
  if (format === 'name') return { out: objects.map((o) => { const t = typeOf(o); return t ? nameOf(t, o) : `${o.kind.toLowerCase()}/${o.metadata.name}`; }).join('\n') + (objects.length ? '\n' : '') };
  const cc = /^custom-columns=(.*)$/s.exec(format);
  if (cc) {
    const cols = cc[1].split(',').map((c) => {
      const i = c.indexOf(':');
      return { header: c.slice(0, i), expr: c.slice(i + 1) };
    });
    if (cols.some((c) => !c.header || !c.expr)) return { out: '', err: `error: custom-columns format specified but no custom columns given\n` };
    const rows = objects.map((o) => cols.map((c) => {
      const v = renderJsonPath(`{${c.expr.startsWith('.') || c.expr.startsWith('$') ? c.expr : `.${c.expr}`}}`, sortKeys(o));
      return v === '' ? '<none>' : v.replace(/ /g, ',');
    }));
    // --no-headers applies to custom-columns too (`-o custom-columns=NAME:.metadata.name --no-headers`)
    return { out: formatTable(noHeaders ? undefined : cols.map((c) => c.header), rows) };
  }
  const m = /^(jsonpath|jsonpath-as-json)=(.*)$/s.exec(format);
  if (m) {
    try {
      return { out: renderJsonPath(m[2], sortKeys(data)) };
    } catch (err) {
      if (err instanceof JsonPathError) return { out: '', err: `error: error parsing jsonpath ${m[2]}, ${err.message}\n` };
      throw err;
    }
  }
  return { out: '', err: `error: unable to match a printer suitable for the output format "${format}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n` };
}
