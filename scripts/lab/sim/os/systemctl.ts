/** systemctl (systemd 219 on EL7, 252 on EL9) and `service`, over units.ts. */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { ago, existsHost, hostZone, linkHost, listHost, profile, readHost, removeHost, strftime, systemdTime } from './host.ts';
import {
  enableLinks, findUnit, installSection, pulledIn, serviceKey, serviceState, startUnit, stopUnit, unitFileState, unitName,
  UNIT_DIRS, type UnitInfo,
} from './units.ts';

interface Flags {
  now: boolean;
  quiet: boolean;
  value: boolean;
  props: string[];
  all: boolean;
  type?: string;
}

const el7 = (ctx: SimContext): boolean => profile(ctx).systemdVersion < 230;

function linkMsg(ctx: SimContext, from: string, to: string): string {
  return el7(ctx) ? `Created symlink from ${from} to ${to}.` : `Created symlink ${from} \u2192 ${to}.`;
}
function rmMsg(ctx: SimContext, p: string): string {
  return el7(ctx) ? `Removed symlink ${p}.` : `Removed "${p}".`;
}

const pidOf = (name: string): number => 700 + ([...name].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9000, 7));

function denied(ctx: SimContext, verb: string, unit: string): CommandResult {
  return el7(ctx) || verb === 'start' || verb === 'stop' || verb === 'restart'
    ? fail(1, `Failed to ${verb} ${unit}: Interactive authentication required.\nSee system logs and 'systemctl status ${unit}' for details.\n`)
    : fail(1, `Failed to ${verb} unit: Access denied\n`);
}

async function doStart(ctx: SimContext, verb: 'start' | 'restart' | 'reload' | 'try-restart', arg: string): Promise<CommandResult> {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  if (!unit) return fail(5, `Failed to ${verb} ${name}: Unit not found.\n`);
  if (unit.masked) return fail(1, `Failed to ${verb} ${name}: Unit is masked.\n`);
  if (ctx.uid !== 0) return denied(ctx, verb, name);
  const cur = serviceState(ctx, name);
  if (verb === 'reload') {
    if (!cur || cur.active !== 'active') return fail(1, `Job for ${name} invalid.\n`);
    if (!/^ExecReload=/m.test(unit.text)) return fail(1, `Failed to reload ${name}: Job type reload is not applicable for unit ${name}.\n`);
    return ok();
  }
  if (verb === 'try-restart' && (!cur || cur.active !== 'active')) return ok();
  for (const dep of pulledIn(unit)) {
    if (dep.required && !findUnit(ctx, dep.name)) return fail(5, `Failed to ${verb} ${name}: Unit ${dep.name} not found.\n`);
  }
  if (verb === 'restart' || verb === 'try-restart') await stopUnit(ctx, unit);
  const r = await startUnit(ctx, unit);
  if (!r.ok) {
    return fail(1, el7(ctx)
      ? `Job for ${name} failed because the control process exited with error code. See "systemctl status ${name}" and "journalctl -xe" for details.\n`
      : `Job for ${name} failed because the control process exited with error code.\nSee "systemctl status ${name}" and "journalctl -xeu ${name}" for details.\n`);
  }
  return ok();
}

async function doStop(ctx: SimContext, arg: string): Promise<CommandResult> {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  if (!unit) return fail(5, `Failed to stop ${name}: Unit ${name} not loaded.\n`);
  if (ctx.uid !== 0) return denied(ctx, 'stop', name);
  await stopUnit(ctx, unit);
  return ok();
}

