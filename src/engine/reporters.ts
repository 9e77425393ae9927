/** The reporter for an output mode. */
import { JsonReporter } from './output-json.ts';
import { ListrReporter } from './output-listr.ts';
import { PlainReporter } from './output-plain.ts';
import type { OutputMode, Reporter } from './output.ts';

export function createReporter(mode: OutputMode): Reporter {
  if (mode === 'json') return new JsonReporter();
  if (mode === 'tty') return new ListrReporter();
  return new PlainReporter();
}
