/**
 * Time on a host: timedatectl (zone = the /etc/localtime link), chronyc, ntpdate and date,
 * with the host clock = machine clock + runtime().clockOffsetSec. No NTP server outside
 * the lab answers; a lab host whose chronyd runs with an `allow` line serves its peers.
 */
import fs from 'node:fs';
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { hostZone, isValidZone, linkHost, readHost, strftime, zoneAbbrev, zoneOffsetMinutes } from './host.ts';
import { enableLinks, findUnit, startUnit, stopUnit } from './units.ts';
import { existsHost, removeHost } from './host.ts';

const el7 = (ctx: SimContext): boolean => ctx.host.os === 'centos7';
const chronydUp = (ctx: SimContext): boolean => ctx.runtime().services.chronyd?.active === 'active';

/** `server`/`pool` names of /etc/chrony.conf. */
function chronyServers(ctx: SimContext): string[] {
  return (readHost(ctx, '/etc/chrony.conf') ?? '').split('\n')
    .map((l) => /^\s*(server|pool)\s+(\S+)/.exec(l)?.[2])
    .filter((s): s is string => !!s);
}

/** A lab peer that serves NTP at this address: running, chronyd active, `allow` in its chrony.conf. */
function ntpPeer(ctx: SimContext, addr: string): { name: string; offset: number } | undefined {
  const h = ctx.hosts().find((x) => x.address === addr);
  if (!h) return undefined;
  const p = ctx.peer(h.name);
  if (!p?.running) return undefined;
  const rt = p.runtime();
  if (rt.services.chronyd?.active !== 'active' || !rt.networkUp) return undefined;
  let conf = '';
  try {
    conf = readFileSyncSafe(p.path('/etc/chrony.conf'));
  } catch {
    return undefined;
  }
  if (!/^\s*allow\b/m.test(conf)) return undefined;
  return { name: h.name, offset: rt.clockOffsetSec };
}

