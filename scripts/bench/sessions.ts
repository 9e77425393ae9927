/**
 * The SSH execs the lab hosts served (each host's /var/log/kflab/sessions.log: start, end,
 * exit of every exec, written by the host's ForceCommand wrapper), as command records: the
 * host-side time of each exec (its shells and simulated commands), without the transport.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandRecord } from '../lab/command-record.ts';
import type { BenchLab } from './lab.ts';

export function readSessions(lab: BenchLab, from = -Infinity, to = Infinity): CommandRecord[] {
  const out: CommandRecord[] = [];
  for (const h of lab.hosts) {
    const file = path.join(lab.paths.hostsDir, h.name, 'fs', 'var', 'log', 'kflab', 'sessions.log');
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      try {
        const r = JSON.parse(line) as { start?: number; end?: number; code?: number; cmd?: string };
        if (typeof r.start !== 'number' || typeof r.end !== 'number' || r.start < from || r.start > to) continue;
        out.push({ host: h.name, argv: [r.cmd ?? ''], start: r.start, end: r.end, exit: r.code ?? 0, code: r.code ?? 0 });
      } catch {
        /* torn line */
      }
    }
  }
  return out;
}
