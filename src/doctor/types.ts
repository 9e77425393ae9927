/** One doctor finding: a row of the table and one JSON line. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** stable name, e.g. "swap", "node-ready", "pods:ImagePullBackOff" */
  check: string;
  /** inventory host, node name, or "cluster" */
  host: string;
  status: CheckStatus;
  detail: string;
  /** what to do about it (problems only) */
  fix?: string;
}

/** Only failures are problems: doctor exits 1 when there is one. */
export const isProblem = (r: CheckResult): boolean => r.status === 'fail';
