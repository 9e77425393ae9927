/**
 * zod issues -> inventory Problems in the house style: "what is wrong (expected ...)".
 */
import type { z } from 'zod';
import type { FieldPath, Problem } from './load.ts';
import { allowedKeysAt } from './schema.ts';

type Issue = z.core.$ZodIssue;

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
};

const article = (t: string): string => {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
    null: 'null',
  };
  return names[t] ?? t;
};

/** zod's own default messages; anything else was written in schema.ts and is kept as is. */
const isDefaultMessage = (m: string): boolean => /^(Invalid|Too (small|big)|Unrecognized key)/.test(m);

function toProblems(issue: Issue, base: FieldPath): Problem[] {
  const path: FieldPath = [...base, ...(issue.path as (string | number)[])];
  const input = (issue as { input?: unknown }).input;
  const custom = isDefaultMessage(issue.message) ? undefined : issue.message;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(path);
      return issue.keys.map((k) => {
        const near = closest(k, allowed);
        const hint = near ? `did you mean ${near}? ` : '';
        return { path: [...path, k], message: `unknown key (${hint}expected one of: ${allowed.join(', ')})`, atKey: true };
      });
    }
    case 'invalid_type': {
      const expected = custom ?? `expected ${article(issue.expected)}`;
      if (input === undefined) return [{ path, message: `missing (${expected})` }];
      // a schema message that only says what is expected still gets the "got ..." part;
      // point at the key: a block collection of the wrong type starts on the next line
      return [{ path, message: expected.startsWith('expected') ? `got ${describe(input)} (${expected})` : expected, atKey: true }];
    }
    case 'invalid_value':
      return [{ path, message: custom ?? `got ${describe(input)} (expected one of: ${issue.values.map(String).join(', ')})` }];
    case 'too_small':
      if (issue.origin === 'array') return [{ path, message: `the list is empty (${custom ?? `expected at least ${String(issue.minimum)} item`})` }];
      if (issue.origin === 'string') return [{ path, message: custom ?? 'empty (expected a value)' }];
      return [{ path, message: custom ?? `got ${describe(input)} (expected at least ${String(issue.minimum)})` }];
    case 'too_big':
      return [{ path, message: custom ?? `got ${describe(input)} (expected at most ${String(issue.maximum)})` }];
    case 'invalid_format':
      return [{ path, message: custom?.startsWith('expected') ? `got ${describe(input)} (${custom})` : (custom ?? `got ${describe(input)} (expected the ${issue.format} format)`) }];
    case 'invalid_union': {
      // report the branch that got furthest (most specific path), else a generic line
      const branches = issue.errors.filter((b) => b.length > 0);
      const deepest = branches.sort((a, b) => Math.max(...b.map((i) => i.path.length)) - Math.max(...a.map((i) => i.path.length)))[0];
      if (custom || !deepest || deepest.every((i) => i.path.length === 0)) return [{ path, message: custom ?? `got ${describe(input)} (${issue.message})` }];
      return deepest.flatMap((i) => toProblems(i, path));
    }
    default:
      return [{ path, message: custom ?? issue.message }];
  }
}

export function schemaProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((i) => toProblems(i, []));
}

/** The allowed key nearest to a misspelt one (edit distance <= 3, or same lowercase), if any. */
function closest(key: string, allowed: string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const lk = key.toLowerCase();
  const contained = allowed.find((k) => k.toLowerCase().startsWith(lk) || lk.startsWith(k.toLowerCase()) || k.toLowerCase().endsWith(lk));
  if (contained) return contained;
  const scored = allowed.map((k) => ({ k, d: dist(lk, k.toLowerCase()) }));
  const best = scored.sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.min(3, Math.floor(key.length / 3)) ? best.k : undefined;
}
