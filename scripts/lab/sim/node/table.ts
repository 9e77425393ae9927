/** Go tabwriter-style tables (minwidth, padding) as docker, crictl, ctr and kubeadm print them. */
export function table(rows: string[][], opts: { padding?: number; minWidth?: number } = {}): string {
  const padding = opts.padding ?? 3;
  const minWidth = opts.minWidth ?? 0;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.max(minWidth, widths[i] + padding))))
        .join('')
        .replace(/\s+$/, ''),
    )
    .join('\n') + '\n';
}

/** A tiny Go template evaluator for `-f '{{.Field}}'` / `{{json .X}}` / `{{.A.B}}`. */
export function goTemplate(tpl: string, data: unknown): string {
  const get = (path: string): unknown => {
    let cur: unknown = data;
    for (const p of path.split('.').filter(Boolean)) {
      if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[p];
      else return undefined;
    }
    return cur;
  };
  return tpl.replace(/\{\{\s*(json\s+)?\.([\w.]*)\s*\}\}/g, (_, json: string | undefined, path: string) => {
    const v = get(path);
    if (json) return JSON.stringify(v ?? null);
    if (v === undefined || v === null) return '<no value>';
    if (Array.isArray(v)) return `[${v.join(' ')}]`;
    if (typeof v === 'object') return `map[${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}:${String(x)}`).join(' ')}]`;
    return String(v);
  }).replace(/\\n/g, '\n');
}
