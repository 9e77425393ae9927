/**
 * What a kernel has: its modules (with dependencies and the sysctl keys they add) and
 * its base sysctl keys with their defaults. Three families: the EL7 3.10 kernel, an
 * elrepo mainline kernel on EL7 (>= 4.19: nf_conntrack_ipv4 merged, tcp_tw_recycle gone),
 * and the EL9 5.14 kernel.
 */
import type { LabHost } from '../api.ts';

export type KernelFamily = 'el7' | 'mainline' | 'el9';

export function kernelFamily(release: string): KernelFamily {
  if (release.startsWith('3.10.')) return 'el7';
  if (release.includes('.el9')) return 'el9';
  return 'mainline';
}

export interface ModuleDef {
  size: number;
  deps: string[];
  /** sysctl keys (with defaults) present while the module is loaded */
  sysctl?: Record<string, string>;
  families?: KernelFamily[];
}

const conntrackKeys = (fam: KernelFamily, mem: number): Record<string, string> => {
  const buckets = fam === 'el7' ? 16384 : Math.min(262144, Math.max(16384, Math.floor((mem * 1024 * 1024) / 16384 / 8)));
  const max = fam === 'el7' ? buckets * 4 : buckets;
  return {
    'net.netfilter.nf_conntrack_max': String(max),
    'net.nf_conntrack_max': String(max),
    'net.netfilter.nf_conntrack_buckets': String(buckets),
    'net.netfilter.nf_conntrack_count': '0',
    'net.netfilter.nf_conntrack_tcp_timeout_established': '432000',
    'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '60',
    'net.netfilter.nf_conntrack_tcp_timeout_time_wait': '120',
    'net.netfilter.nf_conntrack_tcp_be_liberal': '0',
    'net.netfilter.nf_conntrack_udp_timeout': '30',
    'net.netfilter.nf_conntrack_checksum': '1',
  };
};

const IPVS_KEYS: Record<string, string> = {
  'net.ipv4.vs.am_droprate': '10',
  'net.ipv4.vs.amemthresh': '1024',
  'net.ipv4.vs.conn_reuse_mode': '1',
  'net.ipv4.vs.conntrack': '0',
  'net.ipv4.vs.expire_nodest_conn': '0',
  'net.ipv4.vs.expire_quiescent_template': '0',
  'net.ipv4.vs.sync_threshold': '3\t50',
};

/** The module table of a kernel family. */
export function moduleTable(fam: KernelFamily, host: LabHost): Record<string, ModuleDef> {
  const t: Record<string, ModuleDef> = {
    llc: { size: 14552, deps: [] },
    stp: { size: 12976, deps: ['llc'] },
    bridge: { size: 151336, deps: ['stp', 'llc'] },
    br_netfilter: {
      size: 22256, deps: ['bridge'],
      sysctl: {
        'net.bridge.bridge-nf-call-arptables': '1', 'net.bridge.bridge-nf-call-ip6tables': '1',
        'net.bridge.bridge-nf-call-iptables': '1', 'net.bridge.bridge-nf-filter-pppoe-tagged': '0',
        'net.bridge.bridge-nf-filter-vlan-tagged': '0', 'net.bridge.bridge-nf-pass-vlan-input-dev': '0',
      },
    },
    overlay: { size: 91659, deps: [] },
    libcrc32c: { size: 12644, deps: [] },
    nf_defrag_ipv4: { size: 12729, deps: [] },
    nf_defrag_ipv6: { size: 35104, deps: [] },
    nf_conntrack: {
      size: 139264, deps: fam === 'el7' ? ['libcrc32c'] : ['nf_defrag_ipv6', 'nf_defrag_ipv4', 'libcrc32c'],
      sysctl: conntrackKeys(fam, host.memoryMiB),
    },
    ip_vs: { size: 145458, deps: ['nf_conntrack', 'libcrc32c'], sysctl: IPVS_KEYS },
    ip_vs_rr: { size: 12600, deps: ['ip_vs'] },
    ip_vs_wrr: { size: 12697, deps: ['ip_vs'] },
    ip_vs_sh: { size: 12688, deps: ['ip_vs'] },
    ip_vs_lc: { size: 12516, deps: ['ip_vs'] },
    ip_vs_wlc: { size: 12519, deps: ['ip_vs'] },
    ip_tables: { size: 27126, deps: [] },
    ip6_tables: { size: 26912, deps: [] },
    x_tables: { size: 34059, deps: [] },
    iptable_filter: { size: 12810, deps: ['ip_tables'] },
    iptable_nat: { size: 12875, deps: fam === 'el7' ? ['nf_nat_ipv4', 'ip_tables'] : ['ip_tables', 'nf_nat'] },
    iptable_mangle: { size: 12695, deps: ['ip_tables'] },
    iptable_raw: { size: 12678, deps: ['ip_tables'] },
    nf_nat: { size: 26583, deps: ['nf_conntrack'] },
    xt_conntrack: { size: 12760, deps: ['nf_conntrack'] },
    xt_comment: { size: 12504, deps: [] },
    xt_mark: { size: 12563, deps: [] },
    xt_addrtype: { size: 12676, deps: [] },
    xt_multiport: { size: 12798, deps: [] },
    xt_set: { size: 18141, deps: ['ip_set'] },
    xt_MASQUERADE: { size: 12880, deps: ['nf_nat'], families: ['mainline', 'el9'] },
    ip_set: { size: 45799, deps: ['nfnetlink'] },
    ip_set_hash_ip: { size: 31658, deps: ['ip_set'] },
    ip_set_hash_net: { size: 36021, deps: ['ip_set'] },
    nfnetlink: { size: 14519, deps: [] },
    veth: { size: 13458, deps: [] },
    tunnel4: { size: 13252, deps: [] },
    ip_tunnel: { size: 25163, deps: [] },
    ipip: { size: 13465, deps: ['tunnel4', 'ip_tunnel'] },
    udp_tunnel: { size: 14423, deps: [] },
    ip6_udp_tunnel: { size: 12755, deps: [] },
    vxlan: { size: 53857, deps: ['udp_tunnel', 'ip6_udp_tunnel'] },
    dm_mod: { size: 124501, deps: [] },
    xfs: { size: 997681, deps: ['libcrc32c'] },
    virtio_net: { size: 28063, deps: [] },
    virtio_blk: { size: 18156, deps: [] },
    ata_piix: { size: 35052, deps: [] },
    crc32c_intel: { size: 22079, deps: [] },
    serio_raw: { size: 13434, deps: [] },
    rbd: { size: 83733, deps: [] },
    nf_tables: { size: 278528, deps: ['nfnetlink'], families: ['mainline', 'el9'] },
    nft_ct: { size: 24576, deps: ['nf_tables', 'nf_conntrack'], families: ['mainline', 'el9'] },
    nft_chain_nat: { size: 16384, deps: ['nf_tables', 'nf_nat'], families: ['mainline', 'el9'] },
    nft_fib_inet: { size: 16384, deps: ['nf_tables'], families: ['mainline', 'el9'] },
  };
  if (fam === 'el7') {
    t.nf_conntrack_ipv4 = {
      size: 15053, deps: ['nf_defrag_ipv4', 'nf_conntrack'],
      sysctl: { 'net.ipv4.netfilter.ip_conntrack_max': conntrackKeys(fam, host.memoryMiB)['net.netfilter.nf_conntrack_max'] },
    };
    t.nf_nat_ipv4 = { size: 14115, deps: ['nf_nat'] };
    t.ipt_MASQUERADE = { size: 12678, deps: ['nf_nat_ipv4'] };
  }
  for (const [name, def] of Object.entries(t)) if (def.families && !def.families.includes(fam)) delete t[name];
  return t;
}

