/**
 * Reading the inventory YAML with positions: every later error is reported as
 * FILE:LINE: field.path: what is wrong (expected ...).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type FieldPath = (string | number)[];

/** One problem found in the inventory. */
export interface Problem {
  path: FieldPath;
  message: string;
  /** point at the key itself rather than its value (unknown keys) */
  atKey?: boolean;
}

export interface Source {
  /** the file as the user named it (used in messages) */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** plain JS data of the document */
  data: unknown;
  /** YAML syntax problems, already formatted */
  syntaxErrors: string[];
}

export function parseSource(text: string, file: string): Source {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = doc.errors.map((e) => {
    let line = lineCounter.linePos(e.pos[0]).line;
    // an unclosed { or [ is only noticed at the end: point at the line that opened it
    const closer = /end with an? ([}\]])/.exec(e.message)?.[1];
    if (closer) line = unclosedLine(text, line, closer === '}' ? '{' : '[', closer) ?? line;
    // the yaml package's message, first line only: the rest is a source excerpt
    return `${file}:${line}: YAML: ${e.message.split('\n')[0]}${flowBraceHint(text, line)}`;
  });
  const data: unknown = syntaxErrors.length ? undefined : doc.toJS();
  // one message per line is enough: the parser often reports a slip twice
  return { file, doc, lineCounter, data, syntaxErrors: syntaxErrors.filter((e, i) => syntaxErrors.findIndex((x) => x.split(': YAML:')[0] === e.split(': YAML:')[0]) === i) };
}

/** "hosts[1].ssh.port" */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function childNode(node: unknown, key: string | number): { key?: Node; value?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) return undefined;
    return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item ? { value: item as Node } : undefined;
  }
  return undefined;
}

/**
 * The 1-based line of `path`: its value (or key, with atKey), or the nearest
 * ancestor that exists (a missing key is reported where its parent is).
 */
export function lineOf(src: Source, path: FieldPath, atKey = false): number {
  let node: unknown = src.doc.contents;
  let offset = (src.doc.contents as Node | null)?.range?.[0] ?? 0;
  let parentKey: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const next = childNode(node, path[i]);
    if (!next) {
      // a missing key is reported on its parent's key line ("cluster:"), not the parent's first child
      if (parentKey?.range) offset = parentKey.range[0];
      break;
    }
    parentKey = next.key;
    const last = i === path.length - 1;
    const target = last && atKey && next.key ? next.key : (next.value ?? next.key);
    if (target?.range) offset = target.range[0];
    else if (next.key?.range) offset = next.key.range[0];
    node = next.value;
  }
  return src.lineCounter.linePos(offset).line;
}

/** FILE:LINE: field.path: message */
export function formatProblem(src: Source, p: Problem): string {
  return `${src.file}:${lineOf(src, p.path, p.atKey)}: ${formatPath(p.path)}: ${p.message}`;
}

/** The last line at or before `upTo` that opens more `open` than it closes. */
function unclosedLine(text: string, upTo: number, open: string, close: string): number | undefined {
  const lines = text.split('\n');
  for (let i = Math.min(upTo, lines.length) - 1; i >= 0; i--) {
    const l = lines[i].replace(/#.*$/, '');
    if (l.split(open).length > l.split(close).length) return i + 1;
  }
  return undefined;
}

/** `[https://.../v{minor}/rpm/]`: braces inside a [ ] list start a YAML mapping unless quoted. */
function flowBraceHint(text: string, line: number): string {
  const l = (text.split('\n')[line - 1] ?? '').replace(/#.*$/, '');
  return /\[[^\]'"]*[^\s,\[]\{[^}]*\}/.test(l) ? " (a URL with { } inside [ ] must be quoted, e.g. ['https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/'], or written as a - list)" : '';
}
