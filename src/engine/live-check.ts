/**
 * Every check of a host in ONE exec (for `plan --live` and doctor-like views):
 * each check runs in its own bash with stdin closed; a marker per step gives its
 * exit code. Checks only read, so batching them changes nothing on the host.
 */
import { randomBytes } from 'node:crypto';
import { shq, type Host } from '../hosts/host.ts';
import type { HostStep } from '../phases/types.ts';

export type LiveState = 'done' | 'to-do' | 'unknown';

export function batchCheckScript(steps: HostStep[], nonce: string): string {
  return steps.map((s, i) => [
    `bash -c ${shq(s.check)} </dev/null >/dev/null 2>&1`,
    `echo "@@kf:${nonce} ${i}=$?"`,
  ].join('\n')).join('\n') + '\nexit 0\n';
}

/** step id -> done (check passes) / to-do; unknown when the exec did not report it. */
export async function liveStates(host: Host, steps: HostStep[], timeoutMs = 300_000): Promise<Map<string, LiveState>> {
  const nonce = randomBytes(6).toString('hex');
  const r = await host.run(batchCheckScript(steps, nonce), { timeoutMs });
  const codes = new Map<number, number>();
  for (const m of r.stdout.matchAll(new RegExp(`^@@kf:${nonce} (\\d+)=(\\d+)$`, 'gm'))) codes.set(Number(m[1]), Number(m[2]));
  return new Map(steps.map((s, i) => {
    const c = codes.get(i);
    return [s.id, c === undefined ? 'unknown' : c === 0 ? 'done' : 'to-do'];
  }));
}
