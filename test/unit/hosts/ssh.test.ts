import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Socket } from 'node:net';
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BastionPool, SshHost } from '../../../src/hosts/ssh.ts';
import { execFileSync, spawn } from 'node:child_process';
import { HostError } from '../../../src/hosts/host.ts';
import { sessionPids, startSshd, type SshdFixture } from './sshd-fixture.ts';

let sshd: SshdFixture;
const hosts: SshHost[] = [];
const host = (over: Parameters<SshdFixture['settings']>[0] = {}, name = 'k8s-node01'): SshHost => {
  const h = new SshHost({ name, address: '127.0.0.1', ssh: sshd.settings(over) }, { reconnectBackoffMs: [100, 200] });
  hosts.push(h);
  return h;
};
const failure = async (p: Promise<unknown>): Promise<HostError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof HostError) return e;
    throw e;
  }
  throw new Error('expected a HostError');
};

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await sshd?.stop();
});

describe('SshHost against a loopback sshd', () => {
  it('runs scripts with exit codes, stdout, stderr, stdin and env', async () => {
    const h = host();
    const r = await h.run('echo out; echo err >&2; read x; echo "got $x"; exit 3', { stdin: 'hello\n' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('out\ngot hello\n');
    expect(r.stderr).toBe('err\n');
    expect((await h.run('echo "$FOO"', { env: { FOO: "it's $HOME" } })).stdout).toBe("it's $HOME\n");
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect((await h.run('whoami')).stdout.trim()).toBe('root');
  });

  it('puts files with their mode (creating parent dirs), gets them back, reuses one connection', async () => {
    const h = host();
    const target = join(sshd.dir, 'sub', 'dir', 'file.conf');
    await h.put(target, 'a=1\n', 0o640);
    expect(readFileSync(target, 'utf8')).toBe('a=1\n');
    expect((await h.run(`stat -c %a ${target}`)).stdout.trim()).toBe('640');
    await h.put(target, 'a=2\n', 0o600);
    expect((await h.get(target)).toString()).toBe('a=2\n');
    expect((await h.run(`stat -c %a ${target}`)).stdout.trim()).toBe('600');
    const e = await failure(h.get(join(sshd.dir, 'missing')));
    expect(e.message).toContain('no such file');
    // every operation above went over one SSH connection
    expect(sessionPids(sshd.pid()).length).toBeGreaterThanOrEqual(1);
    const before = (await h.socket())?.localPort;
    await h.run('true');
    expect((await h.socket())?.localPort).toBe(before);
  });

  it('sets TCP_NODELAY on the connection socket (and reports what it buys)', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    const h = host();
    await h.connect();
    const sock = await h.socket();
    expect(spy.mock.contexts).toContain(sock);
    expect(spy.mock.calls[spy.mock.contexts.indexOf(sock)]).toEqual([true]);
    spy.mockRestore();
    // what it buys, printed for the record (this machine's root ~/.bashrc dominates each exec here)
    const slow = new SshHost({ name: 'nagle', address: '127.0.0.1', ssh: sshd.settings() }, { noDelay: false });
    hosts.push(slow);
    const timeIt = async (x: SshHost): Promise<string> => {
      await x.run('true');
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) await x.run('true');
      const p0 = performance.now();
      await x.put(join(sshd.dir, 'four-k'), 'x'.repeat(4096), 0o644);
      return `${((p0 - t0) / 10).toFixed(1)} ms/exec, 4 KB put ${(performance.now() - p0).toFixed(1)} ms`;
    };
    console.log(`with TCP_NODELAY: ${await timeIt(h)}; without: ${await timeIt(slow)}`);
  });

  it('strict known_hosts refuses an unknown key with one clear line', async () => {
    const h = host({ knownHosts: 'strict', knownHostsFile: join(sshd.dir, 'kh-empty') });
    const e = await failure(h.run('true'));
    expect(e.message).toMatch(new RegExp(`^k8s-node01 \\(127\\.0\\.0\\.1:${sshd.port}\\): host key for \\[127\\.0\\.0\\.1\\]:${sshd.port} is not in .*kh-empty \\(strict\\); add it or use knownHosts: accept-new`));
    expect(e.message).not.toContain('\n');
  });

  it('strict accepts a known key, also from a hashed entry', async () => {
    const plain = join(sshd.dir, 'kh-plain');
    writeFileSync(plain, `# comment\n${sshd.knownHostsLine}\n`);
    expect((await host({ knownHosts: 'strict', knownHostsFile: plain }).run('echo ok')).stdout).toBe('ok\n');
    const hashed = join(sshd.dir, 'kh-hashed');
    copyFileSync(plain, hashed);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/m);
    expect((await host({ knownHosts: 'strict', knownHostsFile: hashed }).run('echo ok')).stdout).toBe('ok\n');
  });

  it('accept-new records a first-seen key, then refuses a changed one', async () => {
    const file = join(sshd.dir, 'kh-new');
    await host({ knownHosts: 'accept-new', knownHostsFile: file }).run('true');
    const recorded = readFileSync(file, 'utf8');
    expect(recorded).toBe(`${sshd.knownHostsLine}\n`);
    // a second connection finds it and adds nothing
    await host({ knownHosts: 'accept-new', knownHostsFile: file }).run('true');
    expect(readFileSync(file, 'utf8')).toBe(recorded);
    const otherPub = readFileSync(`${sshd.otherKey}.pub`, 'utf8').split(/\s+/);
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherPub[0]} ${otherPub[1]}\n`);
    const e = await failure(host({ knownHosts: 'accept-new', knownHostsFile: file }).run('true'));
    expect(e.message).toContain(`REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:${sshd.port}`);
    expect(e.message).toContain(`${file}:1`);
  });

  it('a wrong key gives "authentication failed for root (publickey)"', async () => {
    const e = await failure(host({ privateKeyPath: sshd.otherKey }).run('true'));
    expect(e.message).toBe(`k8s-node01 (127.0.0.1:${sshd.port}): authentication failed for root (publickey)`);
  });

  it('an unreachable host (closed port) gives one clear line', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const e = await failure(host({ port }).run('true'));
    expect(e.message).toBe(`k8s-node01 (127.0.0.1:${port}): unreachable: connection refused (is sshd listening on that port?)`);
  });

  it('refuses a private key readable by group/other, as OpenSSH does', async () => {
    const loose = join(sshd.dir, 'loose');
    copyFileSync(sshd.clientKey, loose);
    chmodSync(loose, 0o644);
    const e = await failure(host({ privateKeyPath: loose }).run('true'));
    expect(e.message).toBe(`k8s-node01 (127.0.0.1:${sshd.port}): UNPROTECTED PRIVATE KEY FILE: permissions 0644 for '${loose}' are too open (group/other must not read it); run chmod 600 ${loose}`);
    chmodSync(loose, 0o600);
    expect((await host({ privateKeyPath: loose }).run('echo ok')).stdout).toBe('ok\n');
  });

  it('reconnects and retries the command once when the connection is killed mid-command', async () => {
    const h = host();
    await h.connect();
    const marker = join(sshd.dir, 'runs');
    const running = h.run(`echo x >> ${marker}; sleep 1; echo finished`);
    await new Promise((r) => setTimeout(r, 400));
    const killed = sessionPids(sshd.pid());
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('finished\n');
    expect(readFileSync(marker, 'utf8')).toBe('x\nx\n');
    expect(h.reconnects).toBe(1);
  });

  it('times a command out with code 124', async () => {
    const r = await host().run('sleep 5', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBe(124);
    expect(r.durationMs).toBeLessThan(3000);
  });

  it('reads an ssh password from the variable the inventory names and reports a missing one', async () => {
    const e = await failure(host({ privateKeyPath: undefined, passwordEnv: 'KF_TEST_NO_SUCH_VAR' }).run('true'));
    expect(e.message).toContain('environment variable KF_TEST_NO_SUCH_VAR (ssh password) is not set');
    expect(existsSync(sshd.clientKey)).toBe(true);
  });

  it('goes through a bastion (forwardOut over the bastion connection), verifying both host keys', async () => {
    const kh = join(sshd.dir, 'kh-bastion');
    writeFileSync(kh, `${sshd.knownHostsLine}\n`);
    const bastions = new BastionPool();
    const behind = (name: string): SshHost => new SshHost({
      name, address: '127.0.0.1',
      ssh: sshd.settings({ knownHosts: 'strict', knownHostsFile: kh, bastion: { host: '127.0.0.1', port: sshd.port, user: 'root' } }),
    }, { bastions });
    const a = behind('k8s-node01');
    const b = behind('k8s-node02');
    try {
      expect((await a.run('echo $SSH_CONNECTION')).stdout).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
      expect((await b.run('echo ok')).stdout).toBe('ok\n');
      // one bastion connection + one per host behind it
      expect(sessionPids(sshd.pid()).length).toBeGreaterThanOrEqual(3);
    } finally {
      await a.close();
      await b.close();
      bastions.closeAll();
    }
  });

  it('authenticates with the ssh agent', async () => {
    const sock = join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const h = new SshHost({ name: 'k8s-node01', address: '127.0.0.1', ssh: sshd.settings({ privateKeyPath: undefined, useAgent: true }) }, { env: { SSH_AUTH_SOCK: sock } });
      hosts.push(h);
      expect((await h.run('echo agent')).stdout).toBe('agent\n');
    } finally {
      agent.kill('SIGTERM');
    }
  });
});
