/**
 * A freshly installed host of each OS profile, and its boot.
 * OWNED BY the sim-os area (this is the contract the lab machinery calls).
 *
 * - freshHostFiles(host): the /etc files of a fresh install (for the per-profile etc layer).
 * - baseCommands(host): the simulated commands a fresh host has (linked to the client).
 * - boot(ctx): rebuild the runtime state from persisted files only. On the first boot
 *   (empty rpmdb) it also lays down what a fresh install has that FileSpec cannot carry:
 *   the rpmdb, symlinks (systemd wants-links, /etc/localtime, 99-sysctl.conf,
 *   /etc/sysconfig/selinux) and /usr/lib files (unit files, vendor sysctl.d).
 * - writeProcFiles(ctx) (re-exported): the simulated /proc and /sys files.
 */
import type { LabHost, SimContext } from '../api.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { UNIT_FILES } from '../data/packages.ts';
import { existsHost, linkHost, listHost, PROFILES, removeHost, writeHost } from './host.ts';
import { bootModules, baseSysctl, kernelFamily } from './kernel.ts';
import { loadModule, modulesLoadD } from './modules.ts';
import { writeProcFiles } from './procfiles.ts';
import { ensureBaseRpmdb, installedKernels } from './rpmdb.ts';
import { configMode } from './selinux.ts';
import { applyBootSysctl } from './sysctl.ts';
import { fstabHasSwap } from './swap.ts';
import { staticHostname } from './hostname.ts';
import { chronySync } from './time.ts';
import { enabledUnits, findUnit, startUnit } from './units.ts';
import { CENTOS7_FILES, ROCKY9_FILES, firstBootFiles } from './fresh.ts';

export { writeProcFiles } from './procfiles.ts';

export interface FileSpec {
  path: string;
  content: string;
  mode?: number;
}

/** Files a fresh host has beyond the machine's own /etc (os-release, repos, fstab with swap, selinux config...). */
export function freshHostFiles(host: LabHost): FileSpec[] {
  return (host.os === 'centos7' ? CENTOS7_FILES : ROCKY9_FILES)(host);
}

/** System commands of every profile (what the os area simulates and a minimal install has). */
const SYSTEM_COMMANDS = [
  'yum', 'rpm', 'systemctl', 'service', 'sysctl', 'modprobe', 'lsmod', 'rmmod', 'modinfo',
  'getenforce', 'setenforce', 'sestatus', 'swapoff', 'swapon', 'mkswap', 'hostnamectl', 'hostname',
  'timedatectl', 'chronyc', 'date', 'uname', 'reboot', 'shutdown', 'poweroff', 'halt',
  'grubby', 'grub2-set-default', 'grub2-mkconfig', 'grub2-editenv', 'firewall-cmd',
  'iptables', 'ip6tables', 'iptables-save', 'ip6tables-save', 'iptables-restore', 'ip6tables-restore',
  'nmcli', 'curl', 'journalctl', 'nproc',
];

/** Commands present on a fresh host of this profile (linked to the client at provisioning). */
export function baseCommands(host: LabHost): string[] {
  return host.os === 'rocky9' ? [...SYSTEM_COMMANDS, 'dnf'].sort() : [...SYSTEM_COMMANDS].sort();
}

/** Commands that packages bring (linked by yum at install; absent on a fresh host). */
export const PACKAGE_COMMANDS = ['wget', 'ntpdate', 'yum-config-manager', 'socat', 'conntrack', 'ipvsadm', 'ipset', 'ebtables', 'ethtool', 'jq'];

/**
 * A lab host's /etc and /usr lie over the machine's (Debian) own: its systemd units,
 * wants-links, sysctl.d and modules-load.d files would show through. A fresh CentOS/Rocky
 * has none of them; removing them here leaves whiteouts in the host's own upper layers only.
 */
