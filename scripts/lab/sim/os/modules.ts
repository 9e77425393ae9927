/** modprobe, lsmod, rmmod, modinfo over the running kernel's module table. */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { listHost, profile, readHost, runningKernel } from './host.ts';
import { kernelFamily, moduleTable, type ModuleDef } from './kernel.ts';
import { moduleHolders, writeProcFiles } from './procfiles.ts';

const table = (ctx: SimContext): Record<string, ModuleDef> => moduleTable(kernelFamily(runningKernel(ctx)), ctx.host);

/** modprobe accepts dashes and underscores alike. */
const norm = (name: string): string => name.replace(/-/g, '_').replace(/\.ko(\.xz)?$/, '');

/** Load a module and its dependencies (no-op when loaded). Returns false when unknown. */
export function loadModule(ctx: SimContext, name: string): boolean {
  const t = table(ctx);
  const n = norm(name);
  const def = t[n];
  if (!def) return false;
  const rt = ctx.runtime();
  if (rt.modules.includes(n)) return true;
  for (const d of def.deps) loadModule(ctx, d);
  rt.modules.push(n);
  for (const [k, v] of Object.entries(def.sysctl ?? {})) if (rt.sysctl[k] === undefined) rt.sysctl[k] = v;
  return true;
}

function unloadOne(ctx: SimContext, n: string): void {
  const rt = ctx.runtime();
  rt.modules = rt.modules.filter((m) => m !== n);
  for (const k of Object.keys(table(ctx)[n]?.sysctl ?? {})) {
    // a key another loaded module also provides stays
    if (!rt.modules.some((m) => table(ctx)[m]?.sysctl?.[k] !== undefined)) delete rt.sysctl[k];
  }
}

const notFound = (ctx: SimContext, name: string): string =>
  profile(ctx).dnf
    ? `modprobe: FATAL: Module ${name} not found in directory /lib/modules/${runningKernel(ctx)}\n`
    : `modprobe: FATAL: Module ${name} not found.\n`;

export async function modprobe(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let remove = false;
  let all = false;
  let quiet = false;
  let dryRun = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      names.push(...args.slice(i + 1));
      break;
    }
    if (a === '-r' || a === '--remove') remove = true;
    else if (a === '-a' || a === '--all') all = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-n' || a === '--dry-run' || a === '--show') dryRun = true;
    else if (a === '-v' || a === '--verbose' || a === '-b' || a === '--use-blacklist') continue;
    else if (/^-[raqv]+$/.test(a)) {
      if (a.includes('r')) remove = true;
      if (a.includes('a')) all = true;
      if (a.includes('q')) quiet = true;
    } else if (a.startsWith('-')) return unsupported(ctx);
    else names.push(a);
  }
  if (names.length === 0) return fail(1, 'modprobe: ERROR: missing parameters. See -h.\n');
  // without -a/-r, words after the module name are its parameters
  const mods = all || remove ? names : [names[0]];
  const params = all || remove ? [] : names.slice(1);
  const t = table(ctx);
  if (remove) {
    for (const name of mods) {
      const n = norm(name);
      if (!t[n]) return fail(1, quiet ? '' : notFound(ctx, name));
      if (!ctx.runtime().modules.includes(n)) continue;
      const holders = moduleHolders(ctx)[n] ?? [];
      if (holders.length) return fail(1, `modprobe: FATAL: Module ${n} is in use.\n`);
      if (ctx.uid !== 0) return fail(1, `modprobe: ERROR: could not remove '${n}': Operation not permitted\n`);
      if (!dryRun) {
        unloadOne(ctx, n);
        // dependencies nobody uses any more go too, as modprobe -r does
        for (const d of t[n].deps) if (ctx.runtime().modules.includes(d) && (moduleHolders(ctx)[d] ?? []).length === 0) unloadOne(ctx, d);
      }
    }
    writeProcFiles(ctx);
    return ok();
  }
  for (const name of mods) {
    const n = norm(name);
    if (!t[n]) return fail(1, quiet ? '' : notFound(ctx, name));
    if (ctx.runtime().modules.includes(n)) continue;
    if (ctx.uid !== 0) return fail(1, `modprobe: ERROR: could not insert '${n}': Operation not permitted\n`);
    if (params.some((p) => !p.includes('='))) {
      return fail(1, `modprobe: ERROR: could not insert '${n}': Unknown symbol in module, or unknown parameter (see dmesg)\n`);
    }
    if (!dryRun) loadModule(ctx, n);
  }
  writeProcFiles(ctx);
  return ok();
}