function doEnable(ctx: SimContext, arg: string, err: string[]): { code: number; unit?: UnitInfo } {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  if (!unit) {
    err.push(el7(ctx) ? 'Failed to execute operation: No such file or directory' : `Failed to enable unit: Unit file ${name} does not exist.`);
    return { code: 1 };
  }
  if (unit.masked) {
    err.push(el7(ctx) ? 'Failed to execute operation: Cannot send after transport endpoint shutdown' : `Failed to enable unit: Unit file /etc/systemd/system/${name} is masked.`);
    return { code: 1 };
  }
  if (ctx.uid !== 0) {
    err.push(el7(ctx) ? 'Failed to execute operation: Interactive authentication required.' : 'Failed to enable unit: Access denied');
    return { code: 1 };
  }
  if (!installSection(unit.text)) {
    err.push(el7(ctx)
      ? "The unit files have no [Install] section. They are not meant to be enabled\nusing systemctl.\nPossible reasons for having this kind of units are:\n1) A unit may be statically enabled by being symlinked from another unit's\n   .wants/ or .requires/ directory.\n2) A unit's purpose may be to act as a helper for some other unit which has\n   a requirement dependency on it.\n3) A unit may be started when needed via activation (socket, path, timer,\n   D-Bus, udev, scripted systemctl call, ...)."
      : "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\nAlias= settings in the [Install] section, and DefaultInstance= for template\nunits). This means they are not meant to be enabled or disabled using systemctl.\n \nPossible reasons for having this kind of units are:\n\u2022 A unit may be statically enabled by being symlinked from another unit's\n  .wants/ or .requires/ directory.\n\u2022 A unit's purpose may be to act as a helper for some other unit which has\n  a requirement dependency on it.\n\u2022 A unit may be started when needed via activation (socket, path, timer,\n  D-Bus, udev, scripted systemctl call, ...).\n\u2022 In case of template units, the unit is meant to be enabled with some\n  instance name specified.");
    return { code: 0, unit };
  }
  for (const l of enableLinks(unit)) {
    if (existsHost(ctx, l)) continue;
    linkHost(ctx, unit.path, l);
    err.push(linkMsg(ctx, l, unit.path));
  }
  return { code: 0, unit };
}

function doDisable(ctx: SimContext, arg: string, err: string[]): { code: number; unit?: UnitInfo } {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  if (!unit) {
    err.push(el7(ctx) ? 'Failed to execute operation: No such file or directory' : `Failed to disable unit: Unit file ${name} does not exist.`);
    return { code: 1 };
  }
  if (ctx.uid !== 0) {
    err.push(el7(ctx) ? 'Failed to execute operation: Interactive authentication required.' : 'Failed to disable unit: Access denied');
    return { code: 1 };
  }
  // every link to the unit under /etc/systemd/system goes, aliases included
  const inst = installSection(unit.text);
  const links = [...(inst?.alias ?? []).map((a) => `/etc/systemd/system/${a}`)];
  for (const d of listHost(ctx, '/etc/systemd/system')) {
    if (d.endsWith('.wants') || d.endsWith('.requires')) {
      if (existsHost(ctx, `/etc/systemd/system/${d}/${unit.name}`)) links.push(`/etc/systemd/system/${d}/${unit.name}`);
    }
  }
  for (const l of links) if (existsHost(ctx, l) && removeHost(ctx, l)) err.push(rmMsg(ctx, l));
  return { code: 0, unit };
}

