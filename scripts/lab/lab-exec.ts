/** `lab exec HOST -- CMD...`: CMD via bash -c as root inside the host's namespaces (nsenter on its init). */
import { spawn } from 'node:child_process';
import { labPaths } from './paths.ts';
import { readLabState } from './lab-state.ts';
import { isAlive } from './host-process.ts';

export class LabExecError extends Error {}

export function findHostPid(cwd: string, host: string): number {
  const state = readLabState(labPaths(cwd).labJson);
  if (!state) throw new LabExecError('no lab here (run `kubeforge lab up N` first)');
  const h = state.hosts.find((x) => x.name === host || x.address === host);
  if (!h) throw new LabExecError(`no lab host ${host} (hosts: ${state.hosts.map((x) => x.name).join(', ')})`);
  const pid = state.pids?.[h.name];
  if (!pid || !isAlive(pid)) throw new LabExecError(`lab host ${h.name} is down`);
  return pid;
}

/** Runs with the caller's stdio; resolves with the command's exit code. */
export function labExec(cwd: string, host: string, cmd: string[]): Promise<number> {
  const pid = findHostPid(cwd, host);
  // like an ssh exec as root: a clean environment, in root's home
  const script = `cd /root 2>/dev/null; ${cmd.join(' ')}`;
  const child = spawn(
    'nsenter',
    ['-t', String(pid), '-m', '-u', '-n', '-p', '-r', '-w', '--', '/usr/bin/env', '-i',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin', 'HOME=/root', 'USER=root', 'LOGNAME=root',
      'SHELL=/bin/bash', 'LANG=en_US.UTF-8', `TERM=${process.env.TERM ?? 'dumb'}`, '/bin/bash', '-c', script],
    { stdio: 'inherit' },
  );
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
    child.on('error', () => resolve(127));
  });
}
