/** Doctor's output: a table (check, host, status, detail, fix) or one JSON line per check. */
import { formatTable } from '../cluster/token-run.ts';
import { isProblem, type CheckResult } from './types.ts';

/** Details beyond this are cut in the table (--output json has them whole). */
export const DETAIL_WIDTH = 160;

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

export function doctorTable(results: CheckResult[]): string {
  const rows = [['CHECK', 'HOST', 'STATUS', 'DETAIL', 'FIX']];
  for (const r of results) rows.push([r.check, r.host, r.status.toUpperCase(), cut(r.detail, DETAIL_WIDTH), r.fix ?? '']);
  return formatTable(rows) + summaryLine(results) + '\n';
}

export function summaryLine(results: CheckResult[]): string {
  const problems = results.filter(isProblem).length;
  const warnings = results.filter((r) => r.status === 'warn').length;
  const w = warnings ? `, ${warnings} warning(s)` : '';
  return problems ? `${problems} problem(s) found${w}` : `healthy: no problem found${w}`;
}

export function doctorJson(results: CheckResult[], emit: (e: Record<string, unknown>) => void): void {
  for (const r of results) emit({ type: 'check', ...r });
  emit({ type: 'summary', problems: results.filter(isProblem).length, warnings: results.filter((r) => r.status === 'warn').length, checks: results.length });
}
