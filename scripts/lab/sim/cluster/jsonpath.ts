/**
 * kubectl's JSONPath templates (client-go util/jsonpath), the parts scripts use: text and {…}
 * blocks, fields (.a.b, ['a.b'], escaped dots), [*], [n], [a:b], [?(@.x=="y")] filters,
 * ..recursive, range/end, string literals with escapes. Missing keys print nothing, as kubectl's
 * default --allow-missing-template-keys=true does.
 */
import { isObject } from './util.ts';

type Seg =
  | { k: 'field'; name: string }
  | { k: 'wild' }
  | { k: 'index'; start?: number; end?: number; single: boolean }
  | { k: 'filter'; left: Path; op?: string; right?: Path | { lit: unknown } }
  | { k: 'recursive'; name: string };
interface Path { root: '$' | '@'; segs: Seg[] }
type Node = { t: 'text'; v: string } | { t: 'expr'; paths: Path[] } | { t: 'lit'; v: string } | { t: 'range'; path: Path; body: Node[] };

export class JsonPathError extends Error {}

function splitBlocks(tpl: string): { text: string; inBraces: boolean }[] {
  const out: { text: string; inBraces: boolean }[] = [];
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{', i);
    if (open < 0) {
      out.push({ text: tpl.slice(i), inBraces: false });
      break;
    }
    if (open > i) out.push({ text: tpl.slice(i, open), inBraces: false });
    // find the matching close brace, skipping quoted strings
    let j = open + 1;
    let quote = '';
    for (; j < tpl.length; j++) {
      const ch = tpl[j];
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '}') break;
    }
    if (j >= tpl.length) throw new JsonPathError('unclosed action');
    out.push({ text: tpl.slice(open + 1, j), inBraces: true });
    i = j + 1;
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (/^(['"]).*\1$/s.test(t)) return unescape(t.slice(1, -1));
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return undefined;
}

function parsePath(src: string): Path {
  let s = src.trim();
  // a leading '.' is relative to the current value (the element inside range), '$' is the root
  let root: '$' | '@' = '@';
  if (s.startsWith('$')) {
    root = '$';
    s = s.slice(1);
  } else if (s.startsWith('@')) s = s.slice(1);
  const segs: Seg[] = [];
  let i = 0;
  const readName = (): string => {
    let name = '';
    while (i < s.length && s[i] !== '.' && s[i] !== '[') {
      if (s[i] === '\\' && i + 1 < s.length) {
        name += s[i + 1];
        i += 2;
      } else name += s[i++];
    }
    return name;
  };
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      segs.push({ k: 'recursive', name: readName() });
    } else if (s[i] === '.') {
      i++;
      const name = readName();
      if (name === '*') segs.push({ k: 'wild' });
      else if (name) segs.push({ k: 'field', name });
    } else if (s[i] === '[') {
      let depth = 0;
      let j = i;
      let quote = '';
      for (; j < s.length; j++) {
        const ch = s[j];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '[') depth++;
        else if (ch === ']' && --depth === 0) break;
      }
      const inner = s.slice(i + 1, j).trim();
      i = j + 1;
      if (inner === '*') segs.push({ k: 'wild' });
      else if (inner.startsWith('?(') && inner.endsWith(')')) segs.push(parseFilter(inner.slice(2, -1)));
      else if (/^(['"]).*\1$/.test(inner)) segs.push({ k: 'field', name: inner.slice(1, -1) });
      else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(':');
        segs.push({ k: 'index', start: a ? Number(a) : undefined, end: b ? Number(b) : undefined, single: false });
      } else if (/^-?\d+$/.test(inner)) segs.push({ k: 'index', start: Number(inner), single: true });
      else throw new JsonPathError(`invalid array index ${inner}`);
    } else {
      segs.push({ k: 'field', name: readName() });
    }
  }
  return { root, segs };
}

function parseFilter(src: string): Seg {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/.exec(src);
  if (!m) return { k: 'filter', left: parsePath(src) };
  const lit = parseLiteral(m[3]);
  return { k: 'filter', left: parsePath(m[1]), op: m[2], right: lit !== undefined ? { lit } : parsePath(m[3]) };
}

function parseTemplate(tpl: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const b of splitBlocks(tpl)) {
    const cur = stack[stack.length - 1];
    if (!b.inBraces) {
      cur.push({ t: 'text', v: b.text });
      continue;
    }
    const body = b.text.trim();
    if (body.startsWith('range ')) {
      const node: Node = { t: 'range', path: parsePath(body.slice(6)), body: [] };
      cur.push(node);
      stack.push(node.body);
    } else if (body === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
    } else if (/^(['"]).*\1$/s.test(body)) {
      cur.push({ t: 'lit', v: unescape(body.slice(1, -1)) });
    } else {
      cur.push({ t: 'expr', paths: splitUnion(body).map(parsePath) });
    }
  }
  if (stack.length > 1) throw new JsonPathError('unclosed range');
  return root;
}

function splitUnion(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  let quote = '';
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0 && !quote) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.filter((p) => p.trim());
}

function recurse(v: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(v)) v.forEach((x) => recurse(x, name, out));
  else if (isObject(v)) {
    if (name && name in v) out.push(v[name]);
    else if (!name) out.push(v);
    for (const x of Object.values(v)) recurse(x, name, out);
  }
}

function evalPath(p: Path, root: unknown, cur: unknown): unknown[] {
  let vals: unknown[] = [p.root === '@' ? cur : root];
  for (const seg of p.segs) {
    const next: unknown[] = [];
    for (const v of vals) {
      switch (seg.k) {
        case 'field':
          if (isObject(v) && seg.name in v) next.push(v[seg.name]);
          break;
        case 'wild':
          if (Array.isArray(v)) next.push(...v);
          else if (isObject(v)) next.push(...Object.keys(v).sort().map((k) => v[k]));
          break;
        case 'index':
          if (Array.isArray(v)) {
            if (seg.single) {
              const i = (seg.start ?? 0) < 0 ? v.length + (seg.start ?? 0) : seg.start ?? 0;
              if (i >= 0 && i < v.length) next.push(v[i]);
            } else {
              next.push(...v.slice(seg.start ?? 0, seg.end ?? v.length));
            }
          }
          break;
        case 'filter':
          if (Array.isArray(v)) next.push(...v.filter((el) => filterMatch(seg, root, el)));
          break;
        case 'recursive':
          recurse(v, seg.name, next);
          break;
      }
    }
    vals = next;
  }
  return vals;
}

function filterMatch(seg: Extract<Seg, { k: 'filter' }>, root: unknown, el: unknown): boolean {
  const left = evalPath(seg.left, root, el);
  if (!seg.op) return left.length > 0;
  if (left.length === 0) return false;
  const right = seg.right && 'lit' in seg.right ? [seg.right.lit] : seg.right ? evalPath(seg.right, root, el) : [];
  if (right.length === 0) return false;
  const a = left[0];
  const b = right[0];
  switch (seg.op) {
    case '==': return a === b || String(a) === String(b);
    case '!=': return String(a) !== String(b);
    case '<': return Number(a) < Number(b);
    case '>': return Number(a) > Number(b);
    case '<=': return Number(a) <= Number(b);
    case '>=': return Number(a) >= Number(b);
    case '=~': return new RegExp(String(b)).test(String(a));
  }
  return false;
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function exec(nodes: Node[], root: unknown, cur: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text' || n.t === 'lit') out += n.v;
    else if (n.t === 'expr') out += n.paths.flatMap((p) => evalPath(p, root, cur)).map(show).join(' ');
    else {
      for (const v of evalPath(n.path, root, cur)) {
        const items = Array.isArray(v) && n.path.segs.length > 0 && n.path.segs[n.path.segs.length - 1].k === 'field' ? v : [v];
        for (const it of items) out += exec(n.body, root, it);
      }
    }
  }
  return out;
}

/** Render a kubectl -o jsonpath template against data. */
export function renderJsonPath(template: string, data: unknown): string {
  return exec(parseTemplate(template), data, data);
}
