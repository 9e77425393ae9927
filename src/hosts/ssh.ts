/**
 * Host over SSH (ssh2): one connection per host, reused; TCP_NODELAY on our own
 * socket; keepalive; host key verification against known_hosts; sudo for
 * non-root users; a bastion through forwardOut; reconnect + one retry when the
 * connection drops mid-command (steps are idempotent).
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { HostError, shq, type Host, type RunOptions, type RunResult } from './host.ts';
import { describeSudoFailure } from './ssh-errors.ts';
import { BastionPool, connectDirect, endpointOf, handshake, type Conn, type SshTarget } from './ssh-connect.ts';
import { Semaphore } from './semaphore.ts';
import { commandLine } from './command-line.ts';

export type { SshTarget } from './ssh-connect.ts';
export { BastionPool, openSocket } from './ssh-connect.ts';

export interface SshHostOptions {
  /** where passwords are read from (the inventory names the variables); default process.env */
  env?: NodeJS.ProcessEnv;
  /** default command timeout; default 10 min */
  commandTimeoutMs?: number;
  /** waits before reconnect attempts after a drop; default 0.5 s, 1 s, 2 s, 4 s */
  reconnectBackoffMs?: number[];
  /** how long to keep trying to reconnect after a drop (a rebooting host); default 3 min */
  reconnectWaitMs?: number;
  /** connections to bastions, shared between hosts */
  bastions?: BastionPool;
  /** TCP_NODELAY on the connection socket; default true (false only to measure the difference) */
  noDelay?: boolean;
  /** notices worth a log line (reconnects); never carries secrets */
  log?: (line: string) => void;
}

class ConnectionLost extends Error {}

/** OpenSSH's default MaxSessions is 10: stay under it on one connection. */
const MAX_CHANNELS = 8;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const defaultBastions = new BastionPool();

export class SshHost implements Host {
  readonly name: string;
  readonly endpoint: string;
  /** how many times the connection was re-established after a drop */
  reconnects = 0;
  private conn?: Promise<Conn>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly channels = new Semaphore(MAX_CHANNELS);
  private closed = false;

  constructor(private readonly target: SshTarget, private readonly opts: SshHostOptions = {}) {
    this.name = target.name;
    this.endpoint = `${target.address}:${target.ssh.port}`;
    this.env = opts.env ?? process.env;
  }

  private get isRoot(): boolean {
    return this.target.ssh.user === 'root';
  }

  /** The TCP socket under the connection (not the bastion's), for tests and diagnostics. */
  async socket(): Promise<Socket | undefined> {
    return (await this.connection()).socket;
  }

  /** Connect now (otherwise the first run does); throws HostError. */
  async connect(): Promise<void> {
    await this.connection();
  }

  private async connection(): Promise<Conn> {
    if (this.closed) throw new HostError(this.name, this.endpoint, 'connection closed by kubeforge', false);
    if (this.conn) {
      const c = await this.conn.catch(() => undefined);
      if (c?.alive) return c;
    }
    this.conn = this.open();
    // a failed attempt must not stick: the next call tries again
    this.conn.catch(() => {
      this.conn = undefined;
    });
    return this.conn;
  }

  private async open(): Promise<Conn> {
    const ep = { ...endpointOf(this.target), noDelay: this.opts.noDelay ?? true };
    if (!this.target.ssh.bastion) return connectDirect(ep, this.env);
    const ch = await (this.opts.bastions ?? defaultBastions).channel(this.target, this.env);
    return handshake(ep, this.env, ch);
  }

  /** Drop the current connection and connect again, trying until `maxWaitMs` has passed (reboots). */
  async reconnect(maxWaitMs = 30_000): Promise<void> {
    const old = this.conn;
    this.conn = undefined;
    if (old) old.then((c) => c.client.end(), () => undefined);
    const deadline = Date.now() + maxWaitMs;
    const backoff = this.opts.reconnectBackoffMs ?? [500, 1000, 2000, 4000];
    for (let i = 0; ; i++) {
      try {
        await this.connection();
        this.reconnects++;
        this.opts.log?.(`${this.name}: reconnected`);
        return;
      } catch (e) {
        const wait = backoff[Math.min(i, backoff.length - 1)];
        // authentication and host key refusals will not heal by waiting, nor will our own close()
        if (this.closed || Date.now() + wait > deadline || !/unreachable|handshake|reset|closed during/.test((e as Error).message)) throw e;
        await sleep(wait);
      }
    }
  }

