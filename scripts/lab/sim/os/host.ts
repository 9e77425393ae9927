/** Small helpers over a host's files and the OS profile, shared by the os handlers. */
import fs from 'node:fs';
import path from 'node:path';
import type { OsProfile, SimContext } from '../api.ts';

export const CLIENT = '/usr/lib/kflab/client';

export interface ProfileInfo {
  kernel: string;
  prettyName: string;
  /** the `VERSION_ID` and yum's $releasever */
  releasever: string;
  systemdVersion: number;
  procps: '3.3.10' | '3.3.17';
  /** dnf (Rocky 9) or yum 3 (CentOS 7) */
  dnf: boolean;
}

export const PROFILES: Record<OsProfile, ProfileInfo> = {
  centos7: { kernel: '3.10.0-1160.el7.x86_64', prettyName: 'CentOS Linux 7 (Core)', releasever: '7', systemdVersion: 219, procps: '3.3.10', dnf: false },
  rocky9: { kernel: '5.14.0-427.13.1.el9_4.x86_64', prettyName: 'Rocky Linux 9.4 (Blue Onyx)', releasever: '9', systemdVersion: 252, procps: '3.3.17', dnf: true },
};

export const profile = (ctx: SimContext): ProfileInfo => PROFILES[ctx.host.os];

/** The kernel running now (set at boot from the default boot entry). */
export function runningKernel(ctx: SimContext): string {
  const k = ctx.runtime().extra.kernel;
  return typeof k === 'string' ? k : ctx.persist().defaultKernel;
}

export function readHost(ctx: SimContext, p: string): string | undefined {
  try {
    return fs.readFileSync(ctx.path(p), 'utf8');
  } catch {
    return undefined;
  }
}

export function writeHost(ctx: SimContext, p: string, content: string, mode?: number): void {
  const f = ctx.path(p);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content, mode === undefined ? undefined : { mode });
}

export const existsHost = (ctx: SimContext, p: string): boolean => {
  try {
    fs.lstatSync(ctx.path(p));
    return true;
  } catch {
    return false;
  }
};

export function listHost(ctx: SimContext, dir: string): string[] {
  try {
    return fs.readdirSync(ctx.path(dir)).sort();
  } catch {
    return [];
  }
}

