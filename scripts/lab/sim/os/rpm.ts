/** rpm: -q / -qa / -ql / -qf / --queryformat, --import, -e (query and erase; no local package installs). */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { knownGpgKey } from '../data/mirrors.ts';
import { existsHost } from './host.ts';
import { fetchUrl } from './repos.ts';
import { asNevra, definitionOf, importedKeys, installedList, removePackage } from './rpmdb.ts';
import { globRe, nvra, type NevraLike } from './rpmver.ts';
import { yumCurlError } from './yumtext.ts';

function qf(fmt: string, p: NevraLike, installTime: number): string {
  return fmt
    .replace(/\\n/g, '\n').replace(/\\t/g, '\t')
    .replace(/%\{(\w+)(?::\w+)?\}|%\|EPOCH\?\{[^}]*\}:\{[^}]*\}\|/g, (all, tag: string | undefined) => {
      switch ((tag ?? 'EPOCH').toUpperCase()) {
        case 'NAME': return p.name;
        case 'VERSION': return p.version;
        case 'RELEASE': return p.release;
        case 'ARCH': return p.arch;
        case 'EPOCH': return p.epoch ? String(p.epoch) : '(none)';
        case 'INSTALLTIME': return String(Math.floor(installTime / 1000));
        default: return all;
      }
    });
}

function filesOf(ctx: SimContext, name: string): string[] {
  const r = ctx.persist().rpms[name];
  const def = r ? definitionOf(ctx, r) : undefined;
  if (!def) return [];
  return [...def.commands, ...def.units.map((u) => `/usr/lib/systemd/system/${u}`), ...def.files.map((f) => f.path)].sort();
}

export async function rpm(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let mode: 'q' | 'e' | 'import' | undefined;
  let all = false;
  let list = false;
  let file = false;
  let nodeps = false;
  let format: string | undefined;
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--import') mode = 'import';
    else if (a === '-e' || a === '--erase') mode = 'e';
    else if (a === '--nodeps') nodeps = true;
    else if (a === '--queryformat' || a === '--qf') format = args[++i];
    else if (a.startsWith('--queryformat=') || a.startsWith('--qf=')) format = a.slice(a.indexOf('=') + 1);
    else if (a === '--all') all = true;
    else if (a === '--query') mode = 'q';
    else if (/^-q[alfi]*$/.test(a) || /^-[alf]*q[alf]*$/.test(a)) {
      mode = 'q';
      all ||= a.includes('a');
      list ||= a.includes('l');
      file ||= a.includes('f');
      if (a.includes('i')) return unsupported(ctx);
    } else if (a === '-a') all = true;
    else if (a === '-l') list = true;
    else if (a.startsWith('-')) return unsupported(ctx);
    else pos.push(a);
  }
  if (mode === 'import') {
    if (ctx.uid !== 0) return fail(1, `error: ${pos[0] ?? ''}: key 1 import failed.\n`);
    for (const k of pos) {
      if (/^https?:\/\//.test(k)) {
        const f = await fetchUrl(ctx, k);
        const name = f.ok ? knownGpgKey(k) : undefined;
        if (!name) {
          const curl = f.failure ? `curl: (${f.failure.kind === 'dns' ? 6 : f.failure.kind === 'timeout' ? 28 : f.failure.kind === 'http' ? 22 : 7}) ${yumCurlError(f.failure).replace(/^\d+: /, '')}\n` : '';
          return fail(1, `${curl}error: ${k}: import read failed(2).\n`);
        }
        importedKeys(ctx)[k] = name;
      } else {
        const p = k.replace(/^file:\/\//, '');
        if (!existsHost(ctx, p)) return fail(1, `error: ${k}: import read failed(2).\n`);
        importedKeys(ctx)[`file://${p}`] = p;
      }
    }
    return ok();
  }
  if (mode === 'e') {
    if (!pos.length) return fail(1, 'rpm: no packages given for erase\n');
    if (ctx.uid !== 0) return fail(1, `error: can't create transaction lock on /var/lib/rpm/.rpm.lock (Permission denied)\n`);
    let err = '';
    const targets: string[] = [];
    for (const a of pos) {
      const m = installedList(ctx).filter((r) => r.name === a || nvra(asNevra(ctx, r)) === a || `${r.name}-${r.version}` === a || `${r.name}-${r.version}-${r.release}` === a);
      if (!m.length) err += `error: package ${a} is not installed\n`;
      targets.push(...m.map((r) => r.name));
    }
    if (err) return fail(1, err);
    if (!nodeps) {
      const needs: string[] = [];
      for (const r of installedList(ctx)) {
        if (targets.includes(r.name)) continue;
        for (const q of definitionOf(ctx, r)?.requires ?? []) {
          if (targets.includes(q.name)) needs.push(`\t${q.name}${q.min ? ` >= ${q.min}` : ''} is needed by (installed) ${nvra(asNevra(ctx, r))}`);
        }
      }
      if (needs.length) return fail(1, `error: Failed dependencies:\n${needs.join('\n')}\n`);
    }
    for (const t of targets) await removePackage(ctx, t);
    return ok();
  }
  if (mode !== 'q') return unsupported(ctx);
  const rpms = installedList(ctx);
  let out = '';
  let missing = 0;
  const line = (name: string): string => {
    const r = ctx.persist().rpms[name];
    const p = asNevra(ctx, r);
    if (list) return filesOf(ctx, name).map((f) => f + '\n').join('');
    return format !== undefined ? qf(format, p, r.installedAt) : nvra(p) + '\n';
  };
  if (file) {
    for (const f of pos) {
      const owner = rpms.find((r) => filesOf(ctx, r.name).includes(f));
      if (owner) out += line(owner.name);
      else {
        out += existsHost(ctx, f) ? `file ${f} is not owned by any package\n` : `error: file ${f}: No such file or directory\n`;
        missing++;
      }
    }
    return { code: Math.min(missing, 255), stdout: out, stderr: '' };
  }
  if (all) {
    const pats = pos.map(globRe);
    for (const r of rpms) if (!pats.length || pats.some((re) => re.test(r.name) || re.test(nvra(asNevra(ctx, r))))) out += line(r.name);
    return ok(out);
  }
  if (!pos.length) return fail(1, 'rpm: no arguments given for query\n');
  for (const a of pos) {
    const r = rpms.find((x) => x.name === a || nvra(asNevra(ctx, x)) === a || `${x.name}-${x.version}` === a || `${x.name}-${x.version}-${x.release}` === a);
    if (r) out += line(r.name);
    else {
      out += `package ${a} is not installed\n`;
      missing++;
    }
  }
  return { code: Math.min(missing, 255), stdout: out, stderr: '' };
}
