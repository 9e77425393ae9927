/**
 * A host kubeforge drives: run scripts, move files. The engine and the commands
 * only see this interface; src/hosts/ssh.ts implements it over SSH, tests use fakes.
 */
import { UserError } from '../errors.ts';

export interface RunOptions {
  /** run as root through sudo when the login user is not root (no-op for root) */
  sudo?: boolean;
  /** bytes fed to the command's stdin */
  stdin?: string;
  /** kill the command and report a timeout after this long */
  timeoutMs?: number;
  /** exported before the script runs (also under sudo) */
  env?: Record<string, string>;
  /** like env, for secrets (join tokens, certificate keys): sent on stdin, never on the command line */
  secretEnv?: Record<string, string>;
  /**
   * false: when the connection is lost (or refused after having worked), fail at once instead of
   * waiting for the host to come back and running the script again (for probes of a reboot)
   */
  reconnect?: boolean;
}

export interface RunResult {
  /** exit code; 124 when timed out (as coreutils timeout), 255 for a signal without a code */
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut?: boolean;
}

export interface Host {
  /** inventory name, e.g. k8s-node01 */
  readonly name: string;
  /** address:port, for messages */
  readonly endpoint: string;
  /** run a bash script (one line or many) */
  run(script: string, opts?: RunOptions): Promise<RunResult>;
  /** write a file as root (directly when root, through a temp file + `sudo install` otherwise); creates parent dirs */
  put(path: string, content: string | Buffer, mode: number): Promise<void>;
  /** read a file as root; throws HostError when it does not exist */
  get(path: string): Promise<Buffer>;
  close(): Promise<void>;
  /** interrupt: end the processes of the commands still running on the host, then close (default: close) */
  stop?(): Promise<void>;
}

/** One clear line naming host and cause; the CLI prints it alone. */
export class HostError extends UserError {
  constructor(
    readonly host: string,
    readonly endpoint: string,
    readonly reason: string,
    /** connection-level (unreachable, auth, host key): the host cannot be worked on at all */
    readonly fatal = true,
  ) {
    super(`${host} (${endpoint}): ${reason}`);
    this.name = 'HostError';
  }
}

/** Single-quote a string for bash. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
