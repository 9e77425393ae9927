/** The kernel settings of /etc/sysctl.d/k8s.conf (the seed guide's list, kernel-aware). */
import type { HostContext } from './context.ts';

export interface SysctlEntry {
  key: string;
  value: string;
}

export function sysctlEntries(ctx: HostContext): SysctlEntry[] {
  const e: [string, string][] = [
    ['net.ipv4.ip_forward', '1'],
    ['net.bridge.bridge-nf-call-iptables', '1'],
    ['net.bridge.bridge-nf-call-ip6tables', '1'],
    ['vm.swappiness', '0'],
    ['vm.overcommit_memory', '1'],
    ['vm.panic_on_oom', '0'],
    ['fs.inotify.max_user_watches', '89100'],
    ['fs.file-max', '52706963'],
    ['fs.nr_open', '52706963'],
    ['net.netfilter.nf_conntrack_max', '2310720'],
    ['net.ipv4.tcp_keepalive_time', '600'],
    ['net.ipv4.tcp_keepalive_probes', '3'],
    ['net.ipv4.tcp_keepalive_intvl', '15'],
    ['net.ipv4.tcp_max_tw_buckets', '36000'],
    ['net.ipv4.tcp_tw_reuse', '1'],
    ['net.ipv4.tcp_max_orphans', '327680'],
    ['net.ipv4.tcp_orphan_retries', '3'],
    ['net.ipv4.tcp_syncookies', '1'],
    ['net.ipv4.tcp_max_syn_backlog', '16384'],
    ['net.core.somaxconn', '16384'],
  ];
  // EL7 only (needed there for container mounts); gone from later kernels
  if (ctx.mayDetachMounts) e.push(['fs.may_detach_mounts', '1']);
  // removed in 4.12; 0 is what the guides set (it breaks NAT clients when 1)
  if (ctx.tcpTwRecycle) e.push(['net.ipv4.tcp_tw_recycle', '0']);
  return e.map(([key, value]) => ({ key, value }));
}

/** Modules for kube-proxy IPVS, the bridge netfilter hooks and overlayfs. */
export const kernelModules = (ctx: HostContext): string[] =>
  ['overlay', 'br_netfilter', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', ctx.conntrackModule];
