/** The files of a fresh CentOS 7.9 / Rocky 9.4 minimal install (texts as the distributions ship them). */
import type { LabHost } from '../api.ts';

interface Spec {
  path: string;
  content: string;
  mode?: number;
}

const key = (name: string): string =>
  `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v1.4.5 (GNU/Linux)\n\n${Buffer.from(name).toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`;

const SELINUX_CONFIG = `
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
SELINUX=enforcing
# SELINUXTYPE= can take one of three values:
#     targeted - Targeted processes are protected,
#     minimum - Modification of targeted policy. Only selected processes are protected. 
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted 

`;

const HOSTS = `127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4
::1         localhost localhost.localdomain localhost6 localhost6.localdomain6
`;

const SYSCTL_CONF = `# sysctl settings are defined through files in
# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.
#
# Vendors settings live in /usr/lib/sysctl.d/.
# To override a whole file, create a new file with the same in
# /etc/sysctl.d/ and put new settings there. To override
# only specific settings, add a file with a lexically later
# name in /etc/sysctl.d/ and put new settings there.
#
# For more information, see sysctl.conf(5) and sysctl.d(5).
`;

const LIMITS_CONF = `# /etc/security/limits.conf
#
#This file sets the resource limits for the users logged in via PAM.
#It does not affect resource limits of the system services.
#
#Each line describes a limit for a user in the form:
#
#<domain>        <type>  <item>  <value>
#
#*               soft    core            0
#*               hard    rss             10000
#@student        hard    nproc           20
#@faculty        soft    nproc           20
#@faculty        hard    nproc           50
#ftp             hard    nproc           0
#@student        -       maxlogins       4

# End of file
`;

function centosBaseRepo(): string {
  const section = (id: string, name: string, repo: string, enabled: boolean): string => `[${id}]
name=CentOS-$releasever - ${name}
mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=${repo}&infra=$infra
#baseurl=http://mirror.centos.org/centos/$releasever/${repo}/$basearch/
gpgcheck=1
${enabled ? '' : 'enabled=0\n'}gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7
`;
  return `# CentOS-Base.repo
#
# The mirror system uses the connecting IP address of the client and the
# update status of each mirror to pick mirrors that are updated to and
# geographically close to the client.  You should use this for CentOS updates
# unless you are manually picking other mirrors.
#
# If the mirrorlist= does not work for you, as a fall back you can try the 
# remarked out baseurl= line instead.
#
#

${section('base', 'Base', 'os', true)}
#released updates 
${section('updates', 'Updates', 'updates', true)}
#additional packages that may be useful
${section('extras', 'Extras', 'extras', true)}
#additional packages that extend functionality of existing packages
${section('centosplus', 'Plus', 'centosplus', false)}`;
}

function rockyRepo(): string {
  const section = (id: string, name: string, repo: string, enabled: boolean): string => `[${id}]
name=Rocky Linux $releasever - ${name}
mirrorlist=https://mirrors.rockylinux.org/mirrorlist?arch=$basearch&repo=${repo}-$releasever$rltype
#baseurl=http://dl.rockylinux.org/$contentdir/$releasever/${repo}/$basearch/os/
gpgcheck=1
enabled=${enabled ? 1 : 0}
countme=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9
`;
  return `# rocky.repo
#
# The mirrorlist system uses the connecting IP address of the client and the
# update status of each mirror to pick current mirrors that are geographically
# close to the client.  You should use this for Rocky updates unless you are
# manually picking other mirrors.
#
# If the mirrorlist does not work for you, you can try the commented out
# baseurl line instead.

${section('baseos', 'BaseOS', 'BaseOS', true)}
${section('appstream', 'AppStream', 'AppStream', true)}
${section('crb', 'CRB', 'CRB', false)}`;
}

const ROCKY_EXTRAS = `# rocky-extras.repo
#
# The mirrorlist system uses the connecting IP address of the client and the
# update status of each mirror to pick current mirrors that are geographically
# close to the client.  You should use this for Rocky updates unless you are
# manually picking other mirrors.

[extras]
name=Rocky Linux $releasever - Extras
mirrorlist=https://mirrors.rockylinux.org/mirrorlist?arch=$basearch&repo=extras-$releasever$rltype
#baseurl=http://dl.rockylinux.org/$contentdir/$releasever/extras/$basearch/os/
gpgcheck=1
enabled=1
countme=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9
`;