function statusText(ctx: SimContext, arg: string): { code: number; out: string; err: string } {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  if (!unit) {
    return { code: 4, out: '', err: el7(ctx) ? `Unit ${name} could not be found.\n` : `Unit ${name} could not be found.\n` };
  }
  const st = serviceState(ctx, name);
  const now = ctx.now();
  const w = el7(ctx) ? 9 : 11;
  const label = (l: string): string => `${l.padStart(w)}: `;
  const cont = ' '.repeat(w + 2);
  const desc = /^Description=(.*)$/m.exec(unit.text)?.[1] ?? name;
  const fileState = unitFileState(ctx, unit);
  const preset = ['firewalld', 'chronyd', 'sshd', 'NetworkManager', 'tuned', 'crond', 'rsyslog', 'irqbalance', 'auditd', 'kdump'].includes(serviceKey(name)) ? 'enabled' : 'disabled';
  const lines: string[] = [];
  const dot = st?.active === 'active' ? '\u25cf' : st?.active === 'failed' ? '\u00d7' : '\u25cb';
  lines.push(`${el7(ctx) ? '\u25cf' : dot} ${name} - ${desc}`);
  if (unit.masked) {
    lines.push(`${label('Loaded')}masked (${el7(ctx) ? '/dev/null' : 'Reason: Unit ' + name + ' is masked.'}; bad)`);
  } else {
    lines.push(`${label('Loaded')}loaded (${unit.path}; ${fileState}; ${el7(ctx) ? 'vendor preset' : 'preset'}: ${preset})`);
    for (const dir of [`/usr/lib/systemd/system/${name}.d`, `/etc/systemd/system/${name}.d`]) {
      const dropins = listHost(ctx, dir).filter((f) => f.endsWith('.conf'));
      if (dropins.length) lines.push(`${label('Drop-In')}${dir}`, `${cont}\u2514\u2500${dropins.join(', ')}`);
    }
  }
  const since = st ? `since ${systemdTime(ctx, st.since)}; ${ago(st.since, now)}` : '';
  let code = 3;
  switch (st?.active) {
    case 'active':
      lines.push(`${label('Active')}active (running) ${since}`);
      code = 0;
      break;
    case 'failed':
      lines.push(`${label('Active')}failed (Result: exit-code) ${since}`);
      break;
    case 'activating':
      lines.push(`${label('Active')}activating (auto-restart) (Result: exit-code) ${since}`);
      break;
    default:
      lines.push(`${label('Active')}inactive (dead)${st ? ' ' + since : ''}`);
  }
  const docs = /^Documentation=(.*)$/m.exec(unit.text)?.[1];
  if (docs) lines.push(`${label('Docs')}${docs}`);
  if (st?.active === 'active') {
    const pid = pidOf(name);
    const exec = /^ExecStart=(.+)$/m.exec(unit.text)?.[1]?.split(' ')[0] ?? name;
    lines.push(`${label('Main PID')}${pid} (${exec.split('/').pop()})`);
    lines.push(`${label('CGroup')}/system.slice/${name}`, `${cont}\u2514\u2500${pid} ${exec}`);
  }
  if (st?.message) {
    lines.push('');
    const host = ctx.runtime().hostname.split('.')[0];
    const stamp = strftime('%b %d %H:%M:%S', hostZone(ctx), st.since);
    for (const m of st.message.split('\n')) lines.push(`${stamp} ${host} ${serviceKey(name)}[${pidOf(name)}]: ${m}`);
  }
  return { code, out: lines.join('\n') + '\n', err: '' };
}

function showProps(ctx: SimContext, arg: string, flags: Flags): string {
  const name = unitName(arg);
  const unit = findUnit(ctx, name);
  const st = serviceState(ctx, name);
  const active = st?.active ?? 'inactive';
  const sub = active === 'active' ? 'running' : active === 'failed' ? 'failed' : active === 'activating' ? 'auto-restart' : 'dead';
  const all: Record<string, string> = {
    Id: name,
    Names: name,
    LoadState: unit ? (unit.masked ? 'masked' : 'loaded') : 'not-found',
    ActiveState: active,
    SubState: sub,
    UnitFileState: unit ? unitFileState(ctx, unit) : '',
    MainPID: active === 'active' ? String(pidOf(name)) : '0',
    FragmentPath: unit && !unit.masked ? unit.path : '',
    Description: unit ? (/^Description=(.*)$/m.exec(unit.text)?.[1] ?? name) : name,
    Result: active === 'failed' || active === 'activating' ? 'exit-code' : 'success',
    NRestarts: active === 'activating' ? '5' : '0',
  };
  const keys = flags.props.length ? flags.props : Object.keys(all);
  return keys.map((k) => (flags.value ? `${all[k] ?? ''}` : `${k}=${all[k] ?? ''}`)).join('\n') + '\n';
}

