import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { combinedScript, stepScript } from '../../../scripts/bench/prep-scripts.ts';
import type { HostStep } from '../../../src/phases/types.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfb-steps-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const step = (id: string, over: Partial<HostStep> = {}): HostStep => ({
  id, phase: 'os', title: id, host: 'h1', check: 'exit 1', apply: 'true', files: [], ...over,
});
const bash = (script: string): { code: number; out: string } => {
  const r = spawnSync('bash', ['-s'], { input: script, encoding: 'utf8' });
  return { code: r.status ?? 1, out: r.stdout + r.stderr };
};

describe('stepScript (what OpenSSH, the combined script and Ansible run)', () => {
  it('runs apply only when the check fails, then confirms with the check', () => {
    const flag = path.join(dir, 'flag');
    const log = path.join(dir, 'log');
    const s = step('os.flag', { check: `test -f ${flag}`, apply: `echo applied >> ${log}; touch ${flag}` });
    expect(bash(stepScript(s)).code).toBe(0);
    expect(bash(stepScript(s)).code).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('applied\n');
  });

  it('fails with the apply exit code, or when the check still fails after apply', () => {
    expect(bash(stepScript(step('a', { apply: 'exit 7' }))).code).toBe(7);
    expect(bash(stepScript(step('b', { apply: 'true', check: 'exit 3' }))).code).toBe(3);
  });

  it('writes files only when content or mode differ, backs up a different file, and says which changed', () => {
    const f = path.join(dir, 'sub', "it's.conf");
    const seen = path.join(dir, 'changed');
    const content = 'a=1\n'.repeat(100) + 'ünïcode $HOME `x`\n';
    // apply logs the changed files; the check passes once it ran (ok removed to make it run again)
    const ok = path.join(dir, 'ok');
    const s = step('kernel.sysctl', { files: [{ path: f, content, mode: 0o640, backup: true }], check: `test -f ${ok}`, apply: `echo "[$KUBEFORGE_CHANGED_FILES]" >> ${seen}; touch ${ok}` });
    expect(bash(stepScript(s)).code).toBe(0);
    expect(fs.readFileSync(f, 'utf8')).toBe(content);
    expect((fs.statSync(f).mode & 0o777).toString(8)).toBe('640');
    fs.rmSync(ok);
    expect(bash(stepScript(s)).code).toBe(0);
    fs.rmSync(ok);
    fs.writeFileSync(f, 'old\n');
    expect(bash(stepScript(s)).code).toBe(0);
    expect(fs.readFileSync(f, 'utf8')).toBe(content);
    expect(fs.readFileSync(seen, 'utf8')).toBe(`[${f}]\n[]\n[${f}]\n`);
    const baks = fs.readdirSync(path.dirname(f)).filter((n) => n.includes('.kubeforge-bak-'));
    expect(baks).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(f), baks[0]), 'utf8')).toBe('old\n');
  });
});

describe('combinedScript', () => {
  it('runs the steps in order in one process and stops at the first failure', () => {
    const log = path.join(dir, 'log');
    const s = combinedScript([
      step('one', { apply: `echo one >> ${log}`, check: `grep -q one ${log}` }),
      step('two', { apply: 'exit 5' }),
      step('three', { apply: `echo three >> ${log}` }),
    ]);
    const r = bash(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain('step two failed');
    expect(fs.readFileSync(log, 'utf8')).toBe('one\n');
    expect(execFileSync('bash', ['-n'], { input: s }).toString()).toBe('');
  });
});
