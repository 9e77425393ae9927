/** Flag parsing as cobra/pflag does it for kubeadm: --k=v, --k v, booleans, -f, unknown flags. */
export interface Parsed {
  positional: string[];
  flags: Record<string, string[]>;
}

export class FlagError extends Error {}

/** `known`: flag name -> 'bool' | 'value'. Short aliases map to long names. */
export function parseFlags(args: string[], known: Record<string, 'bool' | 'value'>, short: Record<string, string> = {}): Parsed {
  const out: Parsed = { positional: [], flags: {} };
  const all: Record<string, 'bool' | 'value'> = { ...known, v: 'value', help: 'bool', 'rootfs': 'value', 'log-file': 'value', 'skip-headers': 'bool', 'skip-log-headers': 'bool', 'add-dir-header': 'bool' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      value = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else if (a.startsWith('-') && a.length > 1) {
      const s = a.slice(1, 2);
      name = short[s] ?? (s === 'h' ? 'help' : s === 'v' ? 'v' : undefined);
      if (!name) throw new FlagError(`unknown shorthand flag: '${s}' in ${a}`);
      value = a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined;
    } else {
      out.positional.push(a);
      continue;
    }
    const kind = all[name];
    if (!kind) throw new FlagError(`unknown flag: --${name}`);
    if (kind === 'bool') {
      value = value ?? 'true';
    } else if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    }
    (out.flags[name] ??= []).push(value);
  }
  return out;
}

export const flag = (p: Parsed, name: string): string | undefined => p.flags[name]?.at(-1);
export const boolFlag = (p: Parsed, name: string): boolean => {
  const v = flag(p, name);
  return v !== undefined && v !== 'false';
};
/** Comma-separated, repeatable list flags (--ignore-preflight-errors=a,b --ignore-preflight-errors c). */
export const listFlag = (p: Parsed, name: string): string[] =>
  (p.flags[name] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
