/** The command line sshd receives for a script: bash with the script, through sudo when the user is not root. */
import type { SshSettings } from '../inventory/model.ts';
import { shq, type RunOptions } from './host.ts';

export function commandLine(
  script: string,
  opts: RunOptions,
  ssh: Pick<SshSettings, 'user' | 'sudoPasswordEnv'>,
  env: NodeJS.ProcessEnv,
): { command: string; stdin?: string } {
  const exportsOf = (vars: Record<string, string> = {}): string =>
    Object.entries(vars)
      .map(([k, v]) => `export ${k}=${shq(v)}\n`)
      .join('');
  const secrets = exportsOf(opts.secretEnv);
  const exports = exportsOf(opts.env) + secrets;
  // env goes inside the script: sshd drops unlisted variables (AcceptEnv) and sudo resets the rest
  const body = exports + script;
  // one argument may not exceed 128 KiB (MAX_ARG_STRLEN): a bigger script goes on stdin to `bash -s`.
  // So does one with secrets in its environment (join tokens, certificate keys): a command line is
  // visible to every user of the host (ps, /proc/*/cmdline) and may be logged; stdin is neither.
  const viaStdin = (body.length > MAX_INLINE || secrets !== '') && opts.stdin === undefined;
  if (!viaStdin && (body.length > MAX_INLINE || secrets !== '')) throw new Error(`script of ${body.length} bytes${secrets ? ' with secrets' : ''} and stdin input: put its data in a file instead`);
  const bash = viaStdin ? 'bash -s' : `bash -c ${shq(body)}`;
  const input = viaStdin ? body : opts.stdin;
  if (ssh.user === 'root' || opts.sudo === false) return { command: bash, stdin: input };
  if (!ssh.sudoPasswordEnv) return { command: `sudo -n ${bash}`, stdin: input };
  const pw = env[ssh.sudoPasswordEnv];
  if (pw === undefined) throw new Error(`environment variable ${ssh.sudoPasswordEnv} (sudo password) is not set`);
  // -k: always read the password, so it never reaches the script's stdin; -p '': no prompt in the output
  return { command: `sudo -k -S -p '' ${bash}`, stdin: `${pw}\n${input ?? ''}` };
}

const MAX_INLINE = 100_000;