function common(host: LabHost): Spec[] {
  const uuid = host.productUuid.replace(/-/g, '');
  return [
    { path: '/etc/hostname', content: 'localhost.localdomain\n' },
    { path: '/etc/hosts', content: HOSTS },
    { path: '/etc/resolv.conf', content: '# Generated by NetworkManager\nnameserver 127.0.0.1\n' },
    { path: '/etc/selinux/config', content: SELINUX_CONFIG },
    { path: '/etc/sysctl.conf', content: SYSCTL_CONF },
    { path: '/etc/security/limits.conf', content: LIMITS_CONF },
    { path: '/etc/machine-id', content: `${uuid}\n`, mode: 0o444 },
    { path: '/etc/locale.conf', content: 'LANG="en_US.UTF-8"\n' },
    { path: '/etc/sysconfig/network', content: '# Created by anaconda\n' },
  ];
}

export function CENTOS7_FILES(host: LabHost): Spec[] {
  return [
    ...common(host),
    { path: '/etc/os-release', content: `NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:centos:centos:7"\nHOME_URL="https://www.centos.org/"\nBUG_REPORT_URL="https://bugs.centos.org/"\n\nCENTOS_MANTISBT_PROJECT="CentOS-7"\nCENTOS_MANTISBT_PROJECT_VERSION="7"\nREDHAT_SUPPORT_PRODUCT="centos"\nREDHAT_SUPPORT_PRODUCT_VERSION="7"\n\n` },
    { path: '/etc/redhat-release', content: 'CentOS Linux release 7.9.2009 (Core)\n' },
    { path: '/etc/centos-release', content: 'CentOS Linux release 7.9.2009 (Core)\n' },
    { path: '/etc/system-release', content: 'CentOS Linux release 7.9.2009 (Core)\n' },
    { path: '/etc/system-release-cpe', content: 'cpe:/o:centos:centos:7\n' },
    { path: '/etc/centos-release-upstream', content: 'Derived from Red Hat Enterprise Linux 7.9 (Source)\n' },
    { path: '/etc/yum.repos.d/CentOS-Base.repo', content: centosBaseRepo() },
    { path: '/etc/yum/vars/infra', content: 'stock\n' },
    { path: '/etc/yum/vars/contentdir', content: 'centos\n' },
    { path: '/etc/yum.conf', content: `[main]\ncachedir=/var/cache/yum/$basearch/$releasever\nkeepcache=0\ndebuglevel=2\nlogfile=/var/log/yum.log\nexactarch=1\nobsoletes=1\ngpgcheck=1\nplugins=1\ninstallonly_limit=5\nbugtracker_url=http://bugs.centos.org/set_project.php?project_id=23&ref=http://bugs.centos.org/bug_report_page.php?category=yum\ndistroverpkg=centos-release\n\n\n#  This is the default, if you make this bigger yum won't see if the metadata\n# is newer on the remote and so you'll "gain" the bandwidth of not having to\n# download the new metadata and "pay" for it by yum not having correct\n# information.\n#  It is esp. important, to have correct metadata, for distributions like\n# Fedora which don't keep old packages around. If you don't like this checking\n# interupting your command line usage, it's much better to have something\n# manually check the metadata once an hour (yum-updatesd will do this).\n# metadata_expire=90m\n\n# PUT YOUR REPOS HERE OR IN separate files named file.repo\n# in /etc/yum.repos.d\n` },
    { path: '/etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7', content: key('CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>') },
    { path: '/etc/fstab', content: `\n#\n# /etc/fstab\n# Created by anaconda on Tue Nov 10 09:12:41 2020\n#\n# Accessible filesystems, by reference, are maintained under '/dev/disk'\n# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info\n#\n/dev/mapper/centos-root /                       xfs     defaults        0 0\nUUID=${host.productUuid.slice(0, 8)}-1c2d-4e3f-8a9b-0c1d2e3f4a5b /boot                   xfs     defaults        0 0\n/dev/mapper/centos-swap swap                    swap    defaults        0 0\n` },
    { path: '/etc/chrony.conf', content: `# Use public servers from the pool.ntp.org project.\n# Please consider joining the pool (http://www.pool.ntp.org/join.html).\nserver 0.centos.pool.ntp.org iburst\nserver 1.centos.pool.ntp.org iburst\nserver 2.centos.pool.ntp.org iburst\nserver 3.centos.pool.ntp.org iburst\n\n# Record the rate at which the system clock gains/losses time.\ndriftfile /var/lib/chrony/drift\n\n# Allow the system clock to be stepped in the first three updates\n# if its offset is larger than 1 second.\nmakestep 1.0 3\n\n# Enable kernel synchronization of the real-time clock (RTC).\nrtcsync\n\n# Allow NTP client access from local network.\n#allow 192.168.0.0/16\n\n# Serve time even if not synchronized to a time source.\n#local stratum 10\n\n# Specify directory for log files.\nlogdir /var/log/chrony\n` },
    { path: '/etc/security/limits.d/20-nproc.conf', content: '# Default limit for number of user\'s processes to prevent\n# accidental fork bombs.\n# See rhbz #432903 for reasoning.\n\n*          soft    nproc     4096\nroot       soft    nproc     unlimited\n' },
    { path: '/etc/sysconfig/kernel', content: '# UPDATEDEFAULT specifies if new-kernel-pkg should make\n# new kernels the default\nUPDATEDEFAULT=yes\n\n# DEFAULTKERNEL specifies the default kernel package type\nDEFAULTKERNEL=kernel\n' },
    { path: '/etc/default/grub', content: 'GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="$(sed \'s, release .*$,,g\' /etc/system-release)"\nGRUB_DEFAULT=saved\nGRUB_DISABLE_SUBMENU=true\nGRUB_TERMINAL_OUTPUT="console"\nGRUB_CMDLINE_LINUX="crashkernel=auto rd.lvm.lv=centos/root rd.lvm.lv=centos/swap rhgb quiet"\nGRUB_DISABLE_RECOVERY="true"\n' },
    { path: '/etc/sysconfig/network-scripts/ifcfg-eth0', content: `TYPE=Ethernet\nPROXY_METHOD=none\nBROWSER_ONLY=no\nBOOTPROTO=none\nDEFROUTE=yes\nIPV4_FAILURE_FATAL=no\nNAME=eth0\nDEVICE=eth0\nONBOOT=yes\nIPADDR=${host.address}\nPREFIX=15\n` },
  ];
}

