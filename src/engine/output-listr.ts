/** The terminal UI: listr2, one block per phase with a line per host showing its current step. */
import { Listr } from 'listr2';
import type { Reporter, RunEvent } from './output.ts';
import { failureLines } from './summary.ts';

interface HostLine {
  title: string;
  setTitle?: (t: string) => void;
  applied: number;
  skipped: number;
  failed?: string;
  settle?: (err?: Error) => void;
  settled?: Error | null;
}

export class ListrReporter implements Reporter {
  private lines = new Map<string, HostLine>();
  private running?: Promise<void>;

  constructor(
    private readonly renderer: 'default' | 'simple' | 'test' = 'default',
    private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {}

  async emit(e: RunEvent): Promise<void> {
    switch (e.type) {
      case 'phase-start':
        this.startPhase(e.title, e.hosts);
        return;
      case 'step-start':
        this.update(e.host, `${e.host}: ${e.title}`);
        return;
      case 'step-end': {
        const l = this.lines.get(e.host);
        if (!l) return;
        if (e.status === 'done') l.applied++;
        if (e.status === 'skipped') l.skipped++;
        if (e.status === 'failed') l.failed = `${e.host}: ${e.step} FAILED${e.exitCode !== undefined ? ` (exit ${e.exitCode})` : ''}: ${e.error ?? ''}`;
        return;
      }
      case 'notice':
        // on the host's line while its phase runs; otherwise a line of its own
        if (e.host && this.lines.has(e.host)) this.update(e.host, e.message);
        else this.write(e.message);
        return;
      case 'phase-end':
        for (const [host, l] of this.lines) {
          if (l.failed) {
            this.update(host, l.failed);
            this.finish(l, new Error(l.failed));
          }
          else {
            this.update(host, `${host}: ${l.applied} applied, ${l.skipped} already done`);
            this.finish(l);
          }
        }
        await this.running;
        this.lines.clear();
        return;
      case 'run-end':
        for (const f of e.failures) for (const line of failureLines(f)) this.write(line);
        this.write(e.message);
        this.write(`logs: ${e.runDir}`);
        return;
    }
  }

  private update(host: string, title: string): void {
    const l = this.lines.get(host);
    if (!l) return;
    l.title = title;
    l.setTitle?.(title);
  }

  private finish(l: HostLine, err?: Error): void {
    if (l.settle) l.settle(err);
    else l.settled = err ?? null;
  }

  private startPhase(title: string, hosts: string[]): void {
    this.lines = new Map(hosts.map((h) => [h, { title: h, applied: 0, skipped: 0 }]));
    const tasks = hosts.map((h) => ({
      title: h,
      task: (_ctx: unknown, task: { title: string }): Promise<void> => {
        const l = this.lines.get(h);
        if (!l) return Promise.resolve();
        l.setTitle = (t: string) => {
          task.title = t;
        };
        task.title = l.title;
        // the host's line stays open until the phase ends for everyone
        return new Promise<void>((resolve, reject) => {
          const settle = (err?: Error): void => (err ? reject(err) : resolve());
          if (l.settled !== undefined) settle(l.settled ?? undefined);
          else l.settle = settle;
        });
      },
    }));
    const listr = new Listr([{ title, task: (_ctx, task) => task.newListr(tasks, { concurrent: true, exitOnError: false }) }], {
      renderer: this.renderer, exitOnError: false, registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false },
    } as ConstructorParameters<typeof Listr>[1]);
    this.running = listr.run().then(() => undefined, () => undefined);
  }
}
