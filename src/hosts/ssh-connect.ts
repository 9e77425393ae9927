/**
 * Establishing SSH connections: our own TCP socket with TCP_NODELAY, host key
 * verification per knownHosts mode, credentials (key, agent, password from an
 * env var), the handshake, and bastions (forwardOut over a shared connection).
 * Every failure is a HostError with one clear line.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper } from 'ssh2';
import type { SshSettings } from '../inventory/model.ts';
import { HostError, shq } from './host.ts';
import { KeyFileError, expandHome, loadPrivateKey } from './key-file.ts';
import {
  algorithmsForKeyType, blobKeyType, fingerprint, knownHostsName, readKnownHosts, recordHostKey, verifyHostKey,
} from './known-hosts.ts';
import { describeConnectError } from './ssh-errors.ts';

/** What SshHost needs from an inventory host (HostSpec fits). */
export interface SshTarget {
  name: string;
  address: string;
  ssh: SshSettings;
}

const DEFAULT_HOST_KEY_ALGOS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];
const KEEPALIVE_MS = 15_000;

export interface Conn {
  client: ssh2.Client;
  socket?: Socket;
  alive: boolean;
  sftp?: Promise<SFTPWrapper>;
}

export interface Endpoint {
  label: string;
  address: string;
  port: number;
  user: string;
  privateKeyPath?: string;
  passwordEnv?: string;
  useAgent: boolean;
  knownHosts: SshSettings['knownHosts'];
  knownHostsFile: string;
  connectTimeoutMs: number;
  /** TCP_NODELAY (default on; off only to measure what it buys) */
  noDelay?: boolean;
}

/** Open a TCP socket with TCP_NODELAY set (ssh2 does not: ~18x slower small execs), bounded by a timeout. */
export function openSocket(address: string, port: number, timeoutMs: number, noDelay = true): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.connect(port, address, () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      sock.setNoDelay(noDelay);
      sock.setKeepAlive(true, KEEPALIVE_MS);
      resolve(sock);
    });
  });
}

/** Verify host keys per the inventory's knownHosts mode; remembers why a key was refused. */
function hostKeyPolicy(ep: Endpoint): { verifier: (key: Buffer) => boolean; refusal: () => string | undefined; algorithms: ServerHostKeyAlgorithm[] } {
  const name = knownHostsName(ep.address, ep.port);
  const file = expandHome(ep.knownHostsFile);
  const known = ep.knownHosts === 'off' ? [] : readKnownHosts(file, name);
  let refused: string | undefined;
  const preferred = known.filter((k) => !k.revoked).flatMap((k) => algorithmsForKeyType(k.keyType)) as ServerHostKeyAlgorithm[];
  const algorithms = [...new Set([...preferred.filter((a) => DEFAULT_HOST_KEY_ALGOS.includes(a)), ...DEFAULT_HOST_KEY_ALGOS])];
  const verifier = (key: Buffer): boolean => {
    if (ep.knownHosts === 'off') return true;
    const v = verifyHostKey(known, key);
    const desc = `${blobKeyType(key)} ${fingerprint(key)}`;
    switch (v.status) {
      case 'known':
        return true;
      case 'new':
        if (ep.knownHosts === 'accept-new') {
          recordHostKey(file, name, key);
          return true;
        }
        refused = `host key for ${name} is not in ${file} (strict); add it or use knownHosts: accept-new (offered ${desc})`;
        return false;
      case 'changed':
        refused = `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: it offered ${desc}, the offending key is ${file}:${v.line}; if the host was reinstalled run ssh-keygen -R ${shq(name)} -f ${file}`;
        return false;
      case 'revoked':
        refused = `host key for ${name} is marked @revoked in ${file}:${v.line} (offered ${desc})`;
        return false;
    }
  };
  return { verifier, refusal: () => refused, algorithms };
}

function authConfig(ep: Endpoint, env: NodeJS.ProcessEnv): { cfg: Partial<ConnectConfig>; methods: string[] } {
  const cfg: Partial<ConnectConfig> = {};
  const methods: string[] = [];
  if (ep.privateKeyPath) {
    cfg.privateKey = loadPrivateKey(ep.privateKeyPath);
    methods.push('publickey');
  }
  if (ep.useAgent && env.SSH_AUTH_SOCK) {
    cfg.agent = env.SSH_AUTH_SOCK;
    if (!methods.includes('publickey')) methods.push('publickey');
  }
  if (ep.passwordEnv) {
    const pw = env[ep.passwordEnv];
    if (pw === undefined || pw === '') throw new KeyFileError(`environment variable ${ep.passwordEnv} (ssh password) is not set`);
    cfg.password = pw;
    methods.push('password');
  }
  if (methods.length === 0) {
    throw new KeyFileError('no SSH credentials: set ssh.privateKeyPath, a password variable, or run an ssh agent (SSH_AUTH_SOCK)');
  }
  return { cfg, methods };
}

