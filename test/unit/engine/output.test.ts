import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/engine/output-plain.ts';
import { JsonReporter } from '../../../src/engine/output-json.ts';
import { ListrReporter } from '../../../src/engine/output-listr.ts';
import { pickOutputMode, type RunEvent } from '../../../src/engine/output.ts';
import { summaryMessage } from '../../../src/engine/summary.ts';

const events: RunEvent[] = [
  { type: 'phase-start', phase: 'os', title: 'OS preparation', hosts: ['k8s-master01', 'k8s-node01'] },
  { type: 'step-start', phase: 'os', host: 'k8s-master01', step: 'os.selinux', title: 'SELinux off' },
  { type: 'step-end', phase: 'os', host: 'k8s-master01', step: 'os.selinux', title: 'SELinux off', status: 'done', durationMs: 120 },
  { type: 'step-end', phase: 'os', host: 'k8s-node01', step: 'os.selinux', title: 'SELinux off', status: 'skipped', durationMs: 8 },
  {
    type: 'step-end', phase: 'os', host: 'k8s-node01', step: 'os.swap', title: 'swap off', status: 'failed', durationMs: 30, exitCode: 4,
    error: 'apply failed', command: 'swapoff -a', tail: 'swapoff: /dev/dm-1: swapoff failed: Cannot allocate memory',
  },
  { type: 'phase-end', phase: 'os', status: 'failed', durationMs: 400 },
  {
    type: 'run-end', ok: false, counts: { checked: 3, applied: 1, skipped: 1, failed: 1, notRun: 5 }, stoppedAt: { phase: 'repos', reason: 'k8s-node01 failed earlier' },
    runDir: '.kubeforge/runs/x', durationMs: 500, message: 'failed: 1 steps failed', failures: [{ host: 'k8s-node01', step: 'os.swap', exitCode: 4, error: 'apply failed', command: 'swapoff -a', tail: 'swapoff: /dev/dm-1: swapoff failed: Cannot allocate memory' }],
  },
];

describe('reporters', () => {
  it('plain: one line per step, the failure report, the summary', () => {
    const lines: string[] = [];
    const r = new PlainReporter((l) => lines.push(l));
    for (const e of events) r.emit(e);
    expect(lines).toEqual([
      '[os] OS preparation (k8s-master01, k8s-node01)',
      '[os] k8s-master01: os.selinux ... done',
      '[os] k8s-node01: os.selinux ... skipped',
      '[os] k8s-node01: os.swap ... FAILED (exit 4): apply failed',
      '[os] failed',
      'k8s-node01: os.swap FAILED (exit 4): apply failed',
      '    $ swapoff -a',
      '    | swapoff: /dev/dm-1: swapoff failed: Cannot allocate memory',
      'failed: 1 steps failed',
      'logs: .kubeforge/runs/x',
    ]);
  });

  it('json: one event object per line, with its type and time', () => {
    const lines: string[] = [];
    const r = new JsonReporter((l) => lines.push(l), () => new Date('2026-11-23T19:00:00Z'));
    for (const e of events) r.emit(e);
    expect(lines).toHaveLength(events.length);
    const parsed = lines.map((l) => JSON.parse(l) as { type: string; time: string });
    expect(parsed.map((p) => p.type)).toEqual(['phase-start', 'step-start', 'step-end', 'step-end', 'step-end', 'phase-end', 'run-end']);
    expect(parsed[4]).toMatchObject({ host: 'k8s-node01', step: 'os.swap', status: 'failed', exitCode: 4, time: '2026-11-23T19:00:00.000Z' });
  });

  it('listr: runs a phase with a line per host and prints the summary', async () => {
    const out: string[] = [];
    const r = new ListrReporter('test', (l) => out.push(l));
    const orig = process.stdout.write.bind(process.stdout);
    let rendered = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      rendered += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    try {
      for (const e of events) await r.emit(e);
    } finally {
      process.stdout.write = orig;
    }
    expect(rendered).toContain('k8s-master01: 1 applied, 0 already done');
    expect(rendered).toContain('k8s-node01: os.swap FAILED (exit 4)');
    expect(out.at(-2)).toBe('failed: 1 steps failed');
  });

  it('picks json, listr on a TTY, plain otherwise', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(pickOutputMode('json', tty)).toBe('json');
    expect(pickOutputMode('text', pipe)).toBe('plain');
    const ci = process.env.CI;
    delete process.env.CI;
    try {
      expect(pickOutputMode('text', tty)).toBe(process.env.TERM === 'dumb' ? 'plain' : 'tty');
    } finally {
      if (ci !== undefined) process.env.CI = ci;
    }
  });

  it('summary says when nothing had to change', () => {
    expect(summaryMessage(true, { checked: 42, applied: 0, skipped: 42, failed: 0, notRun: 0 })).toBe('nothing to do: the cluster is converged (42 steps checked, 0 applied)');
    expect(summaryMessage(true, { checked: 42, applied: 3, skipped: 39, failed: 0, notRun: 0 })).toBe('converged: 3 steps applied, 39 already done (42 steps checked)');
    const c = { checked: 5, applied: 2, skipped: 2, failed: 1, notRun: 9 };
    expect(summaryMessage(false, c, { phase: 'join', reason: 'w1 failed earlier' })).toBe('failed: 1 steps failed, 2 applied, 2 already done, 9 not run; stopped before join: w1 failed earlier');
    expect(summaryMessage(false, { ...c, failed: 0 }, { phase: 'os', reason: 'interrupted', pending: { w1: 'os.swap' } })).toBe('stopped: 2 applied, 2 already done, 9 not run; stopped in os: interrupted');
  });
});
