/**
 * A small TOML reader for what /etc/containerd/config.toml uses: tables and dotted table
 * names with quoted parts, key = value with dotted keys, strings (basic and literal), bools,
 * integers, floats, arrays (multi-line) and inline tables. Errors carry (line, column) like
 * the go-toml parser containerd uses.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(readonly line: number, readonly col: number, msg: string) {
    super(`(${line}, ${col}): ${msg}`);
  }
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}
  get lineCol(): [number, number] {
    const before = this.src.slice(0, this.pos);
    const line = before.split('\n').length;
    return [line, this.pos - before.lastIndexOf('\n')];
  }
  err(msg: string): TomlError {
    const [l, c] = this.lineCol;
    return new TomlError(l, c, msg);
  }
  peek(): string {
    return this.src[this.pos] ?? '';
  }
  eof(): boolean {
    return this.pos >= this.src.length;
  }
  skipWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  /** whitespace, newlines and comments (inside arrays) */
  skipAll(): void {
    for (;;) {
      this.skipWs();
      if (this.peek() === '#') while (!this.eof() && this.peek() !== '\n') this.pos++;
      if (this.peek() === '\n' || this.peek() === '\r') {
        this.pos++;
        continue;
      }
      break;
    }
  }
  endOfLine(): void {
    this.skipWs();
    if (this.peek() === '#') while (!this.eof() && this.peek() !== '\n') this.pos++;
    if (this.peek() === '\r') this.pos++;
    if (!this.eof() && this.peek() !== '\n') throw this.err(`expected end of line, got ${JSON.stringify(this.peek())}`);
    this.pos++;
  }
}

function readKeyPart(r: Reader): string {
  r.skipWs();
  const c = r.peek();
  if (c === '"' || c === "'") return readString(r);
  const start = r.pos;
  while (/[A-Za-z0-9_-]/.test(r.peek())) r.pos++;
  if (r.pos === start) throw r.err(`invalid key character ${JSON.stringify(c)}`);
  return r.src.slice(start, r.pos);
}

function readKey(r: Reader): string[] {
  const parts = [readKeyPart(r)];
  r.skipWs();
  while (r.peek() === '.') {
    r.pos++;
    parts.push(readKeyPart(r));
    r.skipWs();
  }
  return parts;
}

function readString(r: Reader): string {
  const q = r.peek();
  if (r.src.startsWith(q.repeat(3), r.pos)) {
    r.pos += 3;
    if (r.peek() === '\n') r.pos++;
    const end = r.src.indexOf(q.repeat(3), r.pos);
    if (end < 0) throw r.err('unterminated multi-line string');
    const raw = r.src.slice(r.pos, end);
    r.pos = end + 3;
    return q === '"' ? unescape(r, raw) : raw;
  }
  r.pos++;
  let out = '';
  for (;;) {
    if (r.eof() || r.peek() === '\n') throw r.err('unterminated string');
    const c = r.peek();
    r.pos++;
    if (c === q) break;
    if (c === '\\' && q === '"') {
      const e = r.peek();
      r.pos++;
      out += unescape(r, '\\' + e + (e === 'u' ? r.src.slice(r.pos, (r.pos += 4)) : ''));
      continue;
    }
    out += c;
  }
  return out;
}

function unescape(r: Reader, s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '\\': return '\\';
      case '"': return '"';
      case 'u': return String.fromCharCode(parseInt(e.slice(1), 16));
      default: throw r.err(`invalid escape sequence \\${e}`);
    }
  });
}

