/** getenforce, setenforce, sestatus: runtime mode vs /etc/selinux/config (applied at boot). */
import { fail, ok, unsupported, type CommandResult, type HostRuntime, type SimContext } from '../api.ts';
import { readHost } from './host.ts';

type Mode = HostRuntime['selinuxMode'];

/** SELINUX= of /etc/selinux/config (a missing or unreadable file boots with SELinux disabled). */
export function configMode(ctx: SimContext): Mode {
  const text = readHost(ctx, '/etc/selinux/config');
  const v = text ? /^\s*SELINUX\s*=\s*(\w+)/m.exec(text)?.[1]?.toLowerCase() : undefined;
  return v === 'enforcing' || v === 'permissive' ? v : 'disabled';
}

const cap = (m: Mode): string => m[0].toUpperCase() + m.slice(1);

export async function getenforce(ctx: SimContext): Promise<CommandResult> {
  if (ctx.argv.length > 1) return unsupported(ctx);
  return ok(`${cap(ctx.runtime().selinuxMode)}\n`);
}

export async function setenforce(ctx: SimContext): Promise<CommandResult> {
  const arg = ctx.argv[1];
  const usage = 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n';
  if (ctx.argv.length !== 2) return fail(1, usage);
  const rt = ctx.runtime();
  if (rt.selinuxMode === 'disabled') return fail(1, 'setenforce: SELinux is disabled\n');
  let mode: Mode;
  if (arg === '1' || arg.toLowerCase() === 'enforcing') mode = 'enforcing';
  else if (arg === '0' || arg.toLowerCase() === 'permissive') mode = 'permissive';
  else return fail(1, usage);
  if (ctx.uid !== 0) return fail(1, 'setenforce:  setenforce() failed\n');
  rt.selinuxMode = mode;
  return ok();
}

export async function sestatus(ctx: SimContext): Promise<CommandResult> {
  if (ctx.argv.length > 1) return unsupported(ctx);
  const mode = ctx.runtime().selinuxMode;
  const row = (k: string, v: string): string => `${(k + ':').padEnd(32)}${v}\n`;
  if (mode === 'disabled') return ok(row('SELinux status', 'disabled'));
  const el7 = ctx.host.os === 'centos7';
  return ok(
    row('SELinux status', 'enabled') + row('SELinuxfs mount', '/sys/fs/selinux') + row('SELinux root directory', '/etc/selinux') +
    row('Loaded policy name', 'targeted') + row('Current mode', mode) + row('Mode from config file', configMode(ctx)) +
    row('Policy MLS status', 'enabled') + row('Policy deny_unknown status', 'allowed') +
    (el7 ? '' : row('Memory protection checking', 'actual (secure)')) + row('Max kernel policy version', el7 ? '31' : '33'),
  );
}
