/**
 * The lab's command record: one JSON line per simulated command the daemon answered
 * (.kubeforge/lab/commands.jsonl). The daemon writes it through `recordLine`; benchmarks and
 * tests read it with `readCommandRecord` and measure it (e.g. `maxConcurrentHosts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { labPaths } from './paths.ts';

export interface CommandRecord {
  host: string;
  /** argv as invoked, long values cut, secrets replaced by REDACTED */
  argv: string[];
  /** ms since the epoch (fractional: microsecond resolution) */
  start: number;
  end: number;
  exit: number;
  /** same as exit (older readers use `code`) */
  code: number;
}

export const REDACTED = '<redacted>';
const MAX_ARG = 200;
const SECRET_FLAGS = new Set(['--token', '--certificate-key', '--discovery-token-ca-cert-hash']);
const BOOTSTRAP_TOKEN = /[a-z0-9]{6}\.[a-z0-9]{16}/;
const HEX_KEY = /[0-9a-fA-F]{64}/;

/** argv fit for a log: secret values dropped (the record is kept and shared), long values cut. */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let secretNext = false;
  for (const arg of argv) {
    if (secretNext) {
      out.push(REDACTED);
      secretNext = false;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (SECRET_FLAGS.has(flag)) {
      if (eq > 0) out.push(`${flag}=${REDACTED}`);
      else {
        out.push(arg);
        secretNext = true;
      }
      continue;
    }
    if (BOOTSTRAP_TOKEN.test(arg) || HEX_KEY.test(arg)) {
      out.push(REDACTED);
      continue;
    }
    out.push(arg.length > MAX_ARG ? `${arg.slice(0, MAX_ARG)}...(${arg.length} chars)` : arg);
  }
  return out;
}

/** Epoch ms with sub-ms resolution: ms rounding would make back-to-back commands look concurrent. */
export function preciseNow(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

export function recordLine(host: string, argv: readonly string[], start: number, end: number, exit: number): string {
  const rec: CommandRecord = { host, argv: redactArgv(argv), start, end, exit, code: exit };
  return JSON.stringify(rec) + '\n';
}

/**
 * Every record of a lab. `labDir` is the lab's own directory (.kubeforge/lab) or the directory
 * `lab up` ran in. A last line still being written is skipped.
 */
export function readCommandRecord(labDir: string): CommandRecord[] {
  const direct = path.join(labDir, 'commands.jsonl');
  const file = fs.existsSync(direct) ? direct : labPaths(labDir).commands;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: CommandRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const r = JSON.parse(line) as Partial<CommandRecord>;
      const exit = r.exit ?? r.code;
      if (typeof r.host !== 'string' || !Array.isArray(r.argv) || typeof r.start !== 'number' || typeof r.end !== 'number' || typeof exit !== 'number') continue;
      out.push({ host: r.host, argv: r.argv, start: r.start, end: r.end, exit, code: exit });
    } catch {
      /* partial line */
    }
  }
  return out;
}

/** One host's busy time as disjoint sorted [start, end] intervals, clipped to [from, to]. */
export function busyIntervals(records: readonly CommandRecord[], from = -Infinity, to = Infinity): Map<string, [number, number][]> {
  const byHost = new Map<string, [number, number][]>();
  for (const r of records) {
    const s = Math.max(r.start, from);
    const e = Math.min(r.end, to);
    if (e < s) continue;
    let list = byHost.get(r.host);
    if (!list) byHost.set(r.host, (list = []));
    list.push([s, e]);
  }
  for (const [host, list] of byHost) {
    list.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of list) {
      const last = merged.at(-1);
      // a host with two commands at once (a pipe, a wrapper) is one host in flight
      if (last && s < last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    byHost.set(host, merged);
  }
  return byHost;
}

/**
 * The most hosts with a command in flight at one instant, within [from, to] if given.
 * A command occupies [start, end): one ending when another starts do not overlap; a command
 * with start == end still counts at that instant.
 */
export function maxConcurrentHosts(records: readonly CommandRecord[], from?: number, to?: number): number {
  // kind: 0 = end of an interval, 1 = start, 2 = end of an instant (start == end)
  const events: [number, 0 | 1 | 2][] = [];
  for (const list of busyIntervals(records, from, to).values()) {
    for (const [s, e] of list) {
      events.push([s, 1]);
      events.push([e, s === e ? 2 : 0]);
    }
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, kind] of events) {
    if (kind === 1) max = Math.max(max, ++now);
    else now--;
  }
  return max;
}
