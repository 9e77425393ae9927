/**
 * Every fixture under test/fixtures/inventories/bad holds exactly one problem; its header
 * names the field, and the line marked "<- here" is the line the error must name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/index.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = path.join(root, 'test/fixtures/inventories/bad');
const bin = path.join(root, 'bin/kubeforge.mjs');

interface Fixture {
  name: string;
  file: string;
  field: string;
  line: number;
}

const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => {
    const file = path.join(dir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    const field = /^# field: (.+)$/m.exec(lines.join('\n'))?.[1] ?? '';
    const line = lines.findIndex((l) => !l.startsWith('#') && l.includes('<- here')) + 1;
    return { name, file, field, line };
  });

/** "FILE:LINE: field: " (or "FILE:LINE: YAML: " for syntax errors) */
const expectedPrefix = (f: Fixture, file = f.file): string => `${file}:${f.line}: ${f.field === '(YAML)' ? 'YAML' : f.field}: `;

describe('bad inventories', () => {
  it('has at least 35 fixtures, each with a field and a marked line', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(35);
    for (const f of fixtures) {
      expect(f.field, f.name).not.toBe('');
      expect(f.line, f.name).toBeGreaterThan(0);
    }
  });

  for (const f of fixtures) {
    it(`${f.name}: one problem, naming its line and field`, () => {
      let err: unknown;
      try {
        loadInventory(f.file);
      } catch (e) {
        err = e;
      }
      expect(err, 'loadInventory accepted it').toBeInstanceOf(InputError);
      const message = (err as Error).message;
      expect(message.split('\n'), message).toHaveLength(1);
      expect(message.startsWith(expectedPrefix(f)), message).toBe(true);
      // every message says what was expected (YAML syntax errors speak for themselves)
      if (f.field !== '(YAML)') expect(message).toMatch(/\(.*expected.*\)$|\(did you mean/);
    });
  }
});

// `plan` is another engineer's verb: these run once it loads the inventory.
const planProbe = await execa('node', [bin, 'plan', '-i', path.join(root, 'inventories/lab.yaml')], { reject: false, timeout: 30_000 });
const planWired = !/not implemented/.test(planProbe.stderr);

describe.skipIf(!planWired)('bad inventories through the CLI (kubeforge plan)', () => {
  const sample = ['inline-ssh-password.yaml', 'unknown-cluster-key.yaml', 'pod-service-overlap.yaml', 'docker-after-dockershim.yaml', 'yaml-syntax-error.yaml'];
  for (const name of sample) {
    it(`${name}: exit 2, file:line and field, no stack trace`, async () => {
      const f = fixtures.find((x) => x.name === name);
      if (!f) throw new Error(`fixture ${name} is missing`);
      const rel = path.relative(root, f.file);
      const r = await execa('node', [bin, 'plan', '-i', rel], { cwd: root, reject: false, timeout: 30_000 });
      expect(r.exitCode).toBe(2);
      expect(r.stderr.startsWith(`kubeforge: ${expectedPrefix(f, rel)}`), r.stderr).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }
});