  /** Do `op` on the connection; if the connection drops under it, reconnect (bounded backoff) and do it once more. */
  private async withRetry<T>(what: string, op: (c: Conn) => Promise<T>): Promise<T> {
    try {
      return await op(await this.connection());
    } catch (e) {
      if (!(e instanceof ConnectionLost)) throw e;
      this.opts.log?.(`${this.name}: connection lost during ${what}; reconnecting and retrying once`);
    }
    // a drop may be a reboot the step asked for: wait for the host to come back, bounded
    await this.reconnect(this.opts.reconnectWaitMs ?? 180_000);
    try {
      return await op(await this.connection());
    } catch (e) {
      if (e instanceof ConnectionLost) throw new HostError(this.name, this.endpoint, `connection lost twice during ${what}`);
      throw e;
    }
  }

  private wrap(script: string, opts: RunOptions): { command: string; stdin?: string } {
    try {
      return commandLine(script, opts, this.target.ssh, this.env);
    } catch (e) {
      throw new HostError(this.name, this.endpoint, (e as Error).message);
    }
  }

  async run(script: string, opts: RunOptions = {}): Promise<RunResult> {
    const sudo = opts.sudo ?? true;
    const { command, stdin } = this.wrap(script, { ...opts, sudo });
    const timeoutMs = opts.timeoutMs ?? this.opts.commandTimeoutMs ?? 600_000;
    const r = await this.withRetry('a command', (c) => this.exec(c, command, stdin, timeoutMs));
    const res: RunResult = {
      code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), durationMs: r.durationMs,
      ...(r.timedOut ? { timedOut: true } : {}),
    };
    if (!this.isRoot && sudo && res.code !== 0) {
      const why = describeSudoFailure(res.stderr, this.target.ssh.user, this.target.ssh.sudoPasswordEnv);
      if (why) throw new HostError(this.name, this.endpoint, why);
    }
    return res;
  }

  private exec(conn: Conn, command: string, stdin: string | undefined, timeoutMs: number): Promise<{ code: number; stdout: Buffer; stderr: Buffer; durationMs: number; timedOut?: boolean }> {
    return this.channels.use(() => new Promise((resolve, reject) => {
      const started = performance.now();
      if (!conn.alive) {
        reject(new ConnectionLost('not connected'));
        return;
      }
      conn.client.exec(command, (err, stream) => {
        if (err) {
          reject(conn.alive ? new HostError(this.name, this.endpoint, `cannot start a command: ${err.message}`, false) : new ConnectionLost(err.message));
          return;
        }
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let code: number | undefined;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            stream.signal('KILL');
          } catch { /* older servers ignore signals */ }
          stream.close();
          // sshd may hold the channel until the process ends: answer now, the channel closes on its own
          conn.client.removeListener('close', onConnGone);
          resolve({
            code: 124, stdout: Buffer.concat(out), stderr: Buffer.concat(errs),
            durationMs: Math.round(performance.now() - started), timedOut: true,
          });
        }, timeoutMs);
        const onConnGone = (): void => {
          clearTimeout(timer);
          reject(new ConnectionLost('connection closed'));
        };
        conn.client.once('close', onConnGone);
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errs.push(d));
        stream.on('exit', (c: number | null) => {
          code = c ?? 255;
        });
        stream.on('close', () => {
          clearTimeout(timer);
          // a channel closing without an exit status is a dropped connection, unless we closed it on timeout
          setTimeout(() => {
            conn.client.removeListener('close', onConnGone);
            if (code === undefined && !timedOut && !conn.alive) {
              reject(new ConnectionLost('connection closed'));
              return;
            }
            resolve({
              code: timedOut ? 124 : (code ?? 255), stdout: Buffer.concat(out), stderr: Buffer.concat(errs),
              durationMs: Math.round(performance.now() - started), ...(timedOut ? { timedOut } : {}),
            });
          }, code === undefined ? 30 : 0);
        });
        if (stdin !== undefined) stream.end(stdin);
        else stream.end();
      });
    }));
  }

  private sftp(conn: Conn): Promise<SFTPWrapper> {
    conn.sftp ??= new Promise((resolve, reject) => {
      conn.client.sftp((err, s) => (err ? reject(conn.alive ? err : new ConnectionLost(err.message)) : resolve(s)));
    });
    conn.sftp.catch(() => {
      conn.sftp = undefined;
    });
    return conn.sftp;
  }

  private sftpCall(conn: Conn, fn: (s: SFTPWrapper, cb: (err: Error | undefined | null) => void) => void): Promise<void> {
    return this.sftp(conn).then((s) => new Promise<void>((resolve, reject) => {
      fn(s, (err) => (err ? reject(conn.alive ? err : new ConnectionLost(err.message)) : resolve()));
    }));
  }

  async put(path: string, content: string | Buffer, mode: number): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const tag = randomBytes(4).toString('hex');
    if (!this.isRoot) {
      // the login user cannot write root's files: upload privately, then `sudo install` into place
      const tmp = `/tmp/.kubeforge-put-${tag}`;
      await this.withRetry(`upload of ${path}`, async (c) => {
        await this.sftpCall(c, (s, cb) => s.writeFile(tmp, data, { mode: 0o600 }, cb));
      });
      const r = await this.run(`install -D -m ${mode.toString(8)} -o root -g root ${shq(tmp)} ${shq(path)}; rc=$?; rm -f ${shq(tmp)}; exit $rc`);
      if (r.code !== 0) throw new HostError(this.name, this.endpoint, `cannot write ${path}: ${r.stderr.trim()}`, false);
      return;
    }
    // write beside the target, then rename over it: readers never see half a file
    const tmp = `${path}.kubeforge-tmp-${tag}`;
    const write = (c: Conn): Promise<void> => this.sftpCall(c, (s, cb) => s.writeFile(tmp, data, { mode }, cb));
    await this.withRetry(`upload of ${path}`, async (c) => {
      try {
        await write(c);
      } catch (e) {
        if ((e as { code?: number }).code !== 2) throw e;
        const r = await this.run(`mkdir -p ${shq(dirname(path))}`);
        if (r.code !== 0) throw new HostError(this.name, this.endpoint, `cannot create ${dirname(path)}: ${r.stderr.trim()}`, false);
        await write(c);
      }
      // writeFile's mode applies only to new files and is subject to umask: set it explicitly
      await this.sftpCall(c, (s, cb) => s.chmod(tmp, mode, cb));
      await this.sftpCall(c, (s, cb) => s.ext_openssh_rename(tmp, path, cb));
    }).catch((e: unknown) => {
      if (e instanceof HostError) throw e;
      throw new HostError(this.name, this.endpoint, `cannot write ${path}: ${(e as Error).message}`, false);
    });
  }

  async get(path: string): Promise<Buffer> {
    if (!this.isRoot) {
      const { command, stdin } = this.wrap(`cat -- ${shq(path)}`, {});
      const r = await this.withRetry(`read of ${path}`, (c) => this.exec(c, command, stdin, 60_000));
      if (r.code !== 0) throw new HostError(this.name, this.endpoint, `cannot read ${path}: ${r.stderr.toString().trim()}`, false);
      return r.stdout;
    }
    return this.withRetry(`read of ${path}`, (c) => this.sftp(c).then((s) => new Promise<Buffer>((resolve, reject) => {
      s.readFile(path, (err: (Error & { code?: number }) | undefined, buf: Buffer) => {
        if (!err) return resolve(buf);
        if (!c.alive) return reject(new ConnectionLost(err.message));
        const why = err.code === 2 ? 'no such file' : err.message;
        reject(new HostError(this.name, this.endpoint, `cannot read ${path}: ${why}`, false));
      });
    })));
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = await this.conn?.catch(() => undefined);
    this.conn = undefined;
    c?.client.end();
  }
}