export function ROCKY9_FILES(host: LabHost): Spec[] {
  return [
    ...common(host),
    { path: '/etc/os-release', content: `NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\nANSI_COLOR="0;32"\nLOGO="fedora-logo-icon"\nCPE_NAME="cpe:/o:rocky:rocky:9::baseos"\nHOME_URL="https://rockylinux.org/"\nBUG_REPORT_URL="https://bugs.rockylinux.org/"\nSUPPORT_END="2032-05-31"\nROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"\nROCKY_SUPPORT_PRODUCT_VERSION="9.4"\nREDHAT_SUPPORT_PRODUCT="Rocky Linux"\nREDHAT_SUPPORT_PRODUCT_VERSION="9.4"\n` },
    { path: '/etc/redhat-release', content: 'Rocky Linux release 9.4 (Blue Onyx)\n' },
    { path: '/etc/rocky-release', content: 'Rocky Linux release 9.4 (Blue Onyx)\n' },
    { path: '/etc/system-release', content: 'Rocky Linux release 9.4 (Blue Onyx)\n' },
    { path: '/etc/system-release-cpe', content: 'cpe:/o:rocky:rocky:9::baseos\n' },
    { path: '/etc/yum.repos.d/rocky.repo', content: rockyRepo() },
    { path: '/etc/yum.repos.d/rocky-extras.repo', content: ROCKY_EXTRAS },
    { path: '/etc/dnf/vars/contentdir', content: 'pub/rocky\n' },
    { path: '/etc/dnf/vars/rltype', content: '\n' },
    { path: '/etc/dnf/dnf.conf', content: '[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=True\nskip_if_unavailable=False\n' },
    { path: '/etc/yum.conf', content: '[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=True\nskip_if_unavailable=False\n' },
    { path: '/etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9', content: key('Rocky Enterprise Software Foundation - Release key 2022 <releng@rockylinux.org>') },
    { path: '/etc/fstab', content: `\n#\n# /etc/fstab\n# Created by anaconda on Thu May  9 10:21:32 2024\n#\n# Accessible filesystems, by reference, are maintained under '/dev/disk/'.\n# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info.\n#\n# After editing this file, run 'systemctl daemon-reload' to update systemd\n# units generated from this file.\n#\n/dev/mapper/rl-root     /                       xfs     defaults        0 0\nUUID=${host.productUuid.slice(0, 8)}-1c2d-4e3f-8a9b-0c1d2e3f4a5b /boot                   xfs     defaults        0 0\n/dev/mapper/rl-swap     none                    swap    defaults        0 0\n` },
    { path: '/etc/chrony.conf', content: `# Use public servers from the pool.ntp.org project.\n# Please consider joining the pool (https://www.pool.ntp.org/join.html).\npool 2.rocky.pool.ntp.org iburst\n\n# Use NTP servers from DHCP.\nsourcedir /run/chrony-dhcp\n\n# Record the rate at which the system clock gains/losses time.\ndriftfile /var/lib/chrony/drift\n\n# Allow the system clock to be stepped in the first three updates\n# if its offset is larger than 1 second.\nmakestep 1.0 3\n\n# Enable kernel synchronization of the real-time clock (RTC).\nrtcsync\n\n# Allow NTP client access from local network.\n#allow 192.168.0.0/16\n\n# Serve time even if not synchronized to a time source.\n#local stratum 10\n\n# Specify directory for log files.\nlogdir /var/log/chrony\n` },
    { path: '/etc/default/grub', content: 'GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="$(sed \'s, release .*$,,g\' /etc/system-release)"\nGRUB_DEFAULT=saved\nGRUB_DISABLE_SUBMENU=true\nGRUB_TERMINAL_OUTPUT="console"\nGRUB_CMDLINE_LINUX="crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rl-swap rd.lvm.lv=rl/root rd.lvm.lv=rl/swap"\nGRUB_DISABLE_RECOVERY="true"\nGRUB_ENABLE_BLSCFG=true\n' },
    { path: '/etc/NetworkManager/system-connections/eth0.nmconnection', content: `[connection]\nid=eth0\nuuid=${host.productUuid}\ntype=ethernet\ninterface-name=eth0\n\n[ethernet]\n\n[ipv4]\naddress1=${host.address}/15\nmethod=manual\n\n[ipv6]\naddr-gen-mode=eui64\nmethod=auto\n\n[proxy]\n`, mode: 0o600 },
  ];
}