/** Modules a freshly booted host has loaded before anything asks (drivers, filesystems). */
export function bootModules(fam: KernelFamily): string[] {
  const common = ['xfs', 'libcrc32c', 'dm_mod', 'virtio_net', 'virtio_blk', 'crc32c_intel', 'serio_raw'];
  return fam === 'el7' ? [...common, 'ata_piix', 'ip_tables'] : [...common, 'nfnetlink'];
}

/** Modules firewalld's backend loads when it starts (iptables on EL7, nftables on EL9). */
export function firewalldModules(fam: KernelFamily): string[] {
  return fam === 'el7'
    ? ['nf_conntrack_ipv4', 'iptable_filter', 'iptable_nat', 'iptable_mangle', 'iptable_raw', 'xt_conntrack', 'ip6_tables']
    : ['nf_tables', 'nft_ct', 'nft_chain_nat', 'nft_fib_inet', 'nf_conntrack'];
}

const IFACES = ['all', 'default', 'lo', 'eth0'];

/** The kernel's own sysctl keys and defaults (before modules and sysctl files). */
export function baseSysctl(fam: KernelFamily, host: LabHost, kernel: string): Record<string, string> {
  const el9 = fam !== 'el7';
  const memKb = host.memoryMiB * 1024;
  const s: Record<string, string> = {
    'fs.aio-max-nr': '65536',
    'fs.file-max': String(Math.floor(memKb / 10)),
    'fs.inotify.max_queued_events': '16384',
    'fs.inotify.max_user_instances': '128',
    'fs.inotify.max_user_watches': el9 ? '29440' : '8192',
    'fs.nr_open': '1048576',
    'fs.protected_hardlinks': '1',
    'fs.protected_symlinks': '1',
    'fs.suid_dumpable': '0',
    'kernel.core_uses_pid': el9 ? '1' : '0',
    'kernel.core_pattern': el9 ? '|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h' : 'core',
    'kernel.kptr_restrict': '0',
    'kernel.msgmax': '8192',
    'kernel.msgmnb': '16384',
    'kernel.ostype': 'Linux',
    'kernel.osrelease': kernel,
    'kernel.panic': '0',
    'kernel.panic_on_oops': '1',
    'kernel.pid_max': el9 ? '4194304' : '32768',
    'kernel.randomize_va_space': '2',
    'kernel.sem': '250\t32000\t32\t128',
    'kernel.shmall': '18446744073692774399',
    'kernel.shmmax': '18446744073692774399',
    'kernel.shmmni': '4096',
    'kernel.sysrq': '16',
    'kernel.threads-max': String(Math.floor(memKb / 128)),
    'kernel.keys.root_maxbytes': el9 ? '25000000' : '20000',
    'kernel.keys.root_maxkeys': el9 ? '1000000' : '200',
    'kernel.keys.maxkeys': el9 ? '200' : '200',
    'net.core.default_qdisc': el9 ? 'fq_codel' : 'pfifo_fast',
    'net.core.netdev_max_backlog': '1000',
    'net.core.optmem_max': el9 ? '81920' : '20480',
    'net.core.rmem_default': '212992',
    'net.core.rmem_max': '212992',
    'net.core.somaxconn': el9 ? '4096' : '128',
    'net.core.wmem_default': '212992',
    'net.core.wmem_max': '212992',
    'net.ipv4.ip_forward': '0',
    'net.ipv4.ip_local_port_range': '32768\t60999',
    'net.ipv4.ip_local_reserved_ports': '',
    'net.ipv4.ip_nonlocal_bind': '0',
    'net.ipv4.neigh.default.gc_thresh1': '128',
    'net.ipv4.neigh.default.gc_thresh2': '512',
    'net.ipv4.neigh.default.gc_thresh3': '1024',
    'net.ipv4.tcp_congestion_control': 'cubic',
    'net.ipv4.tcp_fin_timeout': '60',
    'net.ipv4.tcp_keepalive_intvl': '75',
    'net.ipv4.tcp_keepalive_probes': '9',
    'net.ipv4.tcp_keepalive_time': '7200',
    'net.ipv4.tcp_max_syn_backlog': el9 ? '1024' : '512',
    'net.ipv4.tcp_max_tw_buckets': el9 ? '32768' : '16384',
    'net.ipv4.tcp_mem': '43548\t58065\t87096',
    'net.ipv4.tcp_rmem': '4096\t131072\t6291456',
    'net.ipv4.tcp_wmem': '4096\t16384\t4194304',
    'net.ipv4.tcp_slow_start_after_idle': '1',
    'net.ipv4.tcp_syncookies': '1',
    'net.ipv4.tcp_timestamps': '1',
    'net.ipv4.tcp_tw_reuse': el9 ? '2' : '0',
    'net.ipv4.tcp_retries2': '15',
    'net.ipv4.icmp_echo_ignore_broadcasts': '1',
    'net.ipv6.neigh.default.gc_thresh1': '128',
    'net.ipv6.neigh.default.gc_thresh2': '512',
    'net.ipv6.neigh.default.gc_thresh3': '1024',
    'user.max_user_namespaces': el9 ? String(Math.floor(memKb / 128)) : '0',
    'vm.dirty_background_ratio': '10',
    'vm.dirty_ratio': el9 ? '20' : '30',
    'vm.drop_caches': '0',
    'vm.max_map_count': '65530',
    'vm.min_free_kbytes': '67584',
    'vm.overcommit_memory': '0',
    'vm.overcommit_ratio': '50',
    'vm.panic_on_oom': '0',
    'vm.swappiness': el9 ? '60' : '30',
    'vm.vfs_cache_pressure': '100',
  };
  for (const i of IFACES) {
    const v4 = `net.ipv4.conf.${i}.`;
    Object.assign(s, {
      [`${v4}accept_redirects`]: i === 'all' ? '1' : '1',
      [`${v4}accept_source_route`]: '0',
      [`${v4}arp_announce`]: '0',
      [`${v4}arp_ignore`]: '0',
      [`${v4}forwarding`]: '0',
      [`${v4}log_martians`]: '0',
      [`${v4}proxy_arp`]: '0',
      [`${v4}promote_secondaries`]: '0',
      [`${v4}route_localnet`]: '0',
      [`${v4}rp_filter`]: el9 && i !== 'all' ? '2' : i === 'lo' ? '0' : '1',
      [`${v4}send_redirects`]: '1',
    });
    const v6 = `net.ipv6.conf.${i}.`;
    Object.assign(s, { [`${v6}accept_ra`]: '1', [`${v6}disable_ipv6`]: '0', [`${v6}forwarding`]: '0' });
  }
  if (fam === 'el7') {
    s['fs.may_detach_mounts'] = '0';
    s['net.ipv4.tcp_tw_recycle'] = '0';
  }
  if (fam !== 'el7') {
    s['net.ipv4.ping_group_range'] = '0\t2147483647';
    s['kernel.unprivileged_bpf_disabled'] = '2';
    s['fs.protected_regular'] = '0';
    s['fs.protected_fifos'] = '0';
    s['kernel.yama.ptrace_scope'] = '0';
  }
  return s;
}

/** uname's build string per kernel. */
export function kernelBuild(kernel: string): string {
  if (kernel.startsWith('3.10.0-1160.el7')) return '#1 SMP Mon Oct 19 16:18:59 UTC 2020';
  if (kernel.includes('el9_4')) return '#1 SMP PREEMPT_DYNAMIC Wed May 1 19:11:28 UTC 2024';
  return '#1 SMP Sat Jun 22 10:32:15 EDT 2024';
}