const readFileSyncSafe = (f: string): string => {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

/** The server chronyd syncs from, if any answers. */
function syncSource(ctx: SimContext): { addr: string; offset: number } | undefined {
  if (!chronydUp(ctx) || !ctx.runtime().networkUp) return undefined;
  for (const s of chronyServers(ctx)) {
    const p = ntpPeer(ctx, s);
    if (p) return { addr: s, offset: p.offset };
  }
  return undefined;
}

/** chronyd stepping the clock to its source (it does so on start with makestep in the stock config). */
export function chronySync(ctx: SimContext): boolean {
  const src = syncSource(ctx);
  if (!src) return false;
  ctx.runtime().clockOffsetSec = src.offset;
  return true;
}

function zoneOf(ctx: SimContext): string {
  return ctx.env.TZ && isValidZone(ctx.env.TZ) ? ctx.env.TZ : hostZone(ctx);
}

export async function timedatectl(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '--no-pager' && a !== '--no-ask-password');
  const verb = args[0] ?? 'status';
  const zone = hostZone(ctx);
  const now = ctx.now();
  const synced = !!syncSource(ctx);
  const ntpOn = chronydUp(ctx);
  switch (verb) {
    case 'status': {
      const off = zoneOffsetMinutes(zone, now);
      const offText = `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}${String(Math.abs(off) % 60).padStart(2, '0')}`;
      const local = strftime('%a %Y-%m-%d %H:%M:%S %Z', zone, now);
      const utc = strftime('%a %Y-%m-%d %H:%M:%S UTC', 'UTC', now);
      const rtc = strftime('%a %Y-%m-%d %H:%M:%S', 'UTC', now - ctx.runtime().clockOffsetSec * 1000);
      const tz = `${zone} (${zoneAbbrev(zone, now)}, ${offText})`;
      if (el7(ctx)) {
        return ok([
          `      Local time: ${local}`, `  Universal time: ${utc}`, `        RTC time: ${rtc}`, `       Time zone: ${tz}`,
          `     NTP enabled: ${ntpOn ? 'yes' : 'no'}`, `NTP synchronized: ${synced ? 'yes' : 'no'}`, ` RTC in local TZ: no`, `      DST active: n/a`,
        ].join('\n') + '\n');
      }
      return ok([
        `               Local time: ${local}`, `           Universal time: ${utc}`, `                 RTC time: ${rtc}`,
        `                Time zone: ${tz}`, `System clock synchronized: ${synced ? 'yes' : 'no'}`,
        `              NTP service: ${ntpOn ? 'active' : 'inactive'}`, `          RTC in local TZ: no`,
      ].join('\n') + '\n');
    }
    case 'show': {
      if (el7(ctx)) return fail(1, 'Unknown operation show\n');
      const props: Record<string, string> = {
        Timezone: zone, LocalRTC: 'no', CanNTP: 'yes', NTP: ntpOn ? 'yes' : 'no', NTPSynchronized: synced ? 'yes' : 'no',
        TimeUSec: strftime('%a %Y-%m-%d %H:%M:%S %Z', zone, now), RTCTimeUSec: strftime('%a %Y-%m-%d %H:%M:%S %Z', zone, now),
      };
      const want: string[] = [];
      let valueOnly = false;
      for (let i = 1; i < args.length; i++) {
        const a = args[i];
        if (a === '-p' || a === '--property') want.push(...(args[++i] ?? '').split(','));
        else if (a.startsWith('--property=')) want.push(...a.slice(11).split(','));
        else if (a.startsWith('-p') && a.length > 2) want.push(...a.slice(2).split(','));
        else if (a === '--value') valueOnly = true;
        else return unsupported(ctx);
      }
      const keys = want.length ? want.filter((k) => props[k] !== undefined) : Object.keys(props);
      return ok(keys.map((k) => (valueOnly ? props[k] : `${k}=${props[k]}`)).join('\n') + '\n');
    }
    case 'list-timezones':
      return ok(['UTC', ...Intl.supportedValuesOf('timeZone')].sort().join('\n') + '\n');
    case 'set-timezone': {
      const z = args[1];
      if (!z || args.length > 2) return fail(1, 'Invalid number of arguments.\n');
      if (!isValidZone(z)) return fail(1, `Failed to set time zone: Invalid time zone '${z}'\n`);
      if (ctx.uid !== 0) return fail(1, 'Failed to set time zone: Interactive authentication required.\n');
      linkHost(ctx, `../usr/share/zoneinfo/${z}`, '/etc/localtime');
      return ok();
    }
    case 'set-ntp': {
      const v = (args[1] ?? '').toLowerCase();
      const on = ['1', 'yes', 'true', 'on'].includes(v);
      if (!on && !['0', 'no', 'false', 'off'].includes(v)) return fail(1, `Failed to parse NTP setting: ${args[1] ?? ''}\n`);
      if (ctx.uid !== 0) return fail(1, 'Failed to set ntp: Interactive authentication required.\n');
      const unit = findUnit(ctx, 'chronyd');
      if (!unit) return fail(1, 'Failed to set ntp: NTP not supported\n');
      const links = enableLinks(unit);
      if (on) {
        for (const l of links) if (!existsHost(ctx, l)) linkHost(ctx, unit.path, l);
        await startUnit(ctx, unit);
        chronySync(ctx);
      } else {
        for (const l of links) removeHost(ctx, l);
        await stopUnit(ctx, unit);
      }
      return ok();
    }
    case 'set-time': {
      if (ntpOn) return fail(1, 'Failed to set time: Automatic time synchronization is enabled\n');
      if (ctx.uid !== 0) return fail(1, 'Failed to set time: Interactive authentication required.\n');
      const t = parseLocal(args[1] ?? '', zone);
      if (t === undefined) return fail(1, `Failed to parse time specification: ${args[1] ?? ''}\n`);
      ctx.runtime().clockOffsetSec = Math.round((t - Date.now()) / 1000);
      return ok();
    }
    case 'set-local-rtc':
      return ok();
    default:
      return unsupported(ctx);
  }
}

/** "YYYY-MM-DD HH:MM[:SS]" in a zone, or @epoch, to ms. */
function parseLocal(s: string, zone: string): number | undefined {
  const at = /^@(-?\d+)$/.exec(s.trim());
  if (at) return Number(at[1]) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return undefined;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return asUtc - zoneOffsetMinutes(zone, asUtc) * 60000;
}