/**
 * Bring up an authenticated connection to `ep` over `sock` (a TCP socket or a
 * channel through a bastion). Errors are HostErrors naming `label`.
 */
export async function handshake(ep: Endpoint, env: NodeJS.ProcessEnv, sock: Duplex, tcp?: Socket): Promise<Conn> {
  const endpoint = `${ep.address}:${ep.port}`;
  let auth: ReturnType<typeof authConfig>;
  try {
    auth = authConfig(ep, env);
  } catch (e) {
    sock.destroy();
    throw new HostError(ep.label, endpoint, (e as Error).message);
  }
  const policy = hostKeyPolicy(ep);
  const client = new ssh2.Client();
  const conn: Conn = { client, socket: tcp, alive: false };
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string }): void => {
      client.removeListener('ready', onReady);
      const refusal = policy.refusal();
      const reason = refusal ?? describeConnectError(err, ep.user, auth.methods, ep.connectTimeoutMs);
      client.end();
      reject(new HostError(ep.label, endpoint, reason));
    };
    const onReady = (): void => {
      client.removeListener('error', onError);
      conn.alive = true;
      resolve();
    };
    client.once('ready', onReady);
    client.once('error', onError);
    if (auth.cfg.password !== undefined) {
      // many sshd configs take passwords only through keyboard-interactive (PAM): answer every prompt with it
      const pw = auth.cfg.password;
      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => pw)));
    }
    client.connect({
      sock: sock as ConnectConfig['sock'],
      username: ep.user,
      readyTimeout: ep.connectTimeoutMs,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      hostVerifier: policy.verifier,
      algorithms: { serverHostKey: policy.algorithms },
      tryKeyboard: auth.cfg.password !== undefined,
      ...auth.cfg,
    });
  });
  const dead = (): void => {
    conn.alive = false;
  };
  client.on('close', dead);
  client.on('end', dead);
  // after ready, errors (keepalive timeouts, resets) only mark the connection dead
  client.on('error', dead);
  return conn;
}

export function endpointOf(t: SshTarget): Endpoint {
  return {
    label: t.name, address: t.address, port: t.ssh.port, user: t.ssh.user, privateKeyPath: t.ssh.privateKeyPath,
    passwordEnv: t.ssh.passwordEnv, useAgent: t.ssh.useAgent, knownHosts: t.ssh.knownHosts,
    knownHostsFile: t.ssh.knownHostsFile, connectTimeoutMs: t.ssh.connectTimeoutMs,
  };
}

/** One connection per bastion, shared by every host behind it; reopened when it drops. */
export class BastionPool {
  private conns = new Map<string, Promise<Conn>>();

  async channel(t: SshTarget, env: NodeJS.ProcessEnv): Promise<Duplex> {
    const b = t.ssh.bastion;
    if (!b) throw new Error('no bastion');
    const ep: Endpoint = {
      label: `bastion ${b.host}`, address: b.host, port: b.port, user: b.user, privateKeyPath: b.privateKeyPath ?? t.ssh.privateKeyPath,
      passwordEnv: b.passwordEnv, useAgent: t.ssh.useAgent, knownHosts: t.ssh.knownHosts, knownHostsFile: t.ssh.knownHostsFile,
      connectTimeoutMs: t.ssh.connectTimeoutMs,
    };
    const key = `${b.user}@${b.host}:${b.port}`;
    let pending = this.conns.get(key);
    const current = pending ? await pending.catch(() => undefined) : undefined;
    if (!pending || !current?.alive) {
      pending = connectDirect(ep, env);
      this.conns.set(key, pending);
      pending.catch(() => this.conns.delete(key));
    }
    const conn = await pending;
    return new Promise((resolve, reject) => {
      conn.client.forwardOut('127.0.0.1', 0, t.address, t.ssh.port, (err, ch) => {
        if (err) {
          reject(new HostError(t.name, `${t.address}:${t.ssh.port}`, `unreachable through bastion ${b.host}: ${err.message}`));
          return;
        }
        resolve(ch);
      });
    });
  }

  closeAll(): void {
    for (const p of this.conns.values()) p.then((c) => c.client.end(), () => undefined);
    this.conns.clear();
  }
}

export async function connectDirect(ep: Endpoint, env: NodeJS.ProcessEnv): Promise<Conn> {
  let sock: Socket;
  try {
    sock = await openSocket(ep.address, ep.port, ep.connectTimeoutMs, ep.noDelay ?? true);
  } catch (e) {
    throw new HostError(ep.label, `${ep.address}:${ep.port}`, describeConnectError(e as Error, ep.user, [], ep.connectTimeoutMs));
  }
  return handshake(ep, env, sock, sock);
}