export async function lsmod(ctx: SimContext): Promise<CommandResult> {
  if (ctx.argv.length > 1) return unsupported(ctx);
  const t = table(ctx);
  const holders = moduleHolders(ctx);
  const lines = ['Module                  Size  Used by'];
  for (const m of [...ctx.runtime().modules].reverse()) {
    const h = holders[m] ?? [];
    lines.push(`${m.padEnd(19)} ${String(t[m]?.size ?? 16384).padStart(8)}  ${h.length}${h.length ? ' ' + h.join(',') : ' '}`);
  }
  return ok(lines.join('\n') + '\n');
}

export async function rmmod(ctx: SimContext): Promise<CommandResult> {
  const names = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (ctx.argv.slice(1).some((a) => a.startsWith('-') && a !== '-f' && a !== '-v')) return unsupported(ctx);
  if (names.length === 0) return fail(1, 'rmmod: ERROR: missing module name.\n');
  for (const name of names) {
    const n = norm(name);
    if (!ctx.runtime().modules.includes(n)) return fail(1, `rmmod: ERROR: Module ${n} is not currently loaded\n`);
    const h = moduleHolders(ctx)[n] ?? [];
    if (h.length) return fail(1, `rmmod: ERROR: Module ${n} is in use by: ${h.join(' ')}\n`);
    if (ctx.uid !== 0) return fail(1, `rmmod: ERROR: could not remove module ${n}: Operation not permitted\n`);
    unloadOne(ctx, n);
  }
  writeProcFiles(ctx);
  return ok();
}

const MOD_DIRS: Record<string, string> = {
  br_netfilter: 'net/bridge', bridge: 'net/bridge', stp: 'net/802', llc: 'net/llc', overlay: 'fs/overlayfs',
  nf_conntrack: 'net/netfilter', nf_conntrack_ipv4: 'net/ipv4/netfilter', ip_vs: 'net/netfilter/ipvs',
  ip_vs_rr: 'net/netfilter/ipvs', ip_vs_wrr: 'net/netfilter/ipvs', ip_vs_sh: 'net/netfilter/ipvs',
};

export async function modinfo(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let field: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-F' || args[i] === '--field') field = args[++i];
    else if (args[i].startsWith('-')) return unsupported(ctx);
    else names.push(args[i]);
  }
  const t = table(ctx);
  const kernel = runningKernel(ctx);
  let out = '';
  for (const name of names) {
    const n = norm(name);
    const def = t[n];
    if (!def) return fail(1, `modinfo: ERROR: Module ${name} not found.\n`, out);
    const fields: [string, string][] = [
      ['filename', `/lib/modules/${kernel}/kernel/${MOD_DIRS[n] ?? 'net/netfilter'}/${n}.ko.xz`],
      ['license', 'GPL'],
      ['depends', def.deps.join(',')],
      ['intree', 'Y'],
      ['vermagic', `${kernel} SMP mod_unload modversions `],
    ];
    if (field) out += fields.filter(([k]) => k === field).map(([, v]) => v + '\n').join('');
    else out += fields.map(([k, v]) => `${(k + ':').padEnd(16)}${v}\n`).join('');
  }
  return ok(out);
}

/** Module names from modules-load.d (first directory wins a file name, as systemd does). */
export function modulesLoadD(ctx: SimContext): string[] {
  const byName = new Map<string, string>();
  for (const d of ['/etc/modules-load.d', '/run/modules-load.d', '/usr/lib/modules-load.d']) {
    for (const f of listHost(ctx, d)) if (f.endsWith('.conf') && !byName.has(f)) byName.set(f, `${d}/${f}`);
  }
  const out: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    for (const l of (readHost(ctx, byName.get(name) as string) ?? '').split('\n')) {
      const t = l.trim();
      if (t && !t.startsWith('#') && !t.startsWith(';')) out.push(t.split(/\s+/)[0]);
    }
  }
  return out;
}
