import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { execStep, type StepExecOptions } from '../../../src/engine/step-exec.ts';
import { rebootAndCheck, type RebootWaitOptions } from '../../../src/engine/step-reboot.ts';
import { HostError, type Host, type RunOptions, type RunResult } from '../../../src/hosts/host.ts';
import type { HostStep } from '../../../src/phases/types.ts';

/**
 * A host that reboots: scripts run in local bash with KERNEL set to the booted kernel;
 * `reboot` takes it down for `downProbes` probes (SSH refused) and boots `nextKernel`.
 */
class RebootingHost implements Host {
  readonly name = 'h1';
  readonly endpoint = 'h1:22';
  label = '';
  labels: string[] = [];
  kernel = 'old';
  nextKernel = 'new';
  downProbes = 2;
  reboots = 0;
  /** never comes back */
  stuck = false;
  private down = -1;
  private files = new Set<string>();

  async run(script: string, opts: RunOptions = {}): Promise<RunResult> {
    this.labels.push(this.label);
    if (this.down >= 0) {
      if (this.stuck || this.down-- > 0) throw new HostError(this.name, this.endpoint, 'unreachable: connection refused');
      // booted: /run is empty again
      this.down = -1;
      this.files.clear();
      this.kernel = this.nextKernel;
    }
    const touch = /^touch (\S+) && nohup sh -c 'sleep 1; reboot'/.exec(script);
    if (touch) {
      this.files.add(touch[1]);
      this.reboots++;
      this.down = this.downProbes;
      return { code: 0, stdout: '', stderr: '', durationMs: 1 };
    }
    const probe = /^test -e (\S+) && echo same-boot \|\| echo new-boot$/.exec(script);
    if (probe) return { code: 0, stdout: this.files.has(probe[1]) ? 'same-boot\n' : 'new-boot\n', stderr: '', durationMs: 1 };
    const r = await execa('bash', ['-c', script], { env: { ...opts.env, KERNEL: this.kernel }, reject: false });
    return { code: r.exitCode ?? 255, stdout: r.stdout + '\n', stderr: r.stderr + '\n', durationMs: 1 };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async close(): Promise<void> {}
}

const step = (over: Partial<HostStep> = {}): HostStep => ({
  id: 'kernel.upgrade', phase: 'kernel', title: 'kernel upgrade', host: 'h1',
  check: '[ "$KERNEL" = new ]', apply: 'echo installing', files: [], heavy: true, reboot: true, ...over,
});

function clock(waitMs = 30_000): RebootWaitOptions {
  let t = 0;
  return { waitMs, pollMs: 1_000, probeTimeoutMs: 5_000, sleep: async (ms) => void (t += ms), now: () => t };
}

describe('rebootAndCheck', () => {
  it('reboots, waits through refused connections, then the check passes on the new boot', async () => {
    const h = new RebootingHost();
    expect(await rebootAndCheck(h, step(), clock())).toEqual({ ok: true });
    expect(h.reboots).toBe(1);
    expect(h.kernel).toBe('new');
    expect(h.labels.some((l) => /rebooting: waited \d+s of 30s/.test(l))).toBe(true);
    expect(h.labels.at(-1)).toBe('kernel.upgrade (check after reboot)');
  });

  it('gives up after the bounded wait with one clear line', async () => {
    const h = new RebootingHost();
    h.stuck = true;
    const r = await rebootAndCheck(h, step(), clock(10_000));
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^did not come back from the reboot within 10s \(last: .*connection refused\)$/);
  });

  it('a host that never goes down is reported as not rebooting', async () => {
    const h = new RebootingHost();
    h.downProbes = 1_000_000;
    // the reboot never happens: the marker stays, every probe answers from the same boot
    h.run = async (script: string) => {
      h.labels.push(h.label);
      if (script.startsWith('touch ')) return { code: 0, stdout: '', stderr: '', durationMs: 1 };
      return { code: 0, stdout: 'same-boot\n', stderr: '', durationMs: 1 };
    };
    const r = await rebootAndCheck(h, step(), clock(6_000));
    expect(r).toEqual({ ok: false, error: 'did not reboot within 6s (still up on the old boot)' });
  });

  it('fails when the host is back but the check still fails (booted the old kernel)', async () => {
    const h = new RebootingHost();
    h.nextKernel = 'old';
    const r = await rebootAndCheck(h, step(), clock());
    expect(r).toMatchObject({ ok: false, error: 'rebooted, but the check still fails after the reboot', exitCode: 1 });
  });
});

describe('execStep with a reboot step', () => {
  const opts = (): StepExecOptions => ({
    timeoutMs: 5_000, heavyTimeoutMs: 5_000, heavyAttempts: 1, backoffMs: [0], sleep: async () => undefined, stopped: () => false, reboot: clock(),
  });

  it('apply then reboot then check: done; a second run only checks', async () => {
    const h = new RebootingHost();
    expect(await execStep(h, step(), [], opts())).toMatchObject({ status: 'done' });
    expect(h.reboots).toBe(1);
    expect(await execStep(h, step(), [], opts())).toMatchObject({ status: 'skipped' });
    expect(h.reboots).toBe(1);
  });

  it('a failed apply does not reboot', async () => {
    const h = new RebootingHost();
    expect(await execStep(h, step({ apply: 'exit 3' }), [], opts())).toMatchObject({ status: 'failed', exitCode: 3, error: 'apply failed' });
    expect(h.reboots).toBe(0);
  });

  it('a step without reboot whose check still fails after apply is not rebooted', async () => {
    const h = new RebootingHost();
    expect(await execStep(h, step({ reboot: undefined }), [], opts())).toMatchObject({ status: 'failed', error: 'apply succeeded but the check still fails' });
    expect(h.reboots).toBe(0);
  });
});
