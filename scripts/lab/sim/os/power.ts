/** uname, reboot/shutdown, and the boot loader (grubby, grub2-set-default, grub2-mkconfig, grub2-editenv). */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { runningKernel } from './host.ts';
import { kernelBuild } from './kernel.ts';
import { bootArgs, bootTitle, writeGrubCfg } from './kernel-files.ts';
import { installedKernels } from './rpmdb.ts';
import { rpmvercmp } from './rpmver.ts';

export async function uname(ctx: SimContext): Promise<CommandResult> {
  const k = runningKernel(ctx);
  const f = {
    s: 'Linux', n: ctx.runtime().hostname, r: k, v: kernelBuild(k), m: 'x86_64', p: 'x86_64', i: 'x86_64', o: 'GNU/Linux',
  };
  const args = ctx.argv.slice(1);
  if (args.length === 0) return ok('Linux\n');
  const want = new Set<string>();
  for (const a of args) {
    const long: Record<string, string> = { '--all': 'a', '--kernel-name': 's', '--nodename': 'n', '--kernel-release': 'r', '--kernel-version': 'v', '--machine': 'm', '--processor': 'p', '--hardware-platform': 'i', '--operating-system': 'o' };
    if (long[a]) want.add(long[a]);
    else if (/^-[asnrvmpio]+$/.test(a)) for (const c of a.slice(1)) want.add(c);
    else return unsupported(ctx);
  }
  const order = ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] as const;
  const parts = want.has('a') ? order.map((c) => f[c]) : order.filter((c) => want.has(c)).map((c) => f[c]);
  return ok(parts.join(' ') + '\n');
}

export async function reboot(ctx: SimContext): Promise<CommandResult> {
  const name = ctx.argv[0];
  const args = ctx.argv.slice(1);
  if (name === 'poweroff' || name === 'halt') return unsupported(ctx);
  if (name === 'shutdown') {
    const r = args.includes('-r') || args.includes('--reboot');
    const when = args.filter((a) => !a.startsWith('-'));
    if (!r || (when.length && !['now', '+0'].includes(when[0]))) return unsupported(ctx);
  } else if (args.some((a) => !['-f', '--force', '--no-wall'].includes(a))) return unsupported(ctx);
  if (ctx.uid !== 0) {
    return fail(1, 'Failed to set wall message, ignoring: Interactive authentication required.\nFailed to reboot system via logind: Interactive authentication required.\nFailed to start reboot.target: Interactive authentication required.\nSee system logs and \'systemctl status reboot.target\' for details.\n');
  }
  ctx.requestReboot();
  return ok();
}

/** Boot entries as grub2-mkconfig orders them: newest kernel first. */
export function bootEntries(ctx: SimContext): string[] {
  return [...installedKernels(ctx)].sort((a, b) => rpmvercmp(b, a));
}

const title = bootTitle;
const kernelArgs = bootArgs;

function setDefault(ctx: SimContext, k: string): void {
  ctx.persist().defaultKernel = k;
}

