/** `crictl config`: read or set keys of /etc/crictl.yaml (guides run `crictl config runtime-endpoint unix:///...`). */
import YAML from 'yaml';
import { ok, fail, type CommandResult, type SimContext } from '../api.ts';
import { readHostFile, writeHostFile } from './state.ts';

const KEYS = ['runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'pull-image-on-create', 'disable-pull-on-run'] as const;
type Key = (typeof KEYS)[number];
const isKey = (k: string): k is Key => (KEYS as readonly string[]).includes(k);

function current(ctx: SimContext): Record<Key, string | number | boolean> {
  const base: Record<Key, string | number | boolean> = {
    'runtime-endpoint': '', 'image-endpoint': '', timeout: 0, debug: false, 'pull-image-on-create': false, 'disable-pull-on-run': false,
  };
  const text = readHostFile(ctx, '/etc/crictl.yaml');
  if (!text) return base;
  try {
    const parsed = (YAML.parse(text) as Record<string, unknown> | null) ?? {};
    for (const k of KEYS) {
      const v = parsed[k];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') base[k] = v;
    }
  } catch {
    // crictl would fail to load it; keep the defaults
  }
  return base;
}

function coerce(k: Key, v: string): string | number | boolean {
  if (k === 'timeout') return Number(v) || 0;
  if (k === 'debug' || k === 'pull-image-on-create' || k === 'disable-pull-on-run') return v === 'true';
  return v;
}

export function crictlConfig(ctx: SimContext, args: string[]): CommandResult {
  const cfg = current(ctx);
  const sets: [string, string][] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--set(?:=(.*))?$/.exec(args[i]!);
    if (m) {
      const v = m[1] ?? args[++i] ?? '';
      for (const pair of v.split(',')) {
        const eq = pair.indexOf('=');
        sets.push([pair.slice(0, eq), pair.slice(eq + 1)]);
      }
    } else positional.push(args[i]!);
  }
  if (positional.length === 1 && sets.length === 0) {
    const k = positional[0]!;
    if (!isKey(k)) return fail(1, `FATA[0000] get config: no configuration option named ${k}\n`);
    return ok(`${String(cfg[k])}\n`);
  }
  if (positional.length === 2) sets.push([positional[0]!, positional[1]!]);
  if (sets.length === 0) return fail(1, 'FATA[0000] Incorrect number of arguments\n');
  for (const [k, v] of sets) {
    if (!isKey(k)) return fail(1, `FATA[0000] set config: no configuration option named ${k}\n`);
    cfg[k] = coerce(k, v);
  }
  const body = KEYS.map((k) => `${k}: ${typeof cfg[k] === 'string' ? JSON.stringify(cfg[k]) : String(cfg[k])}`).join('\n') + '\n';
  writeHostFile(ctx, '/etc/crictl.yaml', body);
  return ok('');
}