function listUnitFiles(ctx: SimContext, flags: Flags, patterns: string[]): string {
  const names = new Set<string>();
  for (const d of UNIT_DIRS) for (const f of listHost(ctx, d)) if (/\.(service|socket|target|timer)$/.test(f)) names.add(f);
  const rows: [string, string][] = [];
  for (const n of [...names].sort()) {
    if (flags.type && !n.endsWith(`.${flags.type}`)) continue;
    if (patterns.length && !patterns.some((p) => new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(n))) continue;
    const u = findUnit(ctx, n);
    if (u) rows.push([n, unitFileState(ctx, u)]);
  }
  const w = Math.max(9, ...rows.map((r) => r[0].length)) + 1;
  const head = el7(ctx) ? `${'UNIT FILE'.padEnd(w)}STATE` : `${'UNIT FILE'.padEnd(w)}STATE    PRESET`;
  return [head, ...rows.map(([n, s]) => `${n.padEnd(w)}${s}`), '', `${rows.length} unit files listed.`].join('\n') + '\n';
}

/** `systemctl list-units [--type=service] [--all]`: loaded units with their states. */
function listUnits(ctx: SimContext, flags: Flags): string {
  const rows: string[][] = [];
  for (const [key, st] of Object.entries(ctx.runtime().services).sort(([a], [b]) => a.localeCompare(b))) {
    const name = unitName(key);
    if (flags.type && !name.endsWith(`.${flags.type}`)) continue;
    if (!flags.all && st.active === 'inactive') continue;
    const unit = findUnit(ctx, name);
    const sub = st.active === 'active' ? 'running' : st.active === 'failed' ? 'failed' : st.active === 'activating' ? 'auto-restart' : 'dead';
    rows.push([name, unit ? 'loaded' : 'not-found', st.active, sub, unit ? (/^Description=(.*)$/m.exec(unit.text)?.[1] ?? name) : name]);
  }
  const w = Math.max(4, ...rows.map((r) => r[0].length)) + 1;
  const lines = [`${'UNIT'.padEnd(w)} LOAD   ACTIVE     SUB          DESCRIPTION`];
  for (const r of rows) lines.push(`${r[0].padEnd(w)} ${r[1].padEnd(6)} ${r[2].padEnd(10)} ${r[3].padEnd(12)} ${r[4]}`);
  lines.push('', 'LOAD   = Reflects whether the unit definition was properly loaded.', 'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.', 'SUB    = The low-level unit activation state, values depend on unit type.', '', `${rows.length} loaded units listed.${flags.all ? '' : ' Pass --all to see loaded but inactive units, too.'}`);
  return lines.join('\n') + '\n';
}

