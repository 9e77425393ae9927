/**
 * Password authentication (plain and keyboard-interactive), against an
 * in-process ssh2 server: the loopback sshd cannot check a password we know.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { SshHost } from '../../../src/hosts/ssh.ts';

let dir: string;
let server: ssh2.Server;
let port: number;
const PASSWORD = 'p@ss word';

function listen(mode: 'password' | 'keyboard-interactive'): Promise<void> {
  server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (client) => {
    client.on('authentication', (ctx) => {
      if (mode === 'password' && ctx.method === 'password' && ctx.username === 'deploy' && ctx.password === PASSWORD) return ctx.accept();
      if (mode === 'keyboard-interactive' && ctx.method === 'keyboard-interactive') {
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (answers[0] === PASSWORD ? ctx.accept() : ctx.reject()));
      }
      ctx.reject([mode]);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().once('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          stream.write(`ran: ${info.command}\n`);
          stream.exit(0);
          stream.end();
        });
      });
    });
    client.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
    resolve();
  }));
}

const target = (passwordEnv: string) => ({
  name: 'k8s-node01', address: '127.0.0.1',
  ssh: { user: 'deploy', port, passwordEnv, useAgent: false, knownHosts: 'off' as const, knownHostsFile: join(dir, 'kh'), connectTimeoutMs: 3000, sudoPasswordEnv: undefined },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kf-pw-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('password from the environment variable the inventory names', () => {
  for (const mode of ['password', 'keyboard-interactive'] as const) {
    it(`logs in with ${mode}`, async () => {
      await listen(mode);
      try {
        // deploy is not root: the run goes through sudo (the fake server only echoes the command)
        const ok = new SshHost(target('KF_PW'), { env: { KF_PW: PASSWORD } });
        const r = await ok.run('id -u', { sudo: false });
        // each command carries its tag (KUBEFORGE_CMD=...) so an interrupt can end it
        expect(r.stdout).toMatch(/^ran: KUBEFORGE_CMD=[0-9a-f]{12} bash -c 'id -u'\n$/);
        await ok.close();
        const bad = new SshHost(target('KF_PW'), { env: { KF_PW: 'wrong' } });
        await expect(bad.run('true')).rejects.toThrow(`k8s-node01 (127.0.0.1:${port}): authentication failed for deploy (password)`);
        await bad.close();
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  }
});
