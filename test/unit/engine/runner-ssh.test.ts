import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPhases } from '../../../src/engine/runner.ts';
import { Journal } from '../../../src/engine/journal.ts';
import { PlainReporter } from '../../../src/engine/output-plain.ts';
import { SshHost } from '../../../src/hosts/ssh.ts';
import type { Phase } from '../../../src/phases/types.ts';
import { startSshd, type SshdFixture } from '../hosts/sshd-fixture.ts';

let sshd: SshdFixture;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

describe('runner over real SSH', () => {
  it('converges, then a second run applies nothing with one exec per step (+1 per host for file states)', async () => {
    const d = sshd.dir;
    const phases: Phase[] = [{
      id: 'kernel', title: 'kernel modules and sysctl', hosts: ['n1'],
      steps: {
        n1: [
          {
            id: 'kernel.modules', phase: 'kernel', title: 'modules persisted', host: 'n1',
            files: [{ path: `${d}/etc/modules-load.d/k8s.conf`, content: 'overlay\nbr_netfilter\n', mode: 0o644, backup: true }],
            check: `test -f ${d}/loaded`, apply: `touch ${d}/loaded`,
          },
          {
            id: 'kernel.sysctl', phase: 'kernel', title: 'sysctl', host: 'n1',
            files: [{ path: `${d}/etc/sysctl.d/k8s.conf`, content: 'net.ipv4.ip_forward = 1\n', mode: 0o644, backup: true }],
            check: `grep -q ip_forward ${d}/etc/sysctl.d/k8s.conf && test -f ${d}/sysctl-applied`, apply: `touch ${d}/sysctl-applied`,
          },
          { id: 'kernel.noop', phase: 'kernel', title: 'already so', host: 'n1', files: [], check: 'true', apply: 'false' },
        ],
      },
    }];
    const once = async (precheck?: string[]): Promise<{ lines: string[]; log: string }> => {
      const host = new SshHost({ name: 'n1', address: '127.0.0.1', ssh: sshd.settings() });
      const journal = new Journal({ root: d, command: 'up' });
      const lines: string[] = [];
      try {
        const out = await runPhases({ phases, host: () => host, journal, reporter: new PlainReporter((l) => lines.push(l)), precheck });
        expect(out.ok).toBe(true);
      } finally {
        await host.close();
      }
      await new Promise((r) => setTimeout(r, 5));
      return { lines, log: readFileSync(join(journal.dir, 'n1.log'), 'utf8') };
    };
    const first = await once();
    expect(first.lines).toContain('[kernel] n1: kernel.modules ... done');
    expect(first.lines).toContain('[kernel] n1: kernel.noop ... skipped');
    expect(readFileSync(`${d}/etc/sysctl.d/k8s.conf`, 'utf8')).toBe('net.ipv4.ip_forward = 1\n');
    const second = await once();
    expect(second.lines).toContain('nothing to do: the cluster is converged (3 steps checked, 0 applied)');
    const execs = second.log.split('\n').filter((l) => l.startsWith('=== ')).length;
    expect(execs).toBe(4);
    expect(readdirSync(`${d}/etc/sysctl.d`)).toEqual(['k8s.conf']);

    // with the precheck: every step checked in ONE exec, the same answer
    const third = await once(['n1']);
    expect(third.lines).toContain('nothing to do: the cluster is converged (3 steps checked, 0 applied)');
    expect(third.log.split('\n').filter((l) => l.startsWith('=== '))).toEqual([expect.stringMatching(/ precheck \(3 steps\)$/)]);

    // a managed file changed behind kubeforge's back: the precheck does not vouch for that step,
    // it is rewritten (with a backup) and every later step is checked again on its own
    writeFileSync(`${d}/etc/sysctl.d/k8s.conf`, 'net.ipv4.ip_forward = 0\n');
    const fourth = await once(['n1']);
    expect(fourth.lines).toContain('[kernel] n1: kernel.modules ... skipped');
    expect(fourth.lines).toContain('[kernel] n1: kernel.sysctl ... done');
    expect(readFileSync(`${d}/etc/sysctl.d/k8s.conf`, 'utf8')).toBe('net.ipv4.ip_forward = 1\n');
    expect(fourth.log).toMatch(/^=== \S+ kernel\.noop$/m);
  });
});