export async function systemctl(ctx: SimContext): Promise<CommandResult> {
  const flags: Flags = { now: false, quiet: false, value: false, props: [], all: false };
  const pos: string[] = [];
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--now') flags.now = true;
    else if (a === '-q' || a === '--quiet') flags.quiet = true;
    else if (a === '--value') flags.value = true;
    else if (a === '--no-pager' || a === '--no-block' || a === '-l' || a === '--full' || a === '--no-legend' || a === '--system' || a === '--no-ask-password' || a === '-f' || a === '--force') continue;
    else if (a === '-a' || a === '--all') flags.all = true;
    else if (a === '-p' || a === '--property') flags.props.push(...(args[++i] ?? '').split(','));
    else if (a.startsWith('--property=')) flags.props.push(...a.slice(11).split(','));
    else if (a.startsWith('-p') && a.length > 2) flags.props.push(...a.slice(2).split(','));
    else if (a === '-t' || a === '--type') flags.type = args[++i];
    else if (a.startsWith('--type=')) flags.type = a.slice(7);
    else if (a === '--version') return ok(`systemd ${profile(ctx).systemdVersion}\n`);
    else if (a.startsWith('-')) return unsupported(ctx);
    else pos.push(a);
  }
  const verb = pos[0];
  const units = pos.slice(1);
  const err: string[] = [];
  const done = (code: number, out = ''): CommandResult => ({ code, stdout: out, stderr: err.length ? err.join('\n') + '\n' : '' });
  const needUnits = (): CommandResult | undefined =>
    units.length === 0 ? fail(1, `Too few arguments.\n`) : undefined;

  switch (verb) {
    case 'start':
    case 'restart':
    case 'reload':
    case 'try-restart':
    case 'reload-or-restart': {
      const miss = needUnits();
      if (miss) return miss;
      for (const u of units) {
        const r = await doStart(ctx, verb === 'reload-or-restart' ? 'restart' : verb, u);
        if (r.code !== 0) return r;
      }
      return ok();
    }
    case 'stop': {
      const miss = needUnits();
      if (miss) return miss;
      for (const u of units) {
        const r = await doStop(ctx, u);
        if (r.code !== 0) return r;
      }
      return ok();
    }
    case 'enable':
    case 'disable':
    case 'reenable': {
      const miss = needUnits();
      if (miss) return miss;
      for (const u of units) {
        if (verb === 'disable' || verb === 'reenable') {
          const r = doDisable(ctx, u, err);
          if (r.code !== 0) return done(r.code);
          if (flags.now && r.unit && verb === 'disable') await stopUnit(ctx, r.unit);
        }
        if (verb === 'enable' || verb === 'reenable') {
          const r = doEnable(ctx, u, err);
          if (r.code !== 0) return done(r.code);
          if (flags.now && r.unit) {
            const s = await doStart(ctx, 'start', r.unit.name);
            if (s.code !== 0) return { ...s, stderr: (err.length ? err.join('\n') + '\n' : '') + (s.stderr ?? '') };
          }
        }
      }
      return done(0);
    }
    case 'mask':
    case 'unmask': {
      const miss = needUnits();
      if (miss) return miss;
      if (ctx.uid !== 0) return fail(1, el7(ctx) ? 'Failed to execute operation: Interactive authentication required.\n' : `Failed to ${verb} unit: Access denied\n`);
      for (const u of units) {
        const p = `/etc/systemd/system/${unitName(u)}`;
        if (verb === 'mask') {
          if (readHost(ctx, p) !== undefined && !findUnit(ctx, u)?.masked) {
            return fail(1, el7(ctx) ? 'Failed to execute operation: File exists\n' : `Failed to mask unit: File ${p} already exists.\n`);
          }
          if (!findUnit(ctx, u)?.masked) {
            linkHost(ctx, '/dev/null', p);
            err.push(linkMsg(ctx, p, '/dev/null'));
          }
        } else if (findUnit(ctx, u)?.masked) {
          removeHost(ctx, p);
          err.push(rmMsg(ctx, p));
        }
      }
      return done(0);
    }
    case 'is-active':
    case 'is-failed': {
      const miss = needUnits();
      if (miss) return miss;
      let any = false;
      const out: string[] = [];
      for (const u of units) {
        // systemd 219 says "unknown" for a unit it cannot find; 252 says "inactive"
        const st = serviceState(ctx, u)?.active ?? (findUnit(ctx, u) || !el7(ctx) ? 'inactive' : 'unknown');
        out.push(st);
        if (verb === 'is-active' ? st === 'active' : st === 'failed') any = true;
      }
      return { code: any ? 0 : verb === 'is-active' ? 3 : 1, stdout: flags.quiet ? '' : out.join('\n') + '\n', stderr: '' };
    }
    case 'is-enabled': {
      const miss = needUnits();
      if (miss) return miss;
      const out: string[] = [];
      let code = 1;
      for (const u of units) {
        const unit = findUnit(ctx, u);
        if (!unit) {
          err.push(`Failed to get unit file state for ${unitName(u)}: No such file or directory`);
          continue;
        }
        const s = unitFileState(ctx, unit);
        out.push(s);
        if (s === 'enabled' || s === 'static') code = 0;
      }
      return { code, stdout: flags.quiet ? '' : out.map((l) => l + '\n').join(''), stderr: err.length ? err.join('\n') + '\n' : '' };
    }
    case 'status': {
      if (units.length === 0) return unsupported(ctx);
      let code = 0;
      let out = '';
      let e = '';
      for (const u of units) {
        const s = statusText(ctx, u);
        out += (out ? '\n' : '') + s.out;
        e += s.err;
        code = Math.max(code, s.code);
      }
      return { code, stdout: out, stderr: e };
    }
    case 'show': {
      if (units.length === 0) return unsupported(ctx);
      return ok(units.map((u) => showProps(ctx, u, flags)).join('\n'));
    }
    case 'daemon-reload':
    case 'daemon-reexec':
    case 'reset-failed':
      if (ctx.uid !== 0) return fail(1, 'Failed to reload daemon: Interactive authentication required.\n');
      if (verb === 'reset-failed') {
        for (const [k, s] of Object.entries(ctx.runtime().services)) if (s.active === 'failed' && (!units.length || units.map((u) => serviceKey(unitName(u))).includes(k))) s.active = 'inactive';
      }
      return ok();
    case 'list-unit-files':
      return ok(listUnitFiles(ctx, flags, units));
    case 'list-units':
      return ok(listUnits(ctx, flags));
    case 'is-system-running':
      return { code: 0, stdout: flags.quiet ? '' : 'running\n', stderr: '' };
    case 'reboot':
      if (ctx.uid !== 0) return fail(1, 'Failed to reboot system via logind: Interactive authentication required.\n');
      ctx.requestReboot();
      return ok();
    default:
      return unsupported(ctx);
  }
}

