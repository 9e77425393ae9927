/**
 * bin/kubeforge.mjs runs the compiled JavaScript while build/ is newer than every source file,
 * and the TypeScript through tsx otherwise. Checked on a copy of the package whose
 * node_modules lacks tsx: only the compiled path can run there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './render/helpers.ts';

let pkg: string;
const run = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [path.join(pkg, 'bin', 'kubeforge.mjs'), ...args], { cwd: REPO, env: { ...env, KUBEFORGE_CACHE_DIR: path.join(pkg, 'cache') }, reject: false });

beforeAll(async () => {
  pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-build-'));
  for (const f of ['package.json', 'templates', 'src']) fs.symlinkSync(path.join(REPO, f), path.join(pkg, f));
  fs.mkdirSync(path.join(pkg, 'bin'));
  for (const f of ['kubeforge.mjs', 'compiled.mjs']) fs.copyFileSync(path.join(REPO, 'bin', f), path.join(pkg, 'bin', f));
  fs.mkdirSync(path.join(pkg, 'node_modules'));
  for (const m of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (m !== 'tsx' && m !== '.bin') fs.symlinkSync(path.join(REPO, 'node_modules', m), path.join(pkg, 'node_modules', m));
  }
  const tsc = await execa('npx', ['tsc', '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'build'), '--noEmitOnError'], { cwd: REPO, reject: false });
  expect(tsc.exitCode, tsc.stdout + tsc.stderr).toBe(0);
  fs.writeFileSync(path.join(pkg, 'build', '.stamp'), '');
}, 120_000);
afterAll(() => fs.rmSync(pkg, { recursive: true, force: true }));

describe('the compiled CLI', () => {
  it('runs from build/ while it is fresh, with the same output as the sources give', async () => {
    const compiled = await run(['plan', '-i', 'inventories/lab.yaml']);
    expect(compiled.exitCode, compiled.stderr).toBe(0);
    const sources = await execa('node', [path.join(REPO, 'bin', 'kubeforge.mjs'), 'plan', '-i', 'inventories/lab.yaml'], { cwd: REPO, env: { KUBEFORGE_RUN: 'tsx', KUBEFORGE_CACHE_DIR: path.join(pkg, 'cache') }, reject: false });
    expect(compiled.stdout).toBe(sources.stdout);
  }, 60_000);

  it('is not used once a source file is newer: the sources run (tsx, missing here, is asked for)', async () => {
    const old = new Date(Date.now() - 10 * 365 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(pkg, 'build', '.stamp'), old, old);
    const stale = await run(['--version']);
    expect(stale.exitCode).not.toBe(0);
    expect(stale.stderr).toMatch(/Cannot find (package|module) 'tsx/);
    const forced = await run(['--version'], { KUBEFORGE_RUN: 'build' });
    expect(forced.exitCode).toBe(2);
    expect(forced.stderr).toBe('kubeforge: KUBEFORGE_RUN=build but build/ is missing or older than src/ (npm run build)');
  }, 60_000);
});
