/** Plain lines for logs and pipes: `[phase] host: step ... done|skipped|FAILED (exit N)`. */
import type { Reporter, RunEvent } from './output.ts';
import { failureLines } from './summary.ts';

export class PlainReporter implements Reporter {
  constructor(private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'phase-start':
        this.write(`[${e.phase}] ${e.title} (${e.hosts.join(', ')})`);
        return;
      case 'step-start':
        return;
      case 'step-end': {
        const verdict = e.status === 'failed'
          ? `FAILED${e.exitCode !== undefined ? ` (exit ${e.exitCode})` : ''}`
          : e.status === 'done' ? 'done' : e.status;
        const why = e.status === 'failed' && e.error ? `: ${e.error}` : '';
        this.write(`[${e.phase}] ${e.host}: ${e.step} ... ${verdict}${why}`);
        return;
      }
      case 'notice':
        this.write(e.message);
        return;
      case 'phase-end':
        if (e.status !== 'done') this.write(`[${e.phase}] ${e.status}`);
        return;
      case 'run-end':
        for (const f of e.failures) for (const l of failureLines(f)) this.write(l);
        this.write(e.message);
        this.write(`logs: ${e.runDir}`);
        return;
    }
  }
}