function readValue(r: Reader): TomlValue {
  r.skipWs();
  const c = r.peek();
  if (c === '"' || c === "'") return readString(r);
  if (c === '[') {
    r.pos++;
    const arr: TomlValue[] = [];
    for (;;) {
      r.skipAll();
      if (r.peek() === ']') {
        r.pos++;
        return arr;
      }
      arr.push(readValue(r));
      r.skipAll();
      if (r.peek() === ',') {
        r.pos++;
        continue;
      }
      if (r.peek() === ']') {
        r.pos++;
        return arr;
      }
      throw r.err(`expected ',' or ']' in array, got ${JSON.stringify(r.peek())}`);
    }
  }
  if (c === '{') {
    r.pos++;
    const t: TomlTable = {};
    r.skipWs();
    if (r.peek() === '}') {
      r.pos++;
      return t;
    }
    for (;;) {
      const key = readKey(r);
      r.skipWs();
      if (r.peek() !== '=') throw r.err('expected = after key in inline table');
      r.pos++;
      assign(r, t, key, readValue(r));
      r.skipWs();
      if (r.peek() === ',') {
        r.pos++;
        continue;
      }
      if (r.peek() === '}') {
        r.pos++;
        return t;
      }
      throw r.err('expected , or } in inline table');
    }
  }
  const start = r.pos;
  while (!r.eof() && !/[\s,\]}#]/.test(r.peek())) r.pos++;
  const word = r.src.slice(start, r.pos);
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (/^[+-]?(0|[1-9](_?\d)*)$/.test(word)) return Number(word.replace(/_/g, ''));
  if (/^0x[0-9a-fA-F_]+$/.test(word)) return parseInt(word.slice(2).replace(/_/g, ''), 16);
  if (/^[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(word)) return Number(word.replace(/_/g, ''));
  r.pos = start;
  throw r.err(word ? `invalid value ${JSON.stringify(word)}` : 'expected a value');
}

const isTable = (v: TomlValue | undefined): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v);

function descend(r: Reader, root: TomlTable, path: string[]): TomlTable {
  let t = root;
  for (const p of path) {
    const cur = t[p];
    if (cur === undefined) t = t[p] = {};
    else if (isTable(cur)) t = cur;
    else if (Array.isArray(cur) && isTable(cur.at(-1))) t = cur.at(-1) as TomlTable;
    else throw r.err(`key ${p} is already defined as a value`);
  }
  return t;
}

function assign(r: Reader, table: TomlTable, key: string[], value: TomlValue): void {
  const t = descend(r, table, key.slice(0, -1));
  const last = key[key.length - 1];
  if (last in t) throw r.err(`duplicated key ${JSON.stringify(key.join('.'))}`);
  t[last] = value;
}

export function parseToml(src: string): TomlTable {
  const r = new Reader(src);
  const root: TomlTable = {};
  let current = root;
  const defined = new Set<string>();
  for (;;) {
    r.skipAll();
    if (r.eof()) break;
    if (r.peek() === '[') {
      const arrayTable = r.src.startsWith('[[', r.pos);
      r.pos += arrayTable ? 2 : 1;
      const name = readKey(r);
      r.skipWs();
      if (!r.src.startsWith(arrayTable ? ']]' : ']', r.pos)) throw r.err('unterminated table name');
      r.pos += arrayTable ? 2 : 1;
      r.endOfLine();
      if (arrayTable) {
        const parent = descend(r, root, name.slice(0, -1));
        const last = name[name.length - 1];
        const arr = (parent[last] ??= []) as TomlValue[];
        if (!Array.isArray(arr)) throw r.err(`key ${last} is not an array of tables`);
        const t: TomlTable = {};
        arr.push(t);
        current = t;
      } else {
        const id = JSON.stringify(name);
        if (defined.has(id)) throw r.err(`duplicated tables`);
        defined.add(id);
        current = descend(r, root, name);
      }
      continue;
    }
    const key = readKey(r);
    r.skipWs();
    if (r.peek() !== '=') throw r.err(`expected = after key ${JSON.stringify(key.join('.'))}`);
    r.pos++;
    const value = readValue(r);
    assign(r, current, key, value);
    r.endOfLine();
  }
  return root;
}

/** Read a nested value by path (each element one key, dots inside kept as is). */
export function tomlGet(t: TomlTable, path: string[]): TomlValue | undefined {
  let cur: TomlValue | undefined = t;
  for (const p of path) {
    if (!isTable(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}