function hideMachineLeftovers(ctx: SimContext): void {
  for (const d of ['/etc/systemd/system', '/run/systemd/system', '/etc/sysctl.d', '/run/sysctl.d', '/usr/lib/sysctl.d', '/usr/local/lib/sysctl.d', '/etc/modules-load.d', '/usr/lib/modules-load.d']) {
    for (const f of listHost(ctx, d)) removeHost(ctx, `${d}/${f}`);
  }
  for (const f of listHost(ctx, '/usr/lib/systemd/system')) if (!UNIT_FILES[f]) removeHost(ctx, `/usr/lib/systemd/system/${f}`);
}

/** First boot: what a fresh install has that FileSpec cannot carry. */
function firstBoot(ctx: SimContext): void {
  hideMachineLeftovers(ctx);
  ensureBaseRpmdb(ctx);
  for (const f of firstBootFiles(ctx.host)) {
    if (f.link !== undefined) {
      if (!existsHost(ctx, f.path)) linkHost(ctx, f.link, f.path);
    } else if (f.dir) {
      mkdirSync(ctx.path(f.path), { recursive: true });
    } else if (!existsHost(ctx, f.path)) writeHost(ctx, f.path, f.content ?? '', f.mode);
  }
  ctx.persist().extra.provisioned = true;
}

/** Rebuild the runtime state from persisted files only (modules-load.d, sysctl.d, fstab swap, SELinux config, enabled services, hostname). */
export async function boot(ctx: SimContext): Promise<void> {
  const ps = ctx.persist();
  if (!ps.extra.provisioned) firstBoot(ctx);
  const rt = ctx.runtime();
  // the boot loader's default entry, if it still exists, else the newest kernel
  const kernels = installedKernels(ctx);
  const kernel = kernels.includes(ps.defaultKernel) ? ps.defaultKernel : PROFILES[ctx.host.os].kernel;
  const fam = kernelFamily(kernel);
  rt.extra = { kernel };
  rt.bootId = randomUUID();
  rt.bootedAt = Date.now();
  rt.services = {};
  rt.modules = [];
  rt.sysctl = baseSysctl(fam, ctx.host, kernel);
  rt.networkUp = true;
  rt.hostname = staticHostname(ctx) ?? 'localhost.localdomain';
  await ctx.nsExec(['hostname', rt.hostname]);

  // systemd-modules-load: the kernel's own modules, then /etc, /run, /usr/lib modules-load.d
  for (const m of bootModules(fam)) loadModule(ctx, m);
  for (const m of modulesLoadD(ctx)) loadModule(ctx, m);
  // systemd-sysctl after the modules
  applyBootSysctl(ctx);
  rt.swapActive = fstabHasSwap(ctx);
  rt.selinuxMode = configMode(ctx);

  // enabled services, the network first
  const units = enabledUnits(ctx);
  const order = (u: string): number => (u.startsWith('NetworkManager') ? 0 : u.startsWith('firewalld') ? 1 : u.startsWith('containerd') ? 2 : u.startsWith('docker') ? 3 : u.startsWith('kubelet') ? 5 : 4);
  units.sort((a, b) => order(a) - order(b));
  if (ctx.host.os === 'rocky9' && !units.includes('NetworkManager.service')) {
    rt.networkUp = false;
    await ctx.nsExec(['ip', 'link', 'set', 'eth0', 'down']);
  }
  // what systemd itself runs at every boot, enabled or not
  for (const s of ['systemd-journald', 'systemd-modules-load', 'systemd-sysctl', 'dbus', 'polkit']) {
    if (findUnit(ctx, s)) rt.services[s] = { active: 'active', since: ctx.now() };
  }
  for (const u of units) {
    const unit = findUnit(ctx, u);
    if (!unit || unit.masked) continue;
    // units without a simulator start as plain active units; ServiceHooks decide the rest
    await startUnit(ctx, unit);
  }
  chronySync(ctx);
  writeProcFiles(ctx);
  ctx.save();
}
