/**
 * systemd unit files on a host: where a unit's file is, its [Install] section, whether it
 * is enabled (wants-links under /etc/systemd/system) or masked, and starting/stopping
 * services (through the ServiceHook of the area that simulates the daemon, if any).
 */
import type { ServiceRuntime, SimContext } from '../api.ts';
import { serviceHook } from '../registry.ts';
import { existsHost, listHost, readHost, readLinkHost, runningKernel } from './host.ts';
import { kernelFamily, firewalldModules } from './kernel.ts';
import { loadModule, modulesLoadD } from './modules.ts';
import { applyBootSysctl } from './sysctl.ts';
import { permanentZone } from './firewall.ts';
import { writeProcFiles } from './procfiles.ts';

export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system'];

/** `docker` -> `docker.service`; names with a known suffix stay. */
export const unitName = (arg: string): string =>
  /\.(service|socket|target|timer|mount|path|slice|scope)$/.test(arg) ? arg : `${arg}.service`;

/** Key in runtime().services: services without the suffix, other units with it. */
export const serviceKey = (unit: string): string => unit.replace(/\.service$/, '');

export interface UnitInfo {
  name: string;
  /** host path of the unit file */
  path: string;
  text: string;
  masked: boolean;
}

export function findUnit(ctx: SimContext, arg: string): UnitInfo | undefined {
  const name = unitName(arg);
  for (const d of UNIT_DIRS) {
    const p = `${d}/${name}`;
    if (!existsHost(ctx, p)) continue;
    const link = readLinkHost(ctx, p);
    if (link === '/dev/null') return { name, path: p, text: '', masked: true };
    const text = readHost(ctx, p);
    if (text === undefined) continue;
    // an alias link (dbus-org....service -> firewalld.service) names the real unit
    if (link && !link.startsWith('/dev/')) {
      const real = link.split('/').pop() as string;
      if (real !== name) return findUnit(ctx, real) ?? { name, path: p, text, masked: false };
    }
    return { name, path: p, text, masked: false };
  }
  return undefined;
}

export interface InstallSection {
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
}

