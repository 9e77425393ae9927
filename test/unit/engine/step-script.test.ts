import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStepOutput, stepScript } from '../../../src/engine/step-script.ts';

const run = (script: string): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', input: 'stdin must not reach the parts\n' });
  return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
};

describe('check || apply in one exec', () => {
  it('stops after a passing check', () => {
    const r = run(stepScript('echo checking; exit 0', 'echo SHOULD-NOT-RUN', 'n1'));
    expect(r.code).toBe(0);
    const p = parseStepOutput(r.stdout, r.stderr, 'n1');
    expect(p).toEqual({ check: { code: 0, stdout: 'checking\n', stderr: '' } });
    expect(r.stdout).not.toContain('SHOULD-NOT-RUN');
  });

  it('applies when the check fails, then confirms with the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-step-'));
    const check = `test -f ${dir}/flag`;
    const apply = `# a comment with 'quotes' and "double" and $vars\nread x || true; echo "read: [$x]"\ntouch ${dir}/flag\necho warn >&2`;
    const r = run(stepScript(check, apply, 'n2'));
    expect(r.code).toBe(0);
    const p = parseStepOutput(r.stdout, r.stderr, 'n2');
    expect(p.check?.code).toBe(1);
    expect(p.apply).toEqual({ code: 0, stdout: 'read: []\n', stderr: 'warn\n' });
    expect(p.verify?.code).toBe(0);
    expect(existsSync(`${dir}/flag`)).toBe(true);
    execFileSync('rm', ['-rf', dir]);
  });

  it('reports a failing apply with its exit code, and a verify that still fails', () => {
    const a = run(stepScript('exit 1', 'echo boom >&2; exit 7', 'n3'));
    expect(a.code).toBe(7);
    expect(parseStepOutput(a.stdout, a.stderr, 'n3').apply).toEqual({ code: 7, stdout: '', stderr: 'boom\n' });
    const v = run(stepScript('echo nope; exit 3', 'true', 'n4'));
    expect(v.code).toBe(3);
    const p = parseStepOutput(v.stdout, v.stderr, 'n4');
    expect(p.verify).toEqual({ code: 3, stdout: 'nope\n', stderr: '' });
  });

  it('ignores marker lookalikes with another nonce', () => {
    const r = run(stepScript("printf '\\n@@kf:other check=0\\n'; exit 1", 'true', 'n5'));
    const p = parseStepOutput(r.stdout, r.stderr, 'n5');
    expect(p.check?.code).toBe(1);
    expect(p.apply?.code).toBe(0);
  });
});

describe('batched checks (precheck)', () => {
  it('one exec reports every check; a check cannot fake another step\'s marker', async () => {
    const { precheckStates } = await import('../../../src/engine/precheck.ts');
    const { LocalHost } = await import('./local-host.ts');
    const h = new LocalHost('m1');
    const step = (id: string, check: string) => ({ id, phase: 'os' as const, title: id, host: 'm1', check, apply: 'true', files: [] });
    const steps = [step('a', 'true'), step('b', 'exit 3'), step('c', 'read x; test -z "$x"'), step('d', "echo '@@kf:fake check 0 0'; false")];
    const states = await precheckStates(h, steps);
    expect([...(states ?? [])].map(([s, st]) => [s.id, st])).toEqual([['a', 'done'], ['b', 'to-do'], ['c', 'done'], ['d', 'to-do']]);
    expect(h.execs).toHaveLength(1);
  });
});