/** `service NAME ACTION` (initscripts' redirect to systemctl). */
export async function service(ctx: SimContext): Promise<CommandResult> {
  const [name, action, ...rest] = ctx.argv.slice(1);
  if (!name || !action || rest.length) return unsupported(ctx);
  if (!['start', 'stop', 'restart', 'reload', 'status', 'try-restart', 'condrestart'].includes(action)) return unsupported(ctx);
  const verb = action === 'condrestart' ? 'try-restart' : action;
  const unit = unitName(name);
  const r = await ctx.run(['systemctl', verb, unit]);
  return { code: r.code, stdout: r.stdout, stderr: `Redirecting to /bin/systemctl ${verb} ${unit}\n${r.stderr}` };
}

/** journalctl -u UNIT [-n N]: the journal lines the unit's simulator left (why it failed or loops). */
export async function journalctl(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const units: string[] = [];
  let lines = Infinity;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-u' || a === '--unit') units.push(unitName(args[++i] ?? ''));
    else if (a.startsWith('--unit=')) units.push(unitName(a.slice(7)));
    else if (a.startsWith('-u') && a.length > 2) units.push(unitName(a.slice(2)));
    else if (a === '-n' || a === '--lines') lines = Number(args[++i]);
    else if (a.startsWith('--lines=')) lines = Number(a.slice(8));
    else if (/^-n\d+$/.test(a)) lines = Number(a.slice(2));
    else if (['--no-pager', '-l', '--full', '-x', '-e', '-xe', '--catalog', '-q', '--quiet', '-b', '--boot'].includes(a)) continue;
    else return unsupported(ctx);
  }
  if (!units.length) return unsupported(ctx);
  const host = ctx.runtime().hostname.split('.')[0];
  const out: string[] = [];
  for (const u of units) {
    const st = serviceState(ctx, u);
    if (!st) continue;
    const stamp = strftime('%b %d %H:%M:%S', hostZone(ctx), st.since);
    const desc = /^Description=(.*)$/m.exec(findUnit(ctx, u)?.text ?? '')?.[1] ?? u;
    out.push(`${stamp} ${host} systemd[1]: Started ${desc}.`);
    if (st.message) for (const m of st.message.split('\n')) out.push(`${stamp} ${host} ${serviceKey(u)}[${pidOf(u)}]: ${m}`);
    if (st.active === 'failed' || st.active === 'activating') out.push(`${stamp} ${host} systemd[1]: ${u}: main process exited, code=exited, status=1/FAILURE`, `${stamp} ${host} systemd[1]: Unit ${u} entered failed state.`);
  }
  const shown = Number.isFinite(lines) ? out.slice(-lines) : out;
  const head = ctx.host.os === 'centos7' ? `-- Logs begin at ${systemdTime(ctx, ctx.runtime().bootedAt)}, end at ${systemdTime(ctx, ctx.now())}. --\n` : '';
  return ok(head + (shown.length ? shown.join('\n') + '\n' : '-- No entries --\n'));
}
