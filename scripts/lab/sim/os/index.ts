// registers the os area's commands and services (see ../registry.ts)
import { unsupported, type CommandResult, type SimContext } from '../api.ts';
import { registerCommand } from '../registry.ts';
import { firewallCmd } from './firewall.ts';
import { hostname, hostnamectl } from './hostname.ts';
import { curl, registerMirrorHttp, wget } from './http.ts';
import { iptables, iptablesRestore, iptablesSave } from './iptables.ts';
import { lsmod, modinfo, modprobe, rmmod } from './modules.ts';
import { nmcli } from './network.ts';
import { conntrack, ebtables, ethtool, ipset, jq, socat } from './pkgtools.ts';
import { grub2, grubby, reboot, uname } from './power.ts';
import { rpm } from './rpm.ts';
import { getenforce, sestatus, setenforce } from './selinux.ts';
import { mkswap, swapoff, swapon } from './swap.ts';
import { sysctl } from './sysctl.ts';
import { journalctl, service, systemctl } from './systemctl.ts';
import { chronyc, date, ntpdate, timedatectl } from './time.ts';
import { yum, yumConfigManager } from './yum.ts';

/** `dnf config-manager ...` goes to the config-manager; the rest is yum/dnf. */
async function dnfOrYum(ctx: SimContext): Promise<CommandResult> {
  if (ctx.argv[1] === 'config-manager' && ctx.host.os === 'rocky9') return yumConfigManager(ctx, ctx.argv.slice(2));
  return yum(ctx);
}

const table: Record<string, (ctx: SimContext) => Promise<CommandResult>> = {
  yum: dnfOrYum,
  dnf: dnfOrYum,
  'yum-config-manager': (ctx) => yumConfigManager(ctx, ctx.argv.slice(1)),
  rpm,
  systemctl,
  service,
  journalctl,
  sysctl,
  modprobe,
  lsmod,
  rmmod,
  modinfo,
  getenforce,
  setenforce,
  sestatus,
  swapoff,
  swapon,
  mkswap,
  hostnamectl,
  hostname,
  timedatectl,
  chronyc,
  ntpdate,
  date,
  uname,
  reboot,
  shutdown: reboot,
  poweroff: reboot,
  halt: reboot,
  grubby,
  'grub2-set-default': grub2,
  'grub2-mkconfig': grub2,
  'grub2-editenv': grub2,
  'firewall-cmd': firewallCmd,
  iptables,
  ip6tables: iptables,
  'iptables-save': iptablesSave,
  'ip6tables-save': iptablesSave,
  'iptables-restore': iptablesRestore,
  'ip6tables-restore': iptablesRestore,
  nmcli,
  socat,
  conntrack,
  ipset,
  ebtables,
  ethtool,
  jq,
  curl,
  wget,
  // the host's CPU count, not the machine's (kubeadm's NumCPU check reads the same figure)
  nproc: async (ctx) => (ctx.argv.slice(1).every((a) => a === '--all') ? { code: 0, stdout: `${ctx.host.cpus}\n`, stderr: '' } : unsupported(ctx)),
};

for (const [name, fn] of Object.entries(table)) registerCommand(name, fn);
registerMirrorHttp();
