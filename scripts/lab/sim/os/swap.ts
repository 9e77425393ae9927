/** swapoff, swapon, mkswap over runtime().swapActive and the fstab swap line. */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { readHost } from './host.ts';
import { swapDevice, writeProcFiles } from './procfiles.ts';

/** The names the profile's swap partition goes by. */
export function swapNames(ctx: SimContext): string[] {
  const lv = ctx.host.os === 'centos7' ? 'centos-swap' : 'rl-swap';
  const vg = ctx.host.os === 'centos7' ? 'centos' : 'rl';
  return [`/dev/mapper/${lv}`, swapDevice(ctx).dev, `/dev/${vg}/swap`, `UUID=${swapUuid(ctx)}`];
}

export const swapUuid = (ctx: SimContext): string => `${ctx.host.productUuid.slice(0, 8)}-5a4f-4c1e-9b7a-${ctx.host.mac.replace(/:/g, '')}`;

/** Is there an active (uncommented) swap line for the swap partition in /etc/fstab? */
export function fstabHasSwap(ctx: SimContext): boolean {
  const text = readHost(ctx, '/etc/fstab') ?? '';
  const names = swapNames(ctx);
  return text.split('\n').some((l) => {
    const f = l.trim().split(/\s+/);
    return !l.trim().startsWith('#') && f.length >= 3 && f[2] === 'swap' && names.includes(f[0]);
  });
}

function showTable(ctx: SimContext, noHeadings: boolean): string {
  if (!ctx.runtime().swapActive) return '';
  const sw = swapDevice(ctx);
  const size = `${Math.round(sw.sizeKb / 1024 / 1024)}G`;
  return (noHeadings ? '' : 'NAME      TYPE      SIZE USED PRIO\n') + `${sw.dev} partition ${size.padStart(4)}   0B   -2\n`;
}

export async function swapoff(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '-v' && a !== '--verbose');
  if (args.length === 0) return fail(2, 'Usage:\n swapoff [options] [<spec>]\n');
  const all = args.includes('-a') || args.includes('--all');
  const targets = args.filter((a) => !a.startsWith('-'));
  if (args.some((a) => a.startsWith('-') && a !== '-a' && a !== '--all')) return unsupported(ctx);
  const rt = ctx.runtime();
  if (ctx.uid !== 0) return fail(1, 'swapoff: Not superuser.\n');
  for (const t of targets) {
    if (!swapNames(ctx).includes(t)) return fail(2, `swapoff: ${t}: swapoff failed: No such file or directory\n`);
    if (!rt.swapActive) return fail(4, `swapoff: ${t}: swapoff failed: Invalid argument\n`);
  }
  if (all || targets.length) rt.swapActive = false;
  writeProcFiles(ctx);
  return ok();
}

export async function swapon(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const rt = ctx.runtime();
  if (args.length === 0 || args.includes('--show') || args.some((a) => a.startsWith('--show='))) {
    return ok(showTable(ctx, args.includes('--noheadings')));
  }
  if (args.includes('-s') || args.includes('--summary')) {
    return ok(readHost(ctx, '/run/.kflab/proc/swaps') ?? '');
  }
  const all = args.includes('-a') || args.includes('--all');
  const targets = args.filter((a) => !a.startsWith('-'));
  if (args.some((a) => a.startsWith('-') && !['-a', '--all', '-v', '--verbose', '-e', '--ifexists'].includes(a))) return unsupported(ctx);
  if (ctx.uid !== 0) return fail(1, 'swapon: Not superuser.\n');
  for (const t of targets) {
    if (!swapNames(ctx).includes(t)) return fail(255, `swapon: cannot open ${t}: No such file or directory\n`);
    if (rt.swapActive) return fail(255, `swapon: ${t}: swapon failed: Device or resource busy\n`);
    rt.swapActive = true;
  }
  if (all && fstabHasSwap(ctx)) rt.swapActive = true;
  writeProcFiles(ctx);
  return ok();
}

export async function mkswap(ctx: SimContext): Promise<CommandResult> {
  return unsupported(ctx);
}