export interface FirstBootSpec {
  path: string;
  content?: string;
  /** a symlink to this target instead of a file */
  link?: string;
  /** an empty directory a package ships (rpm %dir) instead of a file */
  dir?: boolean;
  mode?: number;
}

/** What a fresh install has that plain /etc files cannot carry: symlinks and /usr/lib files. */
export function firstBootFiles(host: LabHost): FirstBootSpec[] {
  const el7 = host.os === 'centos7';
  const enabled = el7
    ? ['firewalld', 'chronyd', 'sshd', 'NetworkManager', 'tuned', 'crond', 'rsyslog', 'irqbalance', 'auditd', 'postfix', 'kdump']
    : ['firewalld', 'chronyd', 'sshd', 'NetworkManager', 'tuned', 'crond', 'rsyslog', 'irqbalance', 'auditd', 'kdump'];
  const out: FirstBootSpec[] = enabled.map((s) => ({
    path: `/etc/systemd/system/multi-user.target.wants/${s}.service`, link: `/usr/lib/systemd/system/${s}.service`,
  }));
  out.push({ path: '/etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service', link: '/usr/lib/systemd/system/firewalld.service' });
  out.push({ path: '/etc/localtime', link: '../usr/share/zoneinfo/America/New_York' });
  out.push({ path: '/etc/sysctl.d/99-sysctl.conf', link: '../sysctl.conf' });
  out.push({ path: '/etc/sysconfig/selinux', link: '../selinux/config' });
  // NetworkManager owns this (empty) directory on EL7 and EL9; guides drop their unmanaged-devices rule in it
  out.push({ path: '/etc/NetworkManager/conf.d', dir: true });
  if (el7) {
    out.push({ path: '/usr/lib/sysctl.d/00-system.conf', content: '# Kernel sysctl configuration file\n#\n# For binary values, 0 is disabled, 1 is enabled.  See sysctl(8) and\n# sysctl.conf(5) for more details.\n\n# Disable netfilter on bridges.\nnet.bridge.bridge-nf-call-ip6tables = 0\nnet.bridge.bridge-nf-call-iptables = 0\nnet.bridge.bridge-nf-call-arptables = 0\n' });
    out.push({ path: '/usr/lib/sysctl.d/50-default.conf', content: '# Kernel sysctl configuration file\n#\n# See sysctl.d(5) and sysctl.conf(5) for more details.\n\n# System Request functionality of the kernel (SYNC)\nkernel.sysrq = 16\n\n# Append the PID to the core filename\nkernel.core_uses_pid = 1\n\n# Source route verification\nnet.ipv4.conf.default.rp_filter = 1\nnet.ipv4.conf.all.rp_filter = 1\n\n# Do not accept source routing\nnet.ipv4.conf.default.accept_source_route = 0\nnet.ipv4.conf.all.accept_source_route = 0\n\n# Promote secondary addresses when the primary address is removed\nnet.ipv4.conf.default.promote_secondaries = 1\nnet.ipv4.conf.all.promote_secondaries = 1\n\n# Fair Queue CoDel packet scheduler to fight bufferbloat\nnet.core.default_qdisc = pfifo_fast\n\n# Enable hard and soft link protection\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\n' });
  } else {
    out.push({ path: '/usr/lib/sysctl.d/10-default-yama-scope.conf', content: '# When yama is enabled in the kernel it might be used to filter any user\n# space access which requires PTRACE_MODE_ATTACH like ptrace attach, access\n# to /proc/PID/{mem,personality,stack,syscall}, and the syscalls\n# process_vm_readv and process_vm_writev which are used for interprocess\n# services, communication and introspection (like synchronisation, signaling,\n# debugging, tracing and profiling) of processes.\n#\n# Usage of ptrace attach is restricted by normal user permissions. Normal\n# unprivileged processes cannot interact through ptrace with processes\n# that they cannot send signals to or processes that are running set-uid\n# or set-gid.\n#\n# yama ptrace scope can be changed to 1 in a sysctl.d file as needed.\n\nkernel.yama.ptrace_scope = 0\n' });
    out.push({ path: '/usr/lib/sysctl.d/50-default.conf', content: '#  This file is part of systemd.\n#\n# See sysctl.d(5) and core(5) for documentation.\n\n# System Request functionality of the kernel (SYNC)\nkernel.sysrq = 16\n\n# Append the PID to the core filename\nkernel.core_uses_pid = 1\n\n# Source route verification\nnet.ipv4.conf.default.rp_filter = 2\n\n# Do not accept source routing\nnet.ipv4.conf.default.accept_source_route = 0\n\n# Promote secondary addresses when the primary address is removed\nnet.ipv4.conf.default.promote_secondaries = 1\n\n# ping(8) without CAP_NET_ADMIN and CAP_NET_RAW\nnet.ipv4.ping_group_range = 0 2147483647\n\n# Fair Queue CoDel packet scheduler to fight bufferbloat\nnet.core.default_qdisc = fq_codel\n\n# Enable hard and soft link protection\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\n\n# Enable regular file and FIFO protection\nfs.protected_regular = 1\nfs.protected_fifos = 1\n' });
    out.push({ path: '/usr/lib/sysctl.d/50-pid-max.conf', content: '# Increase pid_max to support the maximum number of processes.\nkernel.pid_max = 4194304\n' });
  }
  return out;
}
