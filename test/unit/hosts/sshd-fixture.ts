/**
 * A real OpenSSH server on 127.0.0.1:<free port> for the SSH tests: its own host
 * key, a client key in authorized_keys, everything in a temp dir removed by stop().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshSettings } from '../../../src/inventory/model.ts';

export interface SshdFixture {
  dir: string;
  port: number;
  /** client private key accepted by the server */
  clientKey: string;
  /** a key the server does not accept */
  otherKey: string;
  /** `127.0.0.1 ssh-ed25519 AAAA...` style line for this server (as [127.0.0.1]:port) */
  knownHostsLine: string;
  /** the main sshd's pid (its children serve connections) */
  pid(): number;
  settings(over?: Partial<SshSettings>): SshSettings;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const keygen = (file: string): void => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
};

/** pids of the sshd processes serving connections of the listener `pid`. */
export function sessionPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function startSshd(): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'kf-sshd-'));
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'client'));
  keygen(join(dir, 'other'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true });
  const proc: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitListening(port, 5000);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  const hostPub = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
  return {
    dir,
    port,
    clientKey: join(dir, 'client'),
    otherKey: join(dir, 'other'),
    knownHostsLine: `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}`,
    pid: () => proc.pid ?? 0,
    settings: (over = {}) => ({
      user: 'root', port, privateKeyPath: join(dir, 'client'), useAgent: false, knownHosts: 'off',
      knownHostsFile: join(dir, 'known_hosts'), connectTimeoutMs: 3000, ...over,
    }),
    stop: async () => {
      // per-connection children outlive the listener when clients are still attached: end them too
      const children = sessionPids(proc.pid ?? 0);
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 2000).unref();
      });
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