export async function grubby(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const entries = bootEntries(ctx);
  const def = ctx.persist().defaultKernel;
  const kernelOf = (v: string): string | undefined => {
    if (v === 'DEFAULT') return def;
    const k = v.replace(/^\/boot\/vmlinuz-/, '');
    return entries.includes(k) ? k : undefined;
  };
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = (name: string): string | undefined => (a === name ? args[++i] : a.startsWith(name + '=') ? a.slice(name.length + 1) : undefined);
    let v: string | undefined;
    if (a === '--default-kernel') out += `/boot/vmlinuz-${def}\n`;
    else if (a === '--default-index') out += `${Math.max(0, entries.indexOf(def))}\n`;
    else if (a === '--default-title') out += `${title(ctx, def)}\n`;
    else if ((v = val('--set-default')) !== undefined) {
      if (ctx.uid !== 0) return fail(1, 'grubby: error opening /boot/grub2/grub.cfg: Permission denied\n');
      const k = kernelOf(v);
      if (!k) return fail(1, `The param ${v} is incorrect\n`);
      setDefault(ctx, k);
      if (ctx.host.os === 'rocky9') out += `The default is /boot/loader/entries/${ctx.host.productUuid.replace(/-/g, '')}-${k}.conf with index ${entries.indexOf(k)} and kernel /boot/vmlinuz-${k}\n`;
    } else if ((v = val('--set-default-index')) !== undefined) {
      const k = entries[Number(v)];
      if (!k) return fail(1, `grubby: index ${v} out of range\n`);
      setDefault(ctx, k);
    } else if ((v = val('--info')) !== undefined) {
      const list = v === 'ALL' ? entries : [kernelOf(v)].filter((x): x is string => !!x);
      if (!list.length) return fail(1, `The param ${v} is incorrect\n`);
      for (const k of list) {
        out += `index=${entries.indexOf(k)}\nkernel="/boot/vmlinuz-${k}"\nargs="${kernelArgs(ctx).join(' ')}"\nroot="/dev/mapper/${ctx.host.os === 'centos7' ? 'centos' : 'rl'}-root"\ninitrd="/boot/initramfs-${k}.img"\ntitle="${title(ctx, k)}"\n`;
        if (ctx.host.os === 'rocky9') out += `id="${ctx.host.productUuid.replace(/-/g, '')}-${k}"\n`;
      }
    } else if ((v = val('--update-kernel')) !== undefined) continue;
    else if ((v = val('--args')) !== undefined) {
      const list = kernelArgs(ctx);
      for (const x of v.split(/\s+/).filter(Boolean)) if (!list.includes(x)) list.push(x);
    } else if ((v = val('--remove-args')) !== undefined) {
      const list = kernelArgs(ctx);
      for (const x of v.split(/\s+/)) {
        const j = list.indexOf(x);
        if (j >= 0) list.splice(j, 1);
      }
    } else return unsupported(ctx);
  }
  if (args.some((a) => a.startsWith('--args') || a.startsWith('--remove-args'))) writeGrubCfg(ctx, entries);
  return ok(out);
}

export async function grub2(ctx: SimContext): Promise<CommandResult> {
  const cmd = ctx.argv[0];
  const args = ctx.argv.slice(1);
  const entries = bootEntries(ctx);
  if (cmd === 'grub2-set-default') {
    if (args.length !== 1) return fail(1, 'Usage: grub2-set-default [OPTION] MENU_ENTRY\n');
    if (ctx.uid !== 0) return fail(1, 'grub2-editenv: error: cannot open `/boot/grub2/grubenv.new\': Permission denied.\n');
    const a = args[0];
    const k = /^\d+$/.test(a) ? entries[Number(a)] : entries.find((e) => title(ctx, e) === a);
    // grub falls back to entry 0 for an entry that does not exist, as the real menu does
    setDefault(ctx, k ?? entries[0]);
    return ok();
  }
  if (cmd === 'grub2-mkconfig') {
    const o = args.indexOf('-o');
    if (o < 0 && !args.some((x) => x.startsWith('--output='))) return unsupported(ctx);
    if (ctx.uid !== 0) return fail(1, '/usr/sbin/grub2-probe: error: failed to get canonical path of `/dev/mapper/centos-root\'.\n');
    const outFile = o >= 0 ? args[o + 1] : args.find((x) => x.startsWith('--output='))?.slice('--output='.length);
    if (outFile && ctx.host.os === 'centos7') writeGrubCfg(ctx, entries, outFile);
    const lines = ['Generating grub configuration file ...'];
    for (const e of entries) lines.push(`Found linux image: /boot/vmlinuz-${e}`, `Found initrd image: /boot/initramfs-${e}.img`);
    lines.push('done');
    return { code: 0, stdout: '', stderr: lines.join('\n') + '\n' };
  }
  if (cmd === 'grub2-editenv') {
    if (args[0] === 'list' || (args[1] === 'list')) return ok(`saved_entry=${ctx.host.os === 'centos7' ? title(ctx, ctx.persist().defaultKernel) : ctx.host.productUuid.replace(/-/g, '') + '-' + ctx.persist().defaultKernel}\n`);
    return unsupported(ctx);
  }
  return unsupported(ctx);
}