export async function chronyc(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '-n' && a !== '-a');
  const verb = args[0];
  if (!verb) return unsupported(ctx);
  if (!chronydUp(ctx)) return fail(1, '506 Cannot talk to daemon\n');
  const src = syncSource(ctx);
  const servers = chronyServers(ctx);
  switch (verb) {
    case 'sources': {
      const lines: string[] = [];
      if (el7(ctx)) lines.push(`210 Number of sources = ${servers.filter((s) => /^[\d.]+$/.test(s)).length}`);
      lines.push('MS Name/IP address         Stratum Poll Reach LastRx Last sample               ');
      lines.push('===============================================================================');
      // names cannot be resolved in the lab: chronyd keeps only literal addresses
      for (const s of servers.filter((x) => /^[\d.]+$/.test(x))) {
        const good = src?.addr === s;
        lines.push(good
          ? `^* ${s.padEnd(27)}  3   6   377    12   +105us[ +131us] +/-   12ms`
          : `^? ${s.padEnd(27)}  0   6     0     -     +0ns[   +0ns] +/-    0ns`);
      }
      return ok(lines.join('\n') + '\n');
    }
    case 'tracking':
      if (src) {
        const hex = src.addr.split('.').map((n) => Number(n).toString(16).padStart(2, '0')).join('').toUpperCase();
        return ok(`Reference ID    : ${hex} (${src.addr})\nStratum         : 4\nRef time (UTC)  : ${strftime('%a %b %d %H:%M:%S %Y', 'UTC', ctx.now())}\nSystem time     : 0.000012345 seconds fast of NTP time\nLast offset     : +0.000013120 seconds\nRMS offset      : 0.000041018 seconds\nFrequency       : 2.120 ppm slow\nResidual freq   : +0.001 ppm\nSkew            : 0.052 ppm\nRoot delay      : 0.024512345 seconds\nRoot dispersion : 0.001234567 seconds\nUpdate interval : 64.4 seconds\nLeap status     : Normal\n`);
      }
      return ok(`Reference ID    : 00000000 ()\nStratum         : 0\nRef time (UTC)  : Thu Jan 01 00:00:00 1970\nSystem time     : 0.000000000 seconds fast of NTP time\nLast offset     : +0.000000000 seconds\nRMS offset      : 0.000000000 seconds\nFrequency       : 0.000 ppm slow\nResidual freq   : +0.000 ppm\nSkew            : 0.000 ppm\nRoot delay      : 1.000000000 seconds\nRoot dispersion : 1.000000000 seconds\nUpdate interval : 0.0 seconds\nLeap status     : Not synchronised\n`);
    case 'makestep':
      if (ctx.uid !== 0) return fail(1, '501 Not authorised\n');
      chronySync(ctx);
      return ok('200 OK\n');
    case 'burst':
      return ok('200 OK\n');
    case 'activity': {
      const n = servers.filter((x) => /^[\d.]+$/.test(x)).length;
      return ok(`${el7(ctx) ? '200 OK\n' : ''}${src ? 1 : 0} sources online\n0 sources offline\n0 sources doing burst (return to online)\n0 sources doing burst (return to offline)\n${Math.max(0, n - (src ? 1 : 0))} sources with unknown address\n`);
    }
    case 'waitsync': {
      if (chronySync(ctx)) return ok(`try: 1, refid: ${src?.addr ?? ''}, correction: 0.000012345, skew: 0.052\n`);
      const tries = Math.max(1, Math.min(Number(args[1] ?? 1) || 1, 3));
      let out = '';
      for (let i = 1; i <= tries; i++) out += `try: ${i}, refid: 00000000, correction: 0.000000000, skew: 0.000\n`;
      return { code: 1, stdout: out, stderr: '' };
    }
    default:
      return unsupported(ctx);
  }
}

