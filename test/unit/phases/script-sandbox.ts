/**
 * For tests that run the phases' real scripts with bash: a fresh temp dir per test, whose bin/
 * comes first on PATH so that stand-ins replace the system commands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach } from 'vitest';

export interface ScriptSandbox {
  /** the current test's directory */
  readonly dir: string;
  run(script: string): Promise<{ exitCode?: number; stdout: string; stderr: string }>;
}

export function scriptSandbox(prefix: string): ScriptSandbox {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.mkdirSync(path.join(dir, 'bin'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    run: async (script) => {
      const r = await execa('bash', ['-c', script], { env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` }, reject: false });
      return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
  };
}
