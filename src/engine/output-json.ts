/** `--output json`: one JSON object per line per event, with its time. */
import type { Reporter, RunEvent } from './output.ts';

export class JsonReporter implements Reporter {
  constructor(
    private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
    private readonly now: () => Date = () => new Date(),
  ) {}

  emit(e: RunEvent): void {
    this.write(JSON.stringify({ ...e, time: this.now().toISOString() }));
  }
}
