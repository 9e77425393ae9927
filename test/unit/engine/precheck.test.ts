import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrecheck, precheckScript } from '../../../src/engine/precheck.ts';
import type { HostStep } from '../../../src/phases/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'kf-precheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const step = (id: string, check: string, files: HostStep['files'] = []): HostStep => ({ id, phase: 'os', title: id, host: 'h', check, apply: 'false', files });
const run = (steps: HostStep[], nonce: string): string => spawnSync('bash', ['-c', precheckScript(steps, nonce)], { encoding: 'utf8' }).stdout;

describe('precheck: every check of a host in one script', () => {
  it('passes the steps whose check exits 0 and whose files are as rendered, content and mode', () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'x=1\n', { mode: 0o644 });
    const steps = [
      step('ok', 'true'),
      step('fails', 'exit 3'),
      step('file-ok', `grep -q x=1 ${f}`, [{ path: f, content: 'x=1\n', mode: 0o644, backup: true }]),
      step('file-differs', 'true', [{ path: f, content: 'x=2\n', mode: 0o644, backup: true }]),
      step('mode-differs', 'true', [{ path: f, content: 'x=1\n', mode: 0o600, backup: true }]),
      step('file-missing', 'true', [{ path: join(dir, 'none'), content: '', mode: 0o644, backup: true }]),
      step('reads-stdin', 'read -r x; test -n "$x"'),
      step('sees-no-changed-files', 'test -z "$KUBEFORGE_CHANGED_FILES"'),
    ];
    const passed = parsePrecheck(run(steps, 'n1'), steps, 'n1');
    expect([...passed].map((s) => s.id)).toEqual(['ok', 'file-ok', 'sees-no-changed-files']);
  });

  it('trusts nothing from output cut short or from another run (nonce)', () => {
    const f = join(dir, 'b.conf');
    writeFileSync(f, 'y\n');
    const steps = [step('ok', 'true', [{ path: f, content: 'y\n', mode: 0o644, backup: true }]), step('ok2', 'true')];
    const out = run(steps, 'n2');
    expect(parsePrecheck(out, steps, 'n2').size).toBe(2);
    expect(parsePrecheck(out, steps, 'other').size).toBe(0);
    expect(parsePrecheck('', steps, 'n2').size).toBe(0);
  });
});
