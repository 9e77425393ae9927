import { describe, expect, it } from 'vitest';
import { execa } from 'execa';

const bin = new URL('../../bin/kubeforge.mjs', import.meta.url).pathname;

describe('cli', () => {
  it('lists every verb of the design in --help', async () => {
    const r = await execa('node', [bin, '--help']);
    for (const verb of ['up', 'plan', 'join', 'token', 'kubeconfig', 'doctor', 'reset', 'lab']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    }
  });

  it('exits 2 on a missing required option, with no stack trace', async () => {
    const r = await execa('node', [bin, 'plan'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("required option '-i, --inventory <file>'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
