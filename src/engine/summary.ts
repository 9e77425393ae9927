/** The last words of a run: what changed, or that nothing had to. */
import type { FailureSummary } from './output.ts';
import type { RunCounts, StopPoint } from './types.ts';

export function summaryMessage(ok: boolean, c: RunCounts, stoppedAt?: StopPoint): string {
  if (ok && c.applied === 0) return `nothing to do: the cluster is converged (${c.checked} steps checked, 0 applied)`;
  if (ok) return `converged: ${c.applied} steps applied, ${c.skipped} already done (${c.checked} steps checked)`;
  const where = stoppedAt ? `; stopped ${stoppedAt.pending ? 'in' : 'before'} ${stoppedAt.phase}: ${stoppedAt.reason}` : '';
  if (c.failed === 0) return `stopped: ${c.applied} applied, ${c.skipped} already done, ${c.notRun} not run${where}`;
  return `failed: ${c.failed} steps failed, ${c.applied} applied, ${c.skipped} already done, ${c.notRun} not run${where}`;
}

/** Multi-line failure report: host, step, exit code, command, output tail. */
export function failureLines(f: FailureSummary): string[] {
  const lines = [`${f.host}: ${f.step} FAILED${f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ''}: ${f.error}`];
  if (f.command) lines.push(...f.command.split('\n').map((l) => `    $ ${l}`));
  if (f.tail) lines.push(...f.tail.split('\n').map((l) => `    | ${l}`));
  return lines;
}
