/**
 * sysctl (procps-ng 3.3.10 on EL7, 3.3.17 on EL9) over runtime().sysctl, the values of the
 * keys that exist on this kernel now. Values persist only through files, applied at boot
 * the way systemd-sysctl does (missing keys skipped silently).
 */
import { fail, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { listHost, readHost } from './host.ts';
import { writeProcFiles } from './procfiles.ts';

const normKey = (k: string): string => (k.includes('/') && !k.includes('.') ? k.replace(/\//g, '.') : k).trim();
const normValue = (v: string): string => v.trim().split(/\s+/).join('\t');

interface Out {
  out: string[];
  err: string[];
  rc: number;
}

/** Write one key, as `sysctl -w` / a line of a file does. */
function writeKey(ctx: SimContext, rawKey: string, rawValue: string, o: Out, opts: { quiet: boolean; ignore: boolean }): void {
  const key = normKey(rawKey);
  const value = normValue(rawValue);
  const rt = ctx.runtime();
  if (rt.sysctl[key] === undefined && key !== 'kernel.hostname') {
    if (!opts.ignore) {
      o.err.push(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory`);
      o.rc = 255;
    }
    return;
  }
  if (ctx.uid !== 0) {
    o.err.push(`sysctl: permission denied on key '${key}'`);
    o.rc = 255;
    return;
  }
  const current = key === 'kernel.hostname' ? rt.hostname : rt.sysctl[key];
  const numeric = current !== '' && current.split('\t').every((t) => /^-?\d+$/.test(t));
  if (numeric && !value.split('\t').every((t) => /^-?\d+$/.test(t))) {
    o.err.push(`sysctl: setting key "${key}": Invalid argument`);
    o.rc = 255;
    return;
  }
  if (key === 'kernel.hostname') {
    rt.hostname = value;
  } else if (key === 'net.ipv4.ip_forward') {
    // the kernel mirrors ip_forward into every interface's forwarding flag
    rt.sysctl[key] = value;
    for (const k of Object.keys(rt.sysctl)) if (/^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)) rt.sysctl[k] = value;
  } else {
    rt.sysctl[key] = value;
  }
  if (!opts.quiet) o.out.push(`${key} = ${value}`);
}

/** Apply the lines of a sysctl file. */
function applyText(ctx: SimContext, file: string, text: string, o: Out, opts: { quiet: boolean; ignore: boolean }): void {
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const eq = line.indexOf('=');
    if (eq < 0) {
      o.err.push(`sysctl: ${file}(${i + 1}): invalid syntax, continuing...`);
      return;
    }
    let key = line.slice(0, eq).trim();
    let ignore = opts.ignore;
    if (key.startsWith('-')) {
      key = key.slice(1);
      ignore = true;
    }
    writeKey(ctx, key, line.slice(eq + 1), o, { ...opts, ignore });
  });
}

/** The files `sysctl --system` / systemd-sysctl apply, in order (first directory wins a name). */
export function systemFiles(ctx: SimContext, forSystemd: boolean): string[] {
  const dirs = ctx.host.os === 'centos7'
    ? ['/run/sysctl.d', '/etc/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d']
    : ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
  const byName = new Map<string, string>();
  for (const d of dirs) {
    for (const f of listHost(ctx, d)) if (f.endsWith('.conf') && !byName.has(f)) byName.set(f, `${d}/${f}`);
  }
  const files = [...byName.keys()].sort().map((n) => byName.get(n) as string);
  if (!forSystemd && readHost(ctx, '/etc/sysctl.conf') !== undefined) files.push('/etc/sysctl.conf');
  return files;
}

/** Boot: apply the sysctl files like systemd-sysctl (silently skipping keys the kernel lacks). */
export function applyBootSysctl(ctx: SimContext): void {
  const o: Out = { out: [], err: [], rc: 0 };
  const asRoot: SimContext = { ...ctx, uid: 0 };
  for (const f of systemFiles(ctx, true)) applyText(asRoot, f, readHost(ctx, f) ?? '', o, { quiet: true, ignore: true });
}

export async function sysctl(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let write = false;
  let quiet = false;
  let valuesOnly = false;
  let namesOnly = false;
  let ignore = false;
  let all = false;
  let system = false;
  let load: string | undefined;
  let loadGiven = false;
  let pattern: RegExp | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-w' || a === '--write') write = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-n' || a === '--values') valuesOnly = true;
    else if (a === '-N' || a === '--names') namesOnly = true;
    else if (a === '-e' || a === '--ignore') ignore = true;
    else if (a === '-a' || a === '-A' || a === '-X' || a === '--all') all = true;
    else if (a === '--system') system = true;
    else if (a === '-r' || a === '--pattern') pattern = new RegExp(args[++i] ?? '');
    else if (a === '-p' || a === '--load') {
      loadGiven = true;
      if (args[i + 1] !== undefined && !args[i + 1].startsWith('-')) load = args[++i];
    } else if (a.startsWith('-p') && a.length > 2) {
      loadGiven = true;
      load = a.slice(2);
    } else if (a.startsWith('--load=')) {
      loadGiven = true;
      load = a.slice('--load='.length);
    } else if (/^-[wqneNa]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'w') write = true;
        if (c === 'q') quiet = true;
        if (c === 'n') valuesOnly = true;
        if (c === 'N') namesOnly = true;
        if (c === 'e') ignore = true;
        if (c === 'a') all = true;
      }
    } else if (a.startsWith('-')) return unsupported(ctx);
    else rest.push(a);
  }
  const o: Out = { out: [], err: [], rc: 0 };
  const fmt = (k: string, v: string): string => (valuesOnly ? v : namesOnly ? k : `${k} = ${v}`);
  const rt = ctx.runtime();
  const valueOf = (k: string): string | undefined => (k === 'kernel.hostname' ? rt.hostname : rt.sysctl[k]);

  if (system) {
    for (const f of systemFiles(ctx, false)) {
      o.out.push(`* Applying ${f} ...`);
      applyText(ctx, f, readHost(ctx, f) ?? '', o, { quiet, ignore });
    }
  } else if (loadGiven) {
    const files = load ? [load, ...rest] : ['/etc/sysctl.conf'];
    for (const f of files) {
      const text = f === '-' ? (await ctx.readStdin()).toString('utf8') : readHost(ctx, f);
      if (text === undefined) {
        o.err.push(`sysctl: cannot open "${f}": No such file or directory`);
        o.rc = 255;
        continue;
      }
      applyText(ctx, f, text, o, { quiet, ignore });
    }
  } else if (all) {
    const keys = [...Object.keys(rt.sysctl), 'kernel.hostname'].sort();
    for (const k of keys) if (!pattern || pattern.test(k)) o.out.push(fmt(k, valueOf(k) ?? ''));
  } else {
    if (rest.length === 0) {
      return fail(2, `\nUsage:\n sysctl [options] [variable[=value] ...]\n\nOptions:\n  -a, --all            display all variables\n  -A                   alias of -a\n  -X                   alias of -a\n      --deprecated     include deprecated parameters to listing\n  -b, --binary         print value without new line\n  -e, --ignore         ignore unknown variables errors\n  -N, --names          print variable names without values\n  -n, --values         print only values of a variables\n  -p, --load[=<file>]  read values from file\n  -f                   alias of -p\n      --system         read values from all system directories\n  -r, --pattern <expression>\n                       select setting that match expression\n  -q, --quiet          do not echo variable set\n  -w, --write          enable writing a value to variable\n  -o                   does nothing\n  -x                   does nothing\n  -d                   alias of -h\n\n -h, --help     display this help and exit\n -V, --version  output version information and exit\n\nFor more details see sysctl(8).\n`);
    }
    for (const r of rest) {
      const eq = r.indexOf('=');
      if (eq >= 0) {
        writeKey(ctx, r.slice(0, eq), r.slice(eq + 1), o, { quiet, ignore });
      } else if (write) {
        o.err.push(`sysctl: "${r}" must be of the form name=value`);
        o.rc = 255;
      } else {
        const k = normKey(r);
        const v = valueOf(k);
        if (v === undefined) {
          if (!ignore) {
            o.err.push(`sysctl: cannot stat /proc/sys/${k.replace(/\./g, '/')}: No such file or directory`);
            o.rc = 255;
          }
        } else o.out.push(fmt(k, v));
      }
    }
  }
  writeProcFiles(ctx);
  const join = (l: string[]): string => (l.length ? l.join('\n') + '\n' : '');
  return { code: o.rc, stdout: join(o.out), stderr: join(o.err) };
}
