/**
 * A host that goes away between two commands (a reboot: its connections closed, then its port
 * refusing for a while): the next command waits for it, says so, and runs once it is back.
 * Against an in-process ssh2 server that can be stopped and started on the same port.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { SshHost } from '../../../src/hosts/ssh.ts';

let dir: string;
let port = 0;
let server: ssh2.Server | undefined;
const clients = new Set<ssh2.Connection>();

/** Listen (on `port` once known); every exec answers "ok <n>" with the count of the server's starts. */
function start(n: number): Promise<void> {
  server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => (ctx.method === 'password' && ctx.password === 'pw' ? ctx.accept() : ctx.reject(['password'])));
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().once('exec', (acceptExec) => {
          const stream = acceptExec();
          stream.write(`ok ${n}\n`);
          stream.exit(0);
          stream.end();
        });
      });
    });
    client.on('error', () => undefined);
  });
  return new Promise((resolve) => server?.listen(port, '127.0.0.1', () => {
    const a = server?.address();
    port = typeof a === 'object' && a ? a.port : 0;
    resolve();
  }));
}

/** Like a host going down: stop listening and close every connection. */
async function stop(): Promise<void> {
  const s = server;
  for (const c of clients) c.end();
  await new Promise((r) => s?.close(r));
}

const target = () => ({
  name: 'k8s-node01', address: '127.0.0.1',
  ssh: { user: 'root', port, passwordEnv: 'KF_PW', useAgent: false, knownHosts: 'off' as const, knownHostsFile: join(dir, 'kh'), connectTimeoutMs: 3000, sudoPasswordEnv: undefined },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kf-reconnect-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a host that goes away between commands', () => {
  it('the next command waits for it (saying so), then runs on a new connection', async () => {
    await start(1);
    const notices: string[] = [];
    const host = new SshHost(target(), { env: { KF_PW: 'pw' }, reconnectBackoffMs: [100], notice: (_h, l) => notices.push(l) });
    try {
      expect((await host.run('x')).stdout).toBe('ok 1\n');
      await stop();
      await settle(100);
      // back 700 ms later, on the same port
      const back = settle(700).then(() => start(2));
      const r = await host.run('x');
      await back;
      expect(r.stdout).toBe('ok 2\n');
      expect(host.reconnects).toBe(1);
      expect(notices).toHaveLength(2);
      expect(notices[0]).toBe('k8s-node01: connection lost during a command; waiting up to 180s for it to come back');
      expect(notices[1]).toMatch(/^k8s-node01: back after \d+\.\ds; running a command again$/);
    } finally {
      await host.close();
    }
  });

  it('with reconnect: false (a reboot probe) the command fails at once instead', async () => {
    const host = new SshHost(target(), { env: { KF_PW: 'pw' }, reconnectBackoffMs: [100] });
    try {
      expect((await host.run('x')).stdout).toMatch(/^ok \d\n$/);
      await stop();
      await settle(100);
      await expect(host.run('x', { reconnect: false })).rejects.toThrow(`k8s-node01 (127.0.0.1:${port}): connection lost during a command`);
    } finally {
      await host.close();
      await start(3);
    }
  });

  it('a host never reached is not waited for: one clear line at once', async () => {
    await stop();
    const host = new SshHost(target(), { env: { KF_PW: 'pw' } });
    await expect(host.run('x')).rejects.toThrow(/unreachable: connection refused/);
    await host.close();
    await start(4);
  });
});
