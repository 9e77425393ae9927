/** hostnamectl and hostname: /etc/hostname (static, applied at boot) and the running UTS name. */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { profile, readHost, runningKernel, writeHost } from './host.ts';
import { writeProcFiles } from './procfiles.ts';

/** Apply a hostname to the running host (UTS namespace + runtime). */
export async function setRunningHostname(ctx: SimContext, name: string): Promise<void> {
  ctx.runtime().hostname = name;
  await ctx.nsExec(['hostname', name]);
  writeProcFiles(ctx);
}

export function staticHostname(ctx: SimContext): string | undefined {
  const t = readHost(ctx, '/etc/hostname')?.trim();
  return t ? t.split('\n')[0].trim() : undefined;
}

const validStatic = (n: string): boolean => n.length <= 64 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(n);

/** systemd's cleanup of a name that is not a valid static hostname (the original becomes the pretty name). */
const cleanup = (n: string): string => n.toLowerCase().replace(/[^a-z0-9.-]/g, '').replace(/^[-.]+|[-.]+$/g, '').slice(0, 64);

function status(ctx: SimContext): string {
  const el7 = ctx.host.os === 'centos7';
  const st = staticHostname(ctx) ?? 'n/a';
  const transient = ctx.runtime().hostname;
  const machineId = ctx.host.productUuid.replace(/-/g, '');
  const rows: [string, string][] = [['Static hostname', st]];
  if (transient !== st) rows.push(['Transient hostname', transient]);
  const pretty = /^PRETTY_HOSTNAME="?([^"\n]*)"?/m.exec(readHost(ctx, '/etc/machine-info') ?? '')?.[1];
  if (pretty) rows.push(['Pretty hostname', pretty]);
  rows.push(['Icon name', 'computer-vm'], ['Chassis', el7 ? 'vm' : 'vm \u{1F5B4}'], ['Machine ID', machineId],
    ['Boot ID', ctx.runtime().bootId.replace(/-/g, '')], ['Virtualization', 'kvm'], ['Operating System', profile(ctx).prettyName],
    ['CPE OS Name', el7 ? 'cpe:/o:centos:centos:7' : 'cpe:/o:rocky:rocky:9::baseos'], ['Kernel', `Linux ${runningKernel(ctx)}`],
    ['Architecture', 'x86-64']);
  if (!el7) rows.push(['Hardware Vendor', 'QEMU'], ['Hardware Model', 'Standard PC _i440FX + PIIX, 1996_'], ['Firmware Version', '1.16.0-3.module_el8.7.0+1218+f626c2ff']);
  const w = el7 ? 18 : 18;
  return rows.map(([k, v]) => `${k.padStart(w)}: ${v}`).join('\n') + '\n';
}

export async function hostnamectl(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '--no-ask-password');
  const flags = args.filter((a) => a.startsWith('--'));
  const pos = args.filter((a) => !a.startsWith('--'));
  if (pos.length === 0 || pos[0] === 'status') {
    if (flags.includes('--static')) return ok(`${staticHostname(ctx) ?? ''}\n`);
    if (flags.includes('--transient')) return ok(`${ctx.runtime().hostname}\n`);
    if (flags.length) return unsupported(ctx);
    return ok(status(ctx));
  }
  if (pos[0] === 'hostname' && pos.length === 1) return ok(`${staticHostname(ctx) ?? ctx.runtime().hostname}\n`);
  if (pos[0] === 'set-hostname' || (pos[0] === 'hostname' && pos.length === 2)) {
    const name = pos[1];
    if (!name || pos.length > 2) return fail(1, 'Invalid number of arguments.\n');
    if (flags.some((f) => !['--static', '--transient', '--pretty'].includes(f))) return unsupported(ctx);
    if (ctx.uid !== 0) return fail(1, 'Could not set property: Interactive authentication required.\n');
    const clean = validStatic(name) ? name : cleanup(name);
    if (!clean) return fail(1, `Invalid static hostname '${name}'\n`);
    if (!flags.includes('--transient')) writeHost(ctx, '/etc/hostname', `${clean}\n`);
    if (clean !== name) writeHost(ctx, '/etc/machine-info', `PRETTY_HOSTNAME=${name}\n`);
    if (!flags.includes('--static') || flags.includes('--transient')) await setRunningHostname(ctx, clean);
    return ok();
  }
  return unsupported(ctx);
}

/** /etc/hosts lookup of a name (first address). */
function hostsLookup(ctx: SimContext, name: string): { addr: string; canonical: string } | undefined {
  for (const l of (readHost(ctx, '/etc/hosts') ?? '').split('\n')) {
    const f = l.replace(/#.*/, '').trim().split(/\s+/);
    if (f.length >= 2 && f.slice(1).includes(name)) return { addr: f[0], canonical: f[1] };
  }
  return undefined;
}

export async function hostname(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const rt = ctx.runtime();
  if (args.length === 0) return ok(`${rt.hostname}\n`);
  const a = args[0];
  if (a === '-s' || a === '--short') return ok(`${rt.hostname.split('.')[0]}\n`);
  if (a === '-f' || a === '--fqdn' || a === '--long' || a === '-A' || a === '--all-fqdns') {
    const h = hostsLookup(ctx, rt.hostname);
    if (!h && a !== '-A' && a !== '--all-fqdns') return fail(1, `hostname: Name or service not known\n`);
    return ok(`${h?.canonical ?? rt.hostname}${a === '-A' || a === '--all-fqdns' ? ' ' : ''}\n`);
  }
  if (a === '-i' || a === '--ip-address') {
    const h = hostsLookup(ctx, rt.hostname);
    if (!h) return fail(1, 'hostname: Name or service not known\n');
    return ok(`${h.addr}\n`);
  }
  if (a === '-I' || a === '--all-ip-addresses') return ok(rt.networkUp ? `${ctx.host.address} \n` : '\n');
  if (a.startsWith('-')) return unsupported(ctx);
  if (args.length > 1) return unsupported(ctx);
  if (ctx.uid !== 0) return fail(1, 'hostname: you must be root to change the host name\n');
  await setRunningHostname(ctx, a);
  return ok();
}