export async function ntpdate(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const servers = args.filter((a) => !a.startsWith('-'));
  const query = args.includes('-q');
  if (args.some((a) => a.startsWith('-') && !['-u', '-q', '-b', '-s', '-v'].includes(a))) return unsupported(ctx);
  const pid = 20000 + (ctx.runtime().bootId.charCodeAt(0) % 9000);
  const stamp = (): string => strftime('%e %b %H:%M:%S', zoneOf(ctx), ctx.now()).trim();
  if (servers.length === 0) return fail(1, `${stamp()} ntpdate[${pid}]: no servers can be used, exiting\n`);
  let err = '';
  const usable: { s: string; offset: number }[] = [];
  for (const s of servers) {
    if (!/^[\d.]+$/.test(s)) {
      err += `Error resolving ${s}: Name or service not known (-2)\n${stamp()} ntpdate[${pid}]: Can't find host ${s}: Name or service not known (-2)\n`;
      continue;
    }
    const p = ctx.runtime().networkUp ? ntpPeer(ctx, s) : undefined;
    usable.push({ s, offset: p ? p.offset : NaN });
  }
  if (usable.length === 0) return fail(1, `${err}${stamp()} ntpdate[${pid}]: no servers can be used, exiting\n`);
  const good = usable.find((u) => !Number.isNaN(u.offset));
  if (!good) return fail(1, `${err}${stamp()} ntpdate[${pid}]: no server suitable for synchronization found\n`);
  if (!query) {
    if (ctx.uid !== 0) return fail(1, `${err}${stamp()} ntpdate[${pid}]: bind() fails: Permission denied\n`);
    const diff = good.offset - ctx.runtime().clockOffsetSec;
    ctx.runtime().clockOffsetSec = good.offset;
    return { code: 0, stdout: `${stamp()} ntpdate[${pid}]: ${Math.abs(diff) > 0.5 ? 'step' : 'adjust'} time server ${good.s} offset ${diff.toFixed(6)} sec\n`, stderr: err };
  }
  return { code: 0, stdout: `server ${good.s}, stratum 4, offset ${(good.offset - ctx.runtime().clockOffsetSec).toFixed(6)}, delay 0.02570\n`, stderr: err };
}

export async function date(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  let zone = zoneOf(ctx);
  let ms = ctx.now();
  let fmt = '%a %b %e %H:%M:%S %Z %Y';
  let set: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-u' || a === '--utc' || a === '--universal') zone = 'UTC';
    else if (a === '-R' || a === '--rfc-2822' || a === '--rfc-email') fmt = '%a, %d %b %Y %H:%M:%S %z';
    else if (a === '-I' || a === '--iso-8601' || a === '-Idate') fmt = '%F';
    else if (a === '-Iseconds' || a === '--iso-8601=seconds') fmt = '%FT%T%:z';
    else if (a === '-d' || a === '--date' || a.startsWith('--date=') || (a.startsWith('-d') && a.length > 2)) {
      const v = a === '-d' || a === '--date' ? (args[++i] ?? '') : a.startsWith('--date=') ? a.slice(7) : a.slice(2);
      const t = v === 'now' || v === '' ? ms : parseLocal(v, zone) ?? (Number.isNaN(Date.parse(v)) ? undefined : Date.parse(v));
      // relative dates ("+1 day", "yesterday") are not modelled: say so rather than answer wrong
      if (t === undefined) return unsupported(ctx);
      ms = t;
    } else if (a === '-s' || a === '--set' || a.startsWith('--set=')) {
      set = a.startsWith('--set=') ? a.slice(6) : (args[++i] ?? '');
    } else if (a.startsWith('+')) fmt = a.slice(1);
    else return unsupported(ctx);
  }
  if (set !== undefined) {
    const t = parseLocal(set, zone) ?? (Number.isNaN(Date.parse(set)) ? undefined : Date.parse(set));
    if (t === undefined) return fail(1, `date: invalid date \u2018${set}\u2019\n`);
    if (ctx.uid !== 0) return fail(1, `date: cannot set date: Operation not permitted\n${strftime(fmt, zone, t)}\n`);
    ctx.runtime().clockOffsetSec = Math.round((t - Date.now()) / 1000);
    ms = t;
  }
  return ok(`${strftime(fmt, zone, ms)}\n`);
}