export function installSection(text: string): InstallSection | undefined {
  const m = /^\[Install\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(text);
  if (!m) return undefined;
  const values = (key: string): string[] =>
    [...m[1].matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].flatMap((x) => x[1].trim().split(/\s+/)).filter(Boolean);
  return { wantedBy: values('WantedBy'), requiredBy: values('RequiredBy'), alias: values('Alias'), also: values('Also') };
}

/** Links `enable` creates for a unit (host paths). */
export function enableLinks(unit: UnitInfo): string[] {
  const inst = installSection(unit.text);
  if (!inst) return [];
  return [
    ...inst.alias.map((a) => `/etc/systemd/system/${a}`),
    ...inst.wantedBy.map((t) => `/etc/systemd/system/${t}.wants/${unit.name}`),
    ...inst.requiredBy.map((t) => `/etc/systemd/system/${t}.requires/${unit.name}`),
  ];
}

export function isEnabled(ctx: SimContext, name: string): boolean {
  for (const d of listHost(ctx, '/etc/systemd/system')) {
    if ((d.endsWith('.wants') || d.endsWith('.requires')) && existsHost(ctx, `/etc/systemd/system/${d}/${name}`)) return true;
  }
  return false;
}

export type UnitFileState = 'enabled' | 'disabled' | 'static' | 'masked';

export function unitFileState(ctx: SimContext, unit: UnitInfo): UnitFileState {
  if (unit.masked) return 'masked';
  if (isEnabled(ctx, unit.name)) return 'enabled';
  return installSection(unit.text) ? 'disabled' : 'static';
}

/** Every enabled unit (names), for boot. */
export function enabledUnits(ctx: SimContext): string[] {
  const out = new Set<string>();
  for (const d of listHost(ctx, '/etc/systemd/system')) {
    if (!d.endsWith('.wants') && !d.endsWith('.requires')) continue;
    for (const u of listHost(ctx, `/etc/systemd/system/${d}`)) out.add(u);
  }
  return [...out].sort();
}

export const serviceState = (ctx: SimContext, unit: string): ServiceRuntime | undefined => ctx.runtime().services[serviceKey(unit)];

/** What the OS itself does when these services start or stop. */
async function osStartEffects(ctx: SimContext, key: string): Promise<void> {
  const rt = ctx.runtime();
  if (key === 'firewalld') {
    for (const m of firewalldModules(kernelFamily(runningKernel(ctx)))) loadModule(ctx, m);
    // the runtime configuration is the permanent one as of this start
    rt.extra.firewalldRuntime = permanentZone(ctx);
  }
  // systemd's own oneshots redo their job when (re)started
  if (key === 'systemd-modules-load') for (const m of modulesLoadD(ctx)) loadModule(ctx, m);
  if (key === 'systemd-sysctl') applyBootSysctl(ctx);
  if (key === 'NetworkManager' && ctx.host.os === 'rocky9' && !rt.networkUp) {
    await ctx.nsExec(['ip', 'link', 'set', 'eth0', 'up']);
    rt.networkUp = true;
  }
}

async function osStopEffects(ctx: SimContext, key: string): Promise<void> {
  const rt = ctx.runtime();
  if (key === 'NetworkManager' && ctx.host.os === 'rocky9' && rt.networkUp) {
    // on EL9 NetworkManager is the network: stopping it takes eth0 down until it runs again
    rt.networkUp = false;
    await ctx.nsExec(['ip', 'link', 'set', 'eth0', 'down']);
  }
  if (key === 'firewalld') delete rt.extra.firewalldRuntime;
}

export interface StartResult {
  ok: boolean;
  message?: string;
}

/** Units a unit pulls in when it starts (Requires=, Wants=), as systemd does. */
export function pulledIn(unit: UnitInfo): { name: string; required: boolean }[] {
  const out: { name: string; required: boolean }[] = [];
  for (const [k, required] of [['Requires', true], ['Wants', false]] as const) {
    for (const m of unit.text.matchAll(new RegExp(`^${k}=(.*)$`, 'gm'))) {
      for (const n of m[1].trim().split(/\s+/)) if (/\.(service|socket)$/.test(n)) out.push({ name: n, required });
    }
  }
  return out;
}

/** Start a found, unmasked unit (and what it Requires/Wants first). */
export async function startUnit(ctx: SimContext, unit: UnitInfo, seen = new Set<string>()): Promise<StartResult> {
  const key = serviceKey(unit.name);
  const rt = ctx.runtime();
  const cur = rt.services[key];
  if (cur?.active === 'active') return { ok: true };
  seen.add(unit.name);
  for (const dep of pulledIn(unit)) {
    if (seen.has(dep.name)) continue;
    const d = findUnit(ctx, dep.name);
    if (!d || d.masked) {
      if (dep.required) return { ok: false, message: `Dependency failed for ${unit.name}.` };
      continue;
    }
    const r = await startUnit(ctx, d, seen);
    if (!r.ok && dep.required) {
      rt.services[key] = { active: 'failed', message: `Dependency failed for ${unit.name}.`, since: ctx.now() };
      return { ok: false, message: r.message };
    }
  }
  const hook = serviceHook(key);
  let state: ServiceRuntime = { active: 'active', since: ctx.now() };
  if (hook) {
    // the hook reads files and state: let it see ours
    ctx.save();
    const r = await hook.start(ctx);
    if (!r.ok) state = { active: r.loop ? 'activating' : 'failed', message: r.message, since: ctx.now() };
  }
  rt.services[key] = state;
  if (state.active === 'active') await osStartEffects(ctx, key);
  writeProcFiles(ctx);
  return { ok: state.active !== 'failed', message: state.message };
}

export async function stopUnit(ctx: SimContext, unit: UnitInfo): Promise<void> {
  const key = serviceKey(unit.name);
  const rt = ctx.runtime();
  const cur = rt.services[key];
  if (!cur || cur.active === 'inactive') return;
  const hook = serviceHook(key);
  if (hook?.stop) {
    ctx.save();
    await hook.stop(ctx);
  }
  rt.services[key] = { active: 'inactive', since: ctx.now() };
  await osStopEffects(ctx, key);
  writeProcFiles(ctx);
}
