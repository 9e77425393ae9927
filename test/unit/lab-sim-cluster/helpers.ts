/** curl-like HTTP from a host through the lab's registered handlers. */
import { makeContext } from '../../../scripts/lab/sim/context.ts';
import { answerHttp } from '../../../scripts/lab/sim/registry.ts';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';

export async function curl(lab: TestLab, host: string, url: string) {
  const h = lab.hostList.find((x) => x.name === host);
  if (!h) throw new Error(host);
  const ctx = makeContext(lab, { host: h, root: lab.roots[host], argv: ['curl', url] });
  return answerHttp(ctx, new URL(url));
}

/** Column values of `kubectl get` table rows whose first column starts with prefix. */
export function rows(table: string, prefix: string): string[][] {
  return table.split('\n').filter((l) => l.length > 0 && l.startsWith(prefix)).map((l) => l.split(/\s{2,}/));
}
