/**
 * Steps marked `reboot` (a kernel upgrade): after their apply, reboot the host, wait for it
 * to come back (bounded), then run the check again, which must now pass.
 *
 * A marker file in /run (a tmpfs on EL7+, emptied by every boot) tells the old boot from
 * the new one without trusting clocks or uptime.
 */
import { randomBytes } from 'node:crypto';
import type { Host } from '../hosts/host.ts';
import type { HostStep } from '../phases/types.ts';
import { checkScript, parseStepOutput } from './step-script.ts';

export interface RebootWaitOptions {
  /** how long the host may take to come back; default 5 min */
  waitMs: number;
  /** between probes while it is away; default 3 s */
  pollMs: number;
  /** per probe command */
  probeTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const defaultRebootWait = (sleep: (ms: number) => Promise<void>): RebootWaitOptions => ({
  waitMs: 300_000, pollMs: 3_000, probeTimeoutMs: 15_000, sleep, now: Date.now,
});

export interface RebootOutcome {
  ok: boolean;
  /** one line on failure */
  error?: string;
  exitCode?: number;
  tail?: string;
}

// detached and delayed by a second, so this command's exit status reaches us before sshd dies
const rebootScript = (marker: string): string =>
  `touch ${marker} && nohup sh -c 'sleep 1; reboot' >/dev/null 2>&1 </dev/null &`;

/** Reboot `host`, wait for it to be back, then run the step's check. */
export async function rebootAndCheck(host: Host & { label: string }, step: HostStep, o: RebootWaitOptions): Promise<RebootOutcome> {
  const marker = `/run/kubeforge-reboot-${randomBytes(6).toString('hex')}`;
  host.label = `${step.id} (reboot)`;
  const r = await host.run(rebootScript(marker), { timeoutMs: o.probeTimeoutMs });
  if (r.code !== 0) return { ok: false, error: 'could not start the reboot', exitCode: r.code, tail: `${r.stdout}${r.stderr}`.trim() };

  const start = o.now();
  let back = false;
  let wentAway = false;
  let lastErr = '';
  while (o.now() - start < o.waitMs) {
    await o.sleep(o.pollMs);
    const waited = Math.round((o.now() - start) / 1000);
    // the label lands in the host's run log with every probe: the progress of the wait
    host.label = `${step.id} (rebooting: waited ${waited}s of ${Math.round(o.waitMs / 1000)}s)`;
    try {
      // reconnect: false: this loop is the wait (bounded by waitMs); the host's own wait would hide it
      const p = await host.run(`test -e ${marker} && echo same-boot || echo new-boot`, { timeoutMs: o.probeTimeoutMs, reconnect: false });
      if (p.code === 0 && p.stdout.trim() === 'new-boot') {
        back = true;
        break;
      }
      lastErr = p.stdout.trim() === 'same-boot' ? 'still up on the old boot' : `probe exit ${p.code}`;
    } catch (e) {
      // down, refusing connections or mid-boot: keep waiting until the deadline
      wentAway = true;
      lastErr = (e as Error).message;
    }
  }
  if (!back) {
    const secs = Math.round(o.waitMs / 1000);
    return {
      ok: false,
      error: wentAway ? `did not come back from the reboot within ${secs}s (last: ${lastErr})` : `did not reboot within ${secs}s (${lastErr})`,
    };
  }

  host.label = `${step.id} (check after reboot)`;
  const nonce = randomBytes(6).toString('hex');
  const c = await host.run(checkScript(step.check, nonce), { timeoutMs: o.probeTimeoutMs });
  const check = parseStepOutput(c.stdout, c.stderr, nonce).check;
  if (check?.code === 0) return { ok: true };
  return {
    ok: false,
    error: 'rebooted, but the check still fails after the reboot',
    exitCode: check?.code ?? c.code,
    tail: `${check?.stdout ?? c.stdout}${check?.stderr ?? c.stderr}`.trim(),
  };
}
