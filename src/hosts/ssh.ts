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
  /** what the user should see at once (waiting for a host to come back); never carries secrets */
  notice?: (host: string, line: string) => void;
}

class ConnectionLost extends Error {}

/** OpenSSH's default MaxSessions is 10: stay under it on one connection. */
const MAX_CHANNELS = 8;

/** The environment variable marking each command kubeforge runs (see SshHost.exec). */
const CMD_MARK = 'KUBEFORGE_CMD';

/**
 * End every process of the sessions of the commands marked with these tags: a marked process
 * (the command's shell, or sudo) gives its session id, and the command's processes share it
 * (sshd runs each command in a session of its own; sudo resets the environment, not the
 * session). TERM first, KILL what is left 2 s later. Needs root to read other users' environ.
 */
export function stopScript(tags: string[]): string {
  return [
    `marks='${CMD_MARK}=(${tags.join('|')})'`,
    'sids=""',
    'for e in $(grep -lszxE "$marks" /proc/[0-9]*/environ); do',
    '  st=$(<"${e%/environ}/stat") 2>/dev/null || continue; set -- ${st##*) }; sids="$sids $4"',
    'done',
    '[ -n "$sids" ] || exit 0',
    'sweep() { sig=$1; for s in /proc/[0-9]*/stat; do p=${s#/proc/}; p=${p%/stat}; [ "$p" = "$$" ] && continue',
    '  st=$(<"$s") 2>/dev/null || continue; set -- ${st##*) }',
    '  for sid in $sids; do [ "$4" = "$sid" ] && kill "-$sig" "$p" 2>/dev/null; done; done; }',
    'sweep TERM; sleep 2; sweep KILL; exit 0',
  ].join('\n');
}

/** Connect failures that may heal by waiting (a host rebooting, an sshd restarting). */
const RECONNECTABLE = /unreachable|handshake|reset|closed during/;

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
  /** tags of the commands running now (see exec) */
  private readonly inFlight = new Set<string>();
  /** a connection worked once: failing to connect again is a host going away (reboot), not a bad address */
  private wasConnected = false;

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
    const pending = this.open();
    this.conn = pending;
    // a failed attempt must not stick: the next call tries again
    pending.then(() => {
      this.wasConnected = true;
    }, () => {
      if (this.conn === pending) this.conn = undefined;
    });
    return pending;
  }

  private async open(): Promise<Conn> {
    const ep = { ...endpointOf(this.target), noDelay: this.opts.noDelay ?? true };
    if (!this.target.ssh.bastion) return connectDirect(ep, this.env);
    const ch = await (this.opts.bastions ?? defaultBastions).channel(this.target, this.env);
    return handshake(ep, this.env, ch);
  }

  /**
   * Connect again after a drop, trying until `maxWaitMs` has passed (reboots). A connection
   * that is alive again (another command of this host reconnected first) is kept.
   */
  async reconnect(maxWaitMs = 30_000): Promise<void> {
    const old = this.conn;
    const current = await old?.catch(() => undefined);
    if (current && !current.alive) {
      if (this.conn === old) this.conn = undefined;
      current.client.end();
    }
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
        if (this.closed || Date.now() + wait > deadline || !RECONNECTABLE.test((e as Error).message)) throw e;
        await sleep(wait);
      }
    }
  }

  /** Do `op` on the connection; if the connection drops under it, reconnect (bounded backoff) and do it once more. */
  private async withRetry<T>(what: string, op: (c: Conn) => Promise<T>, wait = true): Promise<T> {
    try {
      return await op(await this.connection());
    } catch (e) {
      if (!this.isLost(e)) throw e;
      if (!wait) throw new HostError(this.name, this.endpoint, `connection lost during ${what}`, false);
      this.opts.log?.(`${this.name}: connection lost during ${what}; reconnecting and retrying once`);
    }
    // a drop may be a reboot (asked for by a step, or not): wait for the host to come back, bounded
    const waitMs = this.opts.reconnectWaitMs ?? 180_000;
    const t0 = Date.now();
    this.opts.notice?.(this.name, `${this.name}: connection lost during ${what}; waiting up to ${Math.round(waitMs / 1000)}s for it to come back`);
    try {
      await this.reconnect(waitMs);
    } catch (e) {
      if (e instanceof HostError && !this.closed) {
        const why = Date.now() - t0 >= waitMs - 5_000 ? `not back within ${Math.round(waitMs / 1000)}s` : 'cannot connect again';
        throw new HostError(this.name, this.endpoint, `connection lost during ${what}, ${why}: ${e.reason}`);
      }
      throw e;
    }
    this.opts.notice?.(this.name, `${this.name}: back after ${((Date.now() - t0) / 1000).toFixed(1)}s; running ${what} again`);
    try {
      return await op(await this.connection());
    } catch (e) {
      if (this.isLost(e)) throw new HostError(this.name, this.endpoint, `connection lost twice during ${what}`);
      throw e;
    }
  }

  /** The connection went away under us (not our close, not a refusal that waiting cannot heal). */
  private isLost(e: unknown): boolean {
    // our own close() (an interrupt) is not a host going away
    if (this.closed) return false;
    if (e instanceof ConnectionLost) return true;
    // it had worked and now cannot connect: the host is restarting or its sshd is
    return this.wasConnected && !this.closed && e instanceof HostError && RECONNECTABLE.test(e.reason);
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
    const r = await this.withRetry('a command', (c) => this.exec(c, command, stdin, timeoutMs), opts.reconnect !== false);
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

  /**
   * Run `command` marked by a tag in its environment (no extra process, nothing left behind), so
   * that stop() can find it and end every process it started (its session).
   */
  private exec(conn: Conn, command: string, stdin: string | undefined, timeoutMs: number): Promise<{ code: number; stdout: Buffer; stderr: Buffer; durationMs: number; timedOut?: boolean }> {
    const tag = randomBytes(6).toString('hex');
    this.inFlight.add(tag);
    return this.execRaw(conn, `${CMD_MARK}=${tag} ${command}`, stdin, timeoutMs).finally(() => this.inFlight.delete(tag));
  }

  /**
   * Interrupt: end the processes of the commands still running (TERM, then KILL after 2 s), then
   * close. Bounded: a host that does not answer within 10 s is just closed.
   */
  async stop(): Promise<void> {
    const tags = [...this.inFlight];
    const c = await this.conn?.catch(() => undefined);
    if (tags.length > 0 && c?.alive && !this.closed) {
      const { command, stdin } = this.wrap(stopScript(tags), {});
      await Promise.race([
        this.execRaw(c, command, stdin, 10_000).catch(() => undefined),
        sleep(10_000),
      ]);
    }
    await this.close();
  }

  private execRaw(conn: Conn, command: string, stdin: string | undefined, timeoutMs: number): Promise<{ code: number; stdout: Buffer; stderr: Buffer; durationMs: number; timedOut?: boolean }> {
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
