/**
 * The run's record on disk: `.kubeforge/runs/<time>/run.json` (phases, every
 * step per host with its status and timings, where the run stopped) and one
 * `<host>.log` per host with every command, exit code, duration and output.
 * Everything passes through the Redactor first.
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../hosts/host.ts';
import { Redactor } from './redact.ts';
import type { RunRecord } from './types.ts';

/** Filesystem-safe, sortable: 2026-11-23T19-05-01.123Z */
export const runId = (d: Date): string => d.toISOString().replace(/:/g, '-');

export interface JournalOptions {
  /** project directory holding .kubeforge/; default cwd */
  root?: string;
  command: string;
  redactor?: Redactor;
  now?: () => Date;
}

export class Journal {
  readonly dir: string;
  readonly id: string;
  readonly redactor: Redactor;
  readonly record: RunRecord;
  private readonly now: () => Date;
  private lastSave = 0;

  constructor(opts: JournalOptions) {
    this.now = opts.now ?? (() => new Date());
    const started = this.now();
    this.id = runId(started);
    this.dir = join(opts.root ?? process.cwd(), '.kubeforge', 'runs', this.id);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.redactor = opts.redactor ?? new Redactor();
    this.record = {
      id: this.id, command: opts.command, startedAt: started.toISOString(), ok: false, phases: [], hosts: {},
      counts: { checked: 0, applied: 0, skipped: 0, failed: 0, notRun: 0 },
    };
  }

  logPath(host: string): string {
    return join(this.dir, `${host.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  /** Append free text to a host's log. */
  note(host: string, text: string): void {
    appendFileSync(this.logPath(host), `${this.redactor.redact(text)}\n`, { mode: 0o600 });
  }

  /** One command: what ran, for which step, its exit code, duration and output. */
  logExec(host: string, label: string, script: string, r: RunResult | { error: string; durationMs: number }): void {
    const lines = [`=== ${this.now().toISOString()} ${label}`, ...script.replace(/\n$/, '').split('\n').map((l) => `$ ${l}`)];
    if ('error' in r) {
      lines.push(`--- failed after ${r.durationMs} ms: ${r.error}`);
    } else {
      lines.push(`--- exit ${r.code}${r.timedOut ? ' (timed out)' : ''} in ${r.durationMs} ms`);
      if (r.stdout) lines.push('[stdout]', r.stdout.replace(/\n$/, ''));
      if (r.stderr) lines.push('[stderr]', r.stderr.replace(/\n$/, ''));
    }
    this.note(host, lines.join('\n'));
  }

  /** Write run.json (atomically); `force` skips the throttle used while steps stream in. */
  save(force = true): void {
    const t = Date.now();
    if (!force && t - this.lastSave < 500) return;
    this.lastSave = t;
    const file = join(this.dir, 'run.json');
    writeFileSync(`${file}.tmp`, `${JSON.stringify(this.redactor.redactValue(this.record), null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
}