export function removeHost(ctx: SimContext, p: string): boolean {
  try {
    fs.rmSync(ctx.path(p), { force: false, recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** A symlink on the host (target is a host path, left as is). */
export function linkHost(ctx: SimContext, target: string, p: string): void {
  const f = ctx.path(p);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  try {
    fs.unlinkSync(f);
  } catch {
    // nothing there yet
  }
  fs.symlinkSync(target, f);
}

export function readLinkHost(ctx: SimContext, p: string): string | undefined {
  try {
    return fs.readlinkSync(ctx.path(p));
  } catch {
    return undefined;
  }
}

/** Per-area runtime data in runtime().extra, created on first use. */
export function runtimeExtra<T>(ctx: SimContext, key: string, init: () => T): T {
  const extra = ctx.runtime().extra;
  if (extra[key] === undefined) extra[key] = init();
  return extra[key] as T;
}

export function persistExtra<T>(ctx: SimContext, key: string, init: () => T): T {
  const extra = ctx.persist().extra;
  if (extra[key] === undefined) extra[key] = init();
  return extra[key] as T;
}

/** `date`-style local time text of an epoch ms in the host's zone. */
export function hostZone(ctx: SimContext): string {
  const link = readLinkHost(ctx, '/etc/localtime');
  const m = link ? /zoneinfo\/(.+)$/.exec(link) : null;
  return m ? m[1] : 'UTC';
}

const ABBREV: Record<string, string> = {
  'Asia/Shanghai': 'CST', 'Asia/Chongqing': 'CST', 'Asia/Hong_Kong': 'HKT', 'Asia/Tokyo': 'JST', 'Asia/Singapore': '+08',
  UTC: 'UTC', 'Etc/UTC': 'UTC', GMT: 'GMT', 'Europe/London': 'GMT', 'America/New_York': 'EST', 'Europe/Berlin': 'CET',
};

/** Offset (minutes east of UTC) of a zone at an instant. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

export function zoneAbbrev(zone: string, ms: number): string {
  if (ABBREV[zone]) return ABBREV[zone];
  const off = zoneOffsetMinutes(zone, ms);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${a % 60 ? String(a % 60).padStart(2, '0') : ''}`;
}

export const isValidZone = (zone: string): boolean => {
  if (zone === 'UTC') return true;
  try {
    return Intl.supportedValuesOf('timeZone').includes(zone) || new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone === zone;
  } catch {
    return false;
  }
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Broken-down local time of an instant in a zone. */
export function localParts(zone: string, ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number; off: number } {
  const off = zoneOffsetMinutes(zone, ms);
  const t = new Date(ms + off * 60000);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth(), d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), wd: t.getUTCDay(), off };
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** strftime subset used by date, systemctl status, timedatectl. */
export function strftime(fmt: string, zone: string, ms: number): string {
  const t = localParts(zone, ms);
  const offText = (colon: boolean): string => {
    const a = Math.abs(t.off);
    return `${t.off < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${colon ? ':' : ''}${p2(a % 60)}`;
  };
  // GNU date: optional flag and width before the conversion (%-d, %3N = milliseconds)
  return fmt.replace(/%([-_0^#]?)(\d*)(:?)([a-zA-Z%])/g, (all, flag: string, width: string, colon: string, c: string) => {
    if (c === 'N') {
      const nanos = `${String(ms % 1000).padStart(3, '0')}000000`;
      return width ? nanos.slice(0, Math.min(9, Number(width))).padEnd(Number(width), '0') : nanos;
    }
    const v = conv(all, colon, c);
    return flag === '-' && /^[0 ]\d/.test(v) ? v.replace(/^[0 ]+(?=\d)/, '') : v;
  });
  function conv(all: string, colon: string, c: string): string {
    switch (c) {
      case 'Y': return String(t.y);
      case 'y': return p2(t.y % 100);
      case 'm': return p2(t.mo + 1);
      case 'd': return p2(t.d);
      case 'e': return String(t.d).padStart(2, ' ');
      case 'H': return p2(t.h);
      case 'I': return p2(((t.h + 11) % 12) + 1);
      case 'p': return t.h < 12 ? 'AM' : 'PM';
      case 'M': return p2(t.mi);
      case 'S': return p2(t.s);
      case 'N': return String(ms % 1000).padStart(3, '0') + '000000';
      case 's': return String(Math.floor(ms / 1000));
      case 'a': return DAYS[t.wd];
      case 'A': return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][t.wd];
      case 'b': case 'h': return MONTHS[t.mo];
      case 'B': return ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][t.mo];
      case 'j': {
        const start = Date.UTC(t.y, 0, 1);
        return String(Math.floor((Date.UTC(t.y, t.mo, t.d) - start) / 86400000) + 1).padStart(3, '0');
      }
      case 'u': return String(t.wd === 0 ? 7 : t.wd);
      case 'w': return String(t.wd);
      case 'z': return offText(colon === ':');
      case 'Z': return zoneAbbrev(zone, ms);
      case 'F': return `${t.y}-${p2(t.mo + 1)}-${p2(t.d)}`;
      case 'T': return `${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
      case 'R': return `${p2(t.h)}:${p2(t.mi)}`;
      case 'D': return `${p2(t.mo + 1)}/${p2(t.d)}/${p2(t.y % 100)}`;
      case 'c': return `${DAYS[t.wd]} ${MONTHS[t.mo]} ${String(t.d).padStart(2, ' ')} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)} ${t.y}`;
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return all;
    }
  }
}

/** "Mon 2026-11-23 19:00:00 CST" as systemd prints timestamps. */
export const systemdTime = (ctx: SimContext, ms: number): string => strftime('%a %Y-%m-%d %H:%M:%S %Z', hostZone(ctx), ms);

/** "5min ago" etc. as systemd prints relative times. */
export function ago(fromMs: number, nowMs: number): string {
  let s = Math.max(0, Math.floor((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s ago`;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) return `${d} day${d > 1 ? 's' : ''} ${h}h ago`;
  if (h) return `${h}h ${m}min ago`;
  return `${m}min ${s}s ago`;
}

/** Parse short options clustered or not: returns flags seen and positional args. */
export function splitArgs(args: string[]): { flags: string[]; pos: string[] } {
  const flags: string[] = [];
  const pos: string[] = [];
  for (const a of args) (a.startsWith('-') && a !== '-' ? flags : pos).push(a);
  return { flags, pos };
}
