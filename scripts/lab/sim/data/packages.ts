/**
 * The packages the lab's mirrors serve: names, epochs, versions, releases, what they
 * require and what they put on a host (command links, systemd units, config files).
 * Channels are package sets; data/mirrors.ts says which URL serves which channel.
 * Dependencies are `>=` constraints resolved to the newest candidate, as yum/dnf do
 * (so `yum install kubeadm-1.23.17` alone pulls the newest kubelet of the legacy repo,
 * exactly the trap a real host has).
 */

import { MAX_PATCH } from './images.ts';

export interface Requirement {
  name: string;
  /** minimum [epoch:]version[-release] */
  min?: string;
}

export interface PackageFile {
  path: string;
  content: string;
  mode?: number;
  /** a config file (%config(noreplace)): kept on remove/upgrade when edited */
  config?: boolean;
}

export interface PackageDef {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: 'x86_64' | 'noarch';
  summary: string;
  requires: Requirement[];
  /** absolute paths of the commands it provides, linked to the lab client */
  commands: string[];
  /** unit file names (keys of UNIT_FILES) written under /usr/lib/systemd/system */
  units: string[];
  files: PackageFile[];
  /** a kernel package: installing it adds a boot entry */
  kernel?: string;
  /** other names it satisfies (Provides:), at its own version */
  provides?: string[];
}

type Spec = Partial<PackageDef> & { name: string; version: string; release: string };

const pkg = (s: Spec): PackageDef => ({
  epoch: 0, arch: 'x86_64', summary: s.name, requires: [], commands: [], units: [], files: [], ...s,
});

/** systemd unit files as the packages ship them (contents trimmed to what matters). */
export const UNIT_FILES: Record<string, string> = {
  'docker.service': `[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target firewalld.service containerd.service
Wants=network-online.target
Requires=docker.socket
Wants=containerd.service

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
RestartSec=2
Restart=always
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
Delegate=yes
KillMode=process
OOMScoreAdjust=-500

[Install]
WantedBy=multi-user.target
`,
  'docker.socket': `[Unit]
Description=Docker Socket for the API

[Socket]
ListenStream=/run/docker.sock
SocketMode=0660
SocketUser=root
SocketGroup=docker

[Install]
WantedBy=sockets.target
`,
  'containerd.service': `[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`,
  'kubelet.service': `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`,
  'firewalld.service': `[Unit]
Description=firewalld - dynamic firewall daemon
Before=network-pre.target
Wants=network-pre.target
After=dbus.service
After=polkit.service
Conflicts=iptables.service ip6tables.service ebtables.service ipset.service
Documentation=man:firewalld(1)

[Service]
EnvironmentFile=-/etc/sysconfig/firewalld
ExecStart=/usr/sbin/firewalld --nofork --nopid $FIREWALLD_ARGS
ExecReload=/bin/kill -HUP $MAINPID
StandardOutput=null
StandardError=null
Type=dbus
BusName=org.fedoraproject.FirewallD1
KillMode=mixed

[Install]
WantedBy=multi-user.target
Alias=dbus-org.fedoraproject.FirewallD1.service
`,
  'chronyd.service': `[Unit]
Description=NTP client/server
Documentation=man:chronyd(8) man:chrony.conf(5)
After=ntpdate.service sntp.service ntpd.service
Conflicts=ntpd.service systemd-timesyncd.service
ConditionCapability=CAP_SYS_TIME

[Service]
Type=forking
PIDFile=/run/chrony/chronyd.pid
EnvironmentFile=-/etc/sysconfig/chronyd
ExecStart=/usr/sbin/chronyd $OPTIONS

[Install]
WantedBy=multi-user.target
`,
  'sshd.service': `[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.service
Wants=sshd-keygen.service

[Service]
Type=notify
EnvironmentFile=/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
`,
  'NetworkManager.service': `[Unit]
Description=Network Manager
Documentation=man:NetworkManager(8)
Wants=network.target
After=network-pre.target dbus.service
Before=network.target network.service

[Service]
Type=dbus
BusName=org.freedesktop.NetworkManager
ExecReload=/usr/bin/busctl call org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager Reload u 0
ExecStart=/usr/sbin/NetworkManager --no-daemon
Restart=on-failure
KillMode=process

[Install]
WantedBy=multi-user.target
Also=NetworkManager-dispatcher.service
`,
  'tuned.service': `[Unit]
Description=Dynamic System Tuning Daemon
After=systemd-sysctl.service network.target dbus.service
Requires=dbus.service polkit.service
Conflicts=cpupower.service

[Service]
Type=dbus
PIDFile=/run/tuned/tuned.pid
BusName=com.redhat.tuned
ExecStart=/usr/sbin/tuned -l -P

[Install]
WantedBy=multi-user.target
`,
  'crond.service': `[Unit]
Description=Command Scheduler
After=auditd.service systemd-user-sessions.service time-sync.target

[Service]
EnvironmentFile=/etc/sysconfig/crond
ExecStart=/usr/sbin/crond -n $CRONDARGS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process

[Install]
WantedBy=multi-user.target
`,
  'rsyslog.service': `[Unit]
Description=System Logging Service
Wants=network.target network-online.target
After=network.target network-online.target

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/rsyslog
ExecStart=/usr/sbin/rsyslogd -n $SYSLOGD_OPTIONS
Restart=on-failure

[Install]
WantedBy=multi-user.target
`,
  'irqbalance.service': `[Unit]
Description=irqbalance daemon
ConditionVirtualization=!container

[Service]
EnvironmentFile=/etc/sysconfig/irqbalance
ExecStart=/usr/sbin/irqbalance --foreground $IRQBALANCE_ARGS

[Install]
WantedBy=multi-user.target
`,
  'auditd.service': `[Unit]
Description=Security Auditing Service
DefaultDependencies=no
After=local-fs.target systemd-tmpfiles-setup.service
Conflicts=shutdown.target
Before=sysinit.target shutdown.target

[Service]
Type=forking
PIDFile=/var/run/auditd.pid
ExecStart=/sbin/auditd
RefuseManualStop=yes

[Install]
WantedBy=multi-user.target
`,
  'postfix.service': `[Unit]
Description=Postfix Mail Transport Agent
After=syslog.target network.target
Conflicts=sendmail.service exim.service

[Service]
Type=forking
PIDFile=/var/spool/postfix/pid/master.pid
ExecStart=/usr/sbin/postfix start
ExecStop=/usr/sbin/postfix stop

[Install]
WantedBy=multi-user.target
`,
  'kdump.service': `[Unit]
Description=Crash recovery kernel arming
After=network.target network-online.target remote-fs.target basic.target

[Service]
Type=oneshot
ExecStart=/usr/bin/kdumpctl start
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`,
  'network.service': `[Unit]
Description=LSB: Bring up/down networking

[Service]
Type=forking
ExecStart=/etc/rc.d/init.d/network start
ExecStop=/etc/rc.d/init.d/network stop
RemainAfterExit=yes
`,
  'systemd-journald.service': `[Unit]
Description=Journal Service
DefaultDependencies=no

[Service]
ExecStart=/usr/lib/systemd/systemd-journald
Restart=always
`,
  'dbus.service': `[Unit]
Description=D-Bus System Message Bus
Requires=dbus.socket

[Service]
ExecStart=/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation
`,
  'polkit.service': `[Unit]
Description=Authorization Manager

[Service]
Type=dbus
BusName=org.freedesktop.PolicyKit1
ExecStart=/usr/lib/polkit-1/polkitd --no-debug
`,
  'iptables.service': `[Unit]
Description=IPv4 firewall with iptables
After=syslog.target
AssertPathExists=/etc/sysconfig/iptables

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/libexec/iptables/iptables.init start
ExecStop=/usr/libexec/iptables/iptables.init stop

[Install]
WantedBy=basic.target
`,
  'sysstat.service': `[Unit]
Description=Resets System Activity Logs

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib64/sa/sa1 --boot

[Install]
WantedBy=multi-user.target
`,
  'systemd-modules-load.service': `[Unit]
Description=Load Kernel Modules
Documentation=man:systemd-modules-load.service(8) man:modules-load.d(5)
DefaultDependencies=no
Conflicts=shutdown.target
Before=sysinit.target shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib/systemd/systemd-modules-load
TimeoutSec=90s
`,
  'systemd-sysctl.service': `[Unit]
Description=Apply Kernel Variables
Documentation=man:systemd-sysctl.service(8) man:sysctl.d(5)
DefaultDependencies=no
Conflicts=shutdown.target
After=systemd-modules-load.service
Before=sysinit.target shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib/systemd/systemd-sysctl
`,
  'ntpdate.service': `[Unit]
Description=Set time via NTP
After=syslog.target network.target nss-lookup.target
Before=time-sync.target
Wants=time-sync.target

[Service]
Type=oneshot
ExecStart=/usr/libexec/ntpdate-wrapper
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`,
};

/** Aliases a unit installs with its [Install] Alias= (enable links them under /etc/systemd/system). */
export const unitAlias = (unit: string): string | undefined =>
  /^Alias=(.+)$/m.exec(UNIT_FILES[unit] ?? '')?.[1]?.trim();

const CONTAINERD_STOCK_CONFIG = `#   Copyright 2018-2022 Docker Inc.

#   Licensed under the Apache License, Version 2.0 (the "License");
#   you may not use this file except in compliance with the License.
#   You may obtain a copy of the License at

#       http://www.apache.org/licenses/LICENSE-2.0

#   Unless required by applicable law or agreed to in writing, software
#   distributed under the License is distributed on an "AS IS" BASIS,
#   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#   See the License for the specific language governing permissions and
#   limitations under the License.

disabled_plugins = ["cri"]

#root = "/var/lib/containerd"
#state = "/run/containerd"
#subreaper = true
#oom_score = 0

#[grpc]
#  address = "/run/containerd/containerd.sock"
#  uid = 0
#  gid = 0

#[debug]
#  address = "/run/containerd/debug.sock"
#  uid = 0
#  gid = 0
#  level = "info"
`;

const KUBEADM_DROPIN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/sysconfig/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

/** Packages every fresh host has (rpmdb at install time). Their commands are in provision.baseCommands. */
export function basePackages(os: 'centos7' | 'rocky9'): PackageDef[] {
  if (os === 'centos7') {
    return [
      pkg({ name: 'centos-release', version: '7', release: '9.2009.1.el7.centos', summary: 'CentOS Linux release file' }),
      pkg({ name: 'kernel', version: '3.10.0', release: '1160.el7', summary: 'The Linux kernel', kernel: '3.10.0-1160.el7.x86_64' }),
      pkg({ name: 'systemd', version: '219', release: '78.el7_9.9', summary: 'A System and Service Manager', units: ['systemd-journald.service', 'systemd-modules-load.service', 'systemd-sysctl.service'] }),
      pkg({ name: 'bash', version: '4.2.46', release: '35.el7_9', summary: 'The GNU Bourne Again shell' }),
      pkg({ name: 'coreutils', version: '8.22', release: '24.el7_9.2', summary: 'A set of basic GNU tools commonly used in shell scripts' }),
      pkg({ name: 'curl', version: '7.29.0', release: '59.el7_9.2', summary: 'A utility for getting files from remote servers (FTP, HTTP, and others)' }),
      pkg({ name: 'yum', version: '3.4.3', release: '168.el7.centos', arch: 'noarch', summary: 'RPM package installer/updater/manager' }),
      pkg({ name: 'rpm', version: '4.11.3', release: '48.el7_9', summary: 'The RPM package management system' }),
      pkg({ name: 'procps-ng', version: '3.3.10', release: '28.el7', summary: 'System and process monitoring utilities' }),
      pkg({ name: 'kmod', version: '20', release: '28.el7', summary: 'Linux kernel module management utilities' }),
      pkg({ name: 'util-linux', version: '2.23.2', release: '65.el7_9.1', summary: 'A collection of basic system utilities' }),
      pkg({ name: 'iproute', version: '4.11.0', release: '30.el7', summary: 'Advanced IP routing and network device configuration tools' }),
      pkg({ name: 'iptables', version: '1.4.21', release: '35.el7', summary: 'Tools for managing Linux kernel packet filtering capabilities' }),
      pkg({ name: 'firewalld', version: '0.6.3', release: '13.el7_9', arch: 'noarch', summary: 'A firewall daemon with D-Bus interface providing a dynamic firewall', units: ['firewalld.service'] }),
      pkg({ name: 'chrony', version: '3.4', release: '1.el7', summary: 'An NTP client/server', units: ['chronyd.service'] }),
      pkg({ name: 'NetworkManager', epoch: 1, version: '1.18.8', release: '2.el7_9', summary: 'Network connection manager and user applications', units: ['NetworkManager.service'] }),
      pkg({ name: 'initscripts', version: '9.49.53', release: '1.el7_9.1', summary: 'Scripts to bring up network interfaces and legacy utilities', units: ['network.service'] }),
      pkg({ name: 'openssh-server', version: '7.4p1', release: '23.el7_9', summary: 'An open source SSH server daemon', units: ['sshd.service'] }),
      pkg({ name: 'libselinux-utils', version: '2.5', release: '15.el7', summary: 'SELinux libselinux utilies' }),
      pkg({ name: 'policycoreutils', version: '2.5', release: '34.el7', summary: 'SELinux policy core utilities' }),
      pkg({ name: 'grubby', version: '8.28', release: '26.el7', summary: 'Command line tool for updating bootloader configs' }),
      pkg({ name: 'grub2-tools', epoch: 1, version: '2.02', release: '0.87.el7.centos.7', summary: 'Support tools for GRUB.' }),
      pkg({ name: 'tuned', version: '2.11.0', release: '12.el7', arch: 'noarch', summary: 'A dynamic adaptive system tuning daemon', units: ['tuned.service'] }),
      pkg({ name: 'cronie', version: '1.4.11', release: '25.el7_9', summary: 'Cron daemon for executing programs at set times', units: ['crond.service'] }),
      pkg({ name: 'rsyslog', version: '8.24.0', release: '57.el7_9.3', summary: 'Enhanced system logging and kernel message trapping daemon', units: ['rsyslog.service'] }),
      pkg({ name: 'irqbalance', epoch: 3, version: '1.0.7', release: '12.el7', summary: 'IRQ balancing daemon', units: ['irqbalance.service'] }),
      pkg({ name: 'audit', version: '2.8.5', release: '4.el7', summary: 'User space tools for 2.6 kernel auditing', units: ['auditd.service'] }),
      pkg({ name: 'postfix', epoch: 2, version: '2.10.1', release: '9.el7', summary: 'Postfix Mail Transport Agent', units: ['postfix.service'] }),
      pkg({ name: 'kexec-tools', version: '2.0.15', release: '51.el7_9.3', summary: 'The kexec/kdump userspace component', units: ['kdump.service'] }),
      pkg({ name: 'dbus', epoch: 1, version: '1.10.24', release: '15.el7', summary: 'D-BUS message bus', units: ['dbus.service'] }),
      pkg({ name: 'polkit', version: '0.112', release: '26.el7_9.1', summary: 'An authorization framework', units: ['polkit.service'] }),
      pkg({ name: 'sudo', version: '1.8.23', release: '10.el7_9.3', summary: 'Allows restricted root access for specified users' }),
      pkg({ name: 'tar', epoch: 2, version: '1.26', release: '35.el7', summary: 'A GNU file archiving program' }),
      pkg({ name: 'libseccomp', version: '2.3.1', release: '4.el7', summary: 'Enhanced seccomp library' }),
      pkg({ name: 'device-mapper-libs', epoch: 7, version: '1.02.170', release: '6.el7_9.5', summary: 'Device-mapper shared library' }),
      pkg({ name: 'xz', version: '5.2.2', release: '2.el7_9', summary: 'LZMA compression utilities' }),
      pkg({ name: 'libcgroup', version: '0.41', release: '21.el7', summary: 'Library to control and monitor control groups' }),
    ];
  }
  return [
    pkg({ name: 'rocky-release', version: '9.4', release: '1.7.el9', arch: 'noarch', summary: 'Rocky Linux release files' }),
    pkg({ name: 'kernel', version: '5.14.0', release: '427.13.1.el9_4', summary: 'The Linux kernel', kernel: '5.14.0-427.13.1.el9_4.x86_64' }),
    pkg({ name: 'systemd', version: '252', release: '32.el9_4', summary: 'System and Service Manager', units: ['systemd-journald.service', 'systemd-modules-load.service', 'systemd-sysctl.service'] }),
    pkg({ name: 'bash', version: '5.1.8', release: '9.el9', summary: 'The GNU Bourne Again shell' }),
    pkg({ name: 'coreutils', version: '8.32', release: '35.el9', summary: 'A set of basic GNU tools commonly used in shell scripts' }),
    pkg({ name: 'curl', version: '7.76.1', release: '29.el9_4', summary: 'A utility for getting files from remote servers (FTP, HTTP, and others)' }),
    pkg({ name: 'dnf', version: '4.14.0', release: '9.el9', arch: 'noarch', summary: 'Package manager' }),
    pkg({ name: 'yum', version: '4.14.0', release: '9.el9', arch: 'noarch', summary: 'Package manager' }),
    pkg({ name: 'dnf-plugins-core', version: '4.3.0', release: '13.el9', arch: 'noarch', summary: 'Core Plugins for DNF' }),
    pkg({ name: 'rpm', version: '4.16.1.3', release: '29.el9', summary: 'The RPM package management system' }),
    pkg({ name: 'procps-ng', version: '3.3.17', release: '14.el9', summary: 'System and process monitoring utilities' }),
    pkg({ name: 'kmod', version: '28', release: '9.el9', summary: 'Linux kernel module management utilities' }),
    pkg({ name: 'util-linux', version: '2.37.4', release: '18.el9', summary: 'Collection of basic system utilities' }),
    pkg({ name: 'iproute', version: '6.2.0', release: '6.el9_4', summary: 'Advanced IP routing and network device configuration tools' }),
    pkg({ name: 'iptables-nft', version: '1.8.10', release: '2.el9', summary: 'nftables compatibility for iptables, arptables and ebtables', provides: ['iptables', 'ebtables', 'arptables'] }),
    pkg({ name: 'nftables', epoch: 1, version: '1.0.9', release: '1.el9', summary: 'Netfilter Tables userspace utillites' }),
    pkg({ name: 'firewalld', version: '1.3.4', release: '1.el9', arch: 'noarch', summary: 'A firewall daemon with D-Bus interface providing a dynamic firewall', units: ['firewalld.service'] }),
    pkg({ name: 'chrony', version: '4.5', release: '1.el9', summary: 'An NTP client/server', units: ['chronyd.service'] }),
    pkg({ name: 'NetworkManager', epoch: 1, version: '1.46.0', release: '4.el9_4', summary: 'Network connection manager and user applications', units: ['NetworkManager.service'] }),
    pkg({ name: 'openssh-server', version: '8.7p1', release: '38.el9', summary: 'An open source SSH server daemon', units: ['sshd.service'] }),
    pkg({ name: 'libselinux-utils', version: '3.6', release: '1.el9', summary: 'SELinux libselinux utilities' }),
    pkg({ name: 'policycoreutils', version: '3.6', release: '2.1.el9', summary: 'SELinux policy core utilities' }),
    pkg({ name: 'grubby', version: '8.40', release: '64.el9', summary: 'Command line tool for updating bootloader configs' }),
    pkg({ name: 'grub2-tools', epoch: 1, version: '2.06', release: '77.el9', summary: 'Support tools for GRUB.' }),
    pkg({ name: 'tuned', version: '2.22.1', release: '1.el9', arch: 'noarch', summary: 'A dynamic adaptive system tuning daemon', units: ['tuned.service'] }),
    pkg({ name: 'cronie', version: '1.5.7', release: '11.el9', summary: 'Cron daemon for executing programs at set times', units: ['crond.service'] }),
    pkg({ name: 'rsyslog', version: '8.2310.0', release: '4.el9', summary: 'Enhanced system logging and kernel message trapping daemon', units: ['rsyslog.service'] }),
    pkg({ name: 'irqbalance', epoch: 2, version: '1.9.3', release: '5.el9', summary: 'IRQ balancing daemon', units: ['irqbalance.service'] }),
    pkg({ name: 'audit', version: '3.1.2', release: '2.el9', summary: 'User space tools for kernel auditing', units: ['auditd.service'] }),
    pkg({ name: 'kexec-tools', version: '2.0.27', release: '8.el9_4', summary: 'The kexec/kdump userspace component', units: ['kdump.service'] }),
    pkg({ name: 'dbus', epoch: 1, version: '1.12.20', release: '8.el9', summary: 'D-BUS message bus', units: ['dbus.service'] }),
    pkg({ name: 'polkit', version: '0.117', release: '11.el9', summary: 'An authorization framework', units: ['polkit.service'] }),
    pkg({ name: 'sudo', version: '1.9.5p2', release: '10.el9_3', summary: 'Allows restricted root access for specified users' }),
    pkg({ name: 'tar', epoch: 2, version: '1.34', release: '6.el9_4', summary: 'GNU file archiving program' }),
    pkg({ name: 'libseccomp', version: '2.5.2', release: '2.el9', summary: 'Enhanced seccomp library' }),
    pkg({ name: 'xz', version: '5.2.5', release: '8.el9_0', summary: 'LZMA compression utilities' }),
  ];
}

/** Extra packages of the distribution repos (beyond the base set, which they also serve). */
function centos7Os(): PackageDef[] {
  return [
    ...basePackages('centos7'),
    pkg({ name: 'socat', version: '1.7.3.2', release: '2.el7', summary: 'Bidirectional data relay between two data channels', commands: ['/usr/bin/socat'] }),
    pkg({ name: 'conntrack-tools', version: '1.4.4', release: '7.el7', summary: 'Manipulate netfilter connection tracking table', commands: ['/usr/sbin/conntrack'], provides: ['conntrack'] }),
    pkg({ name: 'ipvsadm', version: '1.27', release: '8.el7', summary: 'Utility to administer the Linux Virtual Server', commands: ['/usr/sbin/ipvsadm'] }),
    pkg({ name: 'ipset', version: '7.1', release: '1.el7', summary: 'Manage Linux IP sets', commands: ['/usr/sbin/ipset'] }),
    pkg({ name: 'ebtables', version: '2.0.10', release: '16.el7', summary: 'Ethernet Bridge frame table administration tool', commands: ['/usr/sbin/ebtables'] }),
    pkg({ name: 'ethtool', epoch: 2, version: '4.8', release: '10.el7', summary: 'Settings tool for Ethernet NICs', commands: ['/usr/sbin/ethtool'] }),
    pkg({ name: 'sysstat', version: '10.1.5', release: '19.el7', summary: 'Collection of performance monitoring tools for Linux', commands: ['/usr/bin/sar', '/usr/bin/iostat', '/usr/bin/mpstat'], units: ['sysstat.service'] }),
    pkg({ name: 'wget', version: '1.14', release: '18.el7_6.1', summary: 'A utility for retrieving files using the HTTP or FTP protocols', commands: ['/usr/bin/wget'] }),
    pkg({ name: 'ntpdate', version: '4.2.6p5', release: '29.el7.centos.2', summary: 'Utility to set the date and time via NTP', commands: ['/usr/sbin/ntpdate'], units: ['ntpdate.service'] }),
    pkg({ name: 'yum-utils', version: '1.1.31', release: '54.el7_8', arch: 'noarch', summary: 'Utilities based around the yum package manager', commands: ['/usr/bin/yum-config-manager'] }),
    pkg({ name: 'device-mapper-persistent-data', version: '0.8.5', release: '3.el7_9.2', summary: 'Device-mapper Persistent Data Tools' }),
    pkg({ name: 'lvm2', epoch: 7, version: '2.02.187', release: '6.el7_9.5', summary: 'Userland logical volume management tools' }),
    pkg({ name: 'net-tools', version: '2.0', release: '0.25.20131004git.el7', summary: 'Basic networking tools' }),
    pkg({ name: 'vim-enhanced', epoch: 2, version: '7.4.629', release: '8.el7_9', summary: 'A version of the VIM editor which includes recent enhancements' }),
    pkg({ name: 'git', version: '1.8.3.1', release: '25.el7_9', summary: 'Fast Version Control System' }),
    pkg({ name: 'bash-completion', epoch: 1, version: '2.1', release: '8.el7', arch: 'noarch', summary: 'Programmable completion for Bash' }),
    pkg({ name: 'iptables-services', version: '1.4.21', release: '35.el7', summary: 'iptables and ip6tables services for iptables', units: ['iptables.service'] }),
    pkg({ name: 'nfs-utils', epoch: 1, version: '1.3.0', release: '0.68.el7.2', summary: 'NFS utilities and supporting clients and daemons for the kernel NFS server' }),
    pkg({ name: 'lrzsz', version: '0.12.20', release: '36.el7', summary: 'The lrz and lsz modem communications programs' }),
    pkg({ name: 'unzip', version: '6.0', release: '24.el7_9', summary: 'A utility for unpacking zip files' }),
    pkg({ name: 'psmisc', version: '22.20', release: '17.el7', summary: 'Utilities for managing processes on your system' }),
    pkg({ name: 'bind-utils', epoch: 32, version: '9.11.4', release: '26.P2.el7_9.16', summary: 'Utilities for querying DNS name servers' }),
    pkg({ name: 'telnet', epoch: 1, version: '0.17', release: '66.el7', summary: 'The client program for the Telnet remote login protocol' }),
    pkg({ name: 'chrony', version: '3.4', release: '1.el7', summary: 'An NTP client/server', units: ['chronyd.service'] }),
  ];
}

function centos7Extras(): PackageDef[] {
  return [
    pkg({ name: 'container-selinux', epoch: 2, version: '2.119.2', release: '1.911c772.el7_8', arch: 'noarch', summary: 'SELinux policies for container runtimes' }),
    pkg({ name: 'fuse-overlayfs', version: '0.7.2', release: '6.el7_8', summary: 'FUSE overlay+shiftfs implementation for rootless containers' }),
    pkg({ name: 'slirp4netns', version: '0.4.3', release: '4.el7_8', summary: 'slirp for network namespaces' }),
    pkg({
      name: 'epel-release', version: '7', release: '11', arch: 'noarch', summary: 'Extra Packages for Enterprise Linux repository configuration',
      files: [
        { path: '/etc/yum.repos.d/epel.repo', config: true, content: '[epel]\nname=Extra Packages for Enterprise Linux 7 - $basearch\n#baseurl=http://download.fedoraproject.org/pub/epel/7/$basearch\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=epel-7&arch=$basearch&infra=$infra&content=$contentdir\nfailovermethod=priority\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7\n\n[epel-debuginfo]\nname=Extra Packages for Enterprise Linux 7 - $basearch - Debug\n#baseurl=http://download.fedoraproject.org/pub/epel/7/$basearch/debug\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=epel-debug-7&arch=$basearch&infra=$infra&content=$contentdir\nfailovermethod=priority\nenabled=0\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7\ngpgcheck=1\n' },
        { path: '/etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7', content: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v1.4.11 (GNU/Linux)\n\nRmVkb3JhIEVQRUwgKDcp\n-----END PGP PUBLIC KEY BLOCK-----\n' },
      ],
    }),
  ];
}

function centos7Updates(): PackageDef[] {
  // updates carries newer builds of some base packages; the point is that it exists and answers
  return [
    pkg({ name: 'curl', version: '7.29.0', release: '59.el7_9.2', summary: 'A utility for getting files from remote servers (FTP, HTTP, and others)' }),
  ];
}

function epel7(): PackageDef[] {
  return [
    pkg({ name: 'jq', version: '1.6', release: '2.el7', summary: 'Command-line JSON processor', commands: ['/usr/bin/jq'] }),
    pkg({ name: 'htop', version: '2.2.0', release: '3.el7', summary: 'Interactive process viewer' }),
  ];
}

function rocky9BaseOS(): PackageDef[] {
  return [
    ...basePackages('rocky9'),
    pkg({ name: 'conntrack-tools', version: '1.4.7', release: '2.el9', summary: 'Manipulate netfilter connection tracking table', commands: ['/usr/sbin/conntrack'], provides: ['conntrack'] }),
    pkg({ name: 'ipset', version: '7.11', release: '8.el9', summary: 'Manage Linux IP sets', commands: ['/usr/sbin/ipset'] }),
    pkg({ name: 'ethtool', epoch: 2, version: '6.2', release: '1.el9', summary: 'Settings tool for Ethernet NICs', commands: ['/usr/sbin/ethtool'] }),
    pkg({ name: 'iproute-tc', version: '6.2.0', release: '6.el9_4', summary: 'Linux Traffic Control utility' }),
    pkg({ name: 'wget', version: '1.21.1', release: '7.el9', summary: 'A utility for retrieving files using the HTTP or FTP protocols', commands: ['/usr/bin/wget'] }),
    pkg({ name: 'lvm2', epoch: 9, version: '2.03.23', release: '2.el9', summary: 'Userland logical volume management tools' }),
    pkg({ name: 'net-tools', version: '2.0', release: '0.62.20160912git.el9', summary: 'Basic networking tools' }),
    pkg({ name: 'nfs-utils', epoch: 1, version: '2.5.4', release: '25.el9', summary: 'NFS utilities and supporting clients and daemons for the kernel NFS server' }),
    pkg({ name: 'psmisc', version: '23.4', release: '3.el9', summary: 'Utilities for managing processes on your system' }),
    pkg({ name: 'unzip', version: '6.0', release: '56.el9', summary: 'A utility for unpacking zip files' }),
  ];
}

function rocky9Extras(): PackageDef[] {
  return [
    pkg({ name: 'epel-release', version: '9', release: '7.el9', arch: 'noarch', summary: 'Extra Packages for Enterprise Linux repository configuration' }),
    pkg({ name: 'elrepo-release', version: '9.4', release: '1.el9.elrepo', arch: 'noarch', summary: 'ELRepo.org Community Enterprise Linux Repository release file' }),
  ];
}

function rocky9AppStream(): PackageDef[] {
  return [
    pkg({ name: 'socat', version: '1.7.4.1', release: '5.el9_4.2', summary: 'Bidirectional data relay between two data channels', commands: ['/usr/bin/socat'] }),
    pkg({ name: 'ipvsadm', version: '1.31', release: '6.el9', summary: 'Utility to administer the Linux Virtual Server', commands: ['/usr/sbin/ipvsadm'] }),
    pkg({ name: 'container-selinux', epoch: 3, version: '2.229.0', release: '1.el9', arch: 'noarch', summary: 'SELinux policies for container runtimes' }),
    pkg({ name: 'fuse-overlayfs', version: '1.13', release: '1.el9', summary: 'FUSE overlay+shiftfs implementation for rootless containers' }),
    pkg({ name: 'slirp4netns', version: '1.2.3', release: '1.el9', summary: 'slirp for network namespaces' }),
    pkg({ name: 'sysstat', version: '12.5.4', release: '7.el9', summary: 'Collection of performance monitoring tools for Linux', commands: ['/usr/bin/sar', '/usr/bin/iostat', '/usr/bin/mpstat'], units: ['sysstat.service'] }),
    pkg({ name: 'jq', version: '1.6', release: '16.el9', summary: 'Command-line JSON processor', commands: ['/usr/bin/jq'] }),
    pkg({ name: 'git', version: '2.43.0', release: '1.el9', summary: 'Fast Version Control System' }),
    pkg({ name: 'vim-enhanced', epoch: 2, version: '8.2.2637', release: '20.el9_1', summary: 'A version of the VIM editor which includes recent enhancements' }),
    pkg({ name: 'bash-completion', epoch: 1, version: '2.11', release: '5.el9', arch: 'noarch', summary: 'Programmable completion for Bash' }),
    pkg({ name: 'iptables-services', version: '1.8.10', release: '2.el9', arch: 'noarch', summary: 'iptables and ip6tables misc files', units: ['iptables.service'] }),
  ];
}

/** docker-ce for one EL release: the lines users pin, with the real release strings. */
function dockerCe(el: 7 | 9): PackageDef[] {
  const lines: { v: string; r: number; ctd: string }[] = el === 7
    ? [
        { v: '19.03.15', r: 3, ctd: '1.2.2' },
        { v: '20.10.9', r: 3, ctd: '1.4.1' },
        { v: '20.10.24', r: 3, ctd: '1.4.1' },
        { v: '23.0.6', r: 1, ctd: '1.6.4' },
        { v: '24.0.9', r: 1, ctd: '1.6.4' },
        { v: '25.0.5', r: 1, ctd: '1.6.4' },
        { v: '26.1.4', r: 1, ctd: '1.6.24' },
      ]
    : [
        { v: '20.10.24', r: 3, ctd: '1.4.1' },
        { v: '23.0.6', r: 1, ctd: '1.6.4' },
        { v: '24.0.9', r: 1, ctd: '1.6.4' },
        { v: '25.0.5', r: 1, ctd: '1.6.4' },
        { v: '26.1.4', r: 1, ctd: '1.6.24' },
        { v: '27.5.1', r: 1, ctd: '1.7.27' },
        { v: '28.1.1', r: 1, ctd: '1.7.27' },
      ];
  const dist = `el${el}`;
  const selinux = el === 7 ? '2:2.74' : '2:2.74';
  const out: PackageDef[] = [];
  for (const l of lines) {
    const release = `${l.r}.${dist}`;
    out.push(pkg({
      name: 'docker-ce', epoch: 3, version: l.v, release,
      summary: 'The open-source application container engine',
      requires: [
        { name: 'container-selinux', min: selinux }, { name: 'containerd.io', min: l.ctd },
        { name: 'docker-ce-cli' }, ...(l.v.startsWith('19.') ? [] : [{ name: 'docker-ce-rootless-extras' }]),
        { name: 'iptables' }, { name: 'libseccomp', min: '2.3' }, { name: 'tar' }, { name: 'xz' },
      ],
      commands: ['/usr/bin/dockerd', '/usr/bin/docker-proxy', '/usr/bin/docker-init'],
      units: ['docker.service', 'docker.socket'],
    }));
    out.push(pkg({
      name: 'docker-ce-cli', epoch: 1, version: l.v, release,
      summary: 'The open-source application container engine', commands: ['/usr/bin/docker'],
    }));
    if (!l.v.startsWith('19.')) {
      out.push(pkg({
        name: 'docker-ce-rootless-extras', version: l.v, release,
        summary: 'Rootless support for Docker',
        requires: [{ name: 'fuse-overlayfs', min: '0.7' }, { name: 'slirp4netns', min: '0.4' }],
        commands: ['/usr/bin/dockerd-rootless.sh', '/usr/bin/rootlesskit'],
      }));
    }
  }
  const ctds = el === 7
    ? [['1.2.13', '3.2.el7'], ['1.4.13', '3.1.el7'], ['1.6.9', '3.1.el7'], ['1.6.24', '3.1.el7'], ['1.6.33', '3.1.el7']]
    : [['1.6.9', '3.1.el9'], ['1.6.24', '3.1.el9'], ['1.6.33', '3.1.el9'], ['1.7.25', '3.1.el9'], ['1.7.27', '3.1.el9']];
  for (const [v, r] of ctds) {
    out.push(pkg({
      name: 'containerd.io', version: v, release: r,
      summary: 'An industry-standard container runtime',
      requires: [{ name: 'container-selinux', min: selinux }],
      commands: ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/runc'],
      units: ['containerd.service'],
      files: [{ path: '/etc/containerd/config.toml', content: CONTAINERD_STOCK_CONFIG, config: true }],
    }));
  }
  for (const v of el === 7 ? ['2.6.0', '2.27.1'] : ['2.27.1', '2.33.1']) {
    out.push(pkg({
      name: el === 7 ? 'docker-compose-plugin' : 'docker-compose-plugin', version: v, release: `1.${dist}`,
      summary: 'Docker Compose (V2) plugin for the Docker CLI',
    }));
  }
  return out;
}

const KUBELET_SYSCONFIG = 'KUBELET_EXTRA_ARGS=\n';

/** The reference CNI plugins kubernetes-cni puts under /opt/cni/bin. */
const CNI_PLUGINS = ['bandwidth', 'bridge', 'dhcp', 'firewall', 'host-device', 'host-local', 'ipvlan', 'loopback', 'macvlan', 'portmap', 'ptp', 'sbr', 'static', 'tuning', 'vlan', 'vrf'];
const cniFiles = (): PackageFile[] => CNI_PLUGINS.map((p) => ({ path: `/opt/cni/bin/${p}`, content: '', mode: 0o755 }));

function kubeTrio(version: string, release: string, cni: string, cri: string, legacy: boolean): PackageDef[] {
  const kubeletReq: Requirement[] = [
    { name: 'conntrack-tools' }, { name: 'ebtables' }, { name: 'ethtool' }, { name: 'iproute' },
    { name: 'iptables', min: '1.4.21' }, { name: 'kubernetes-cni', min: legacy ? '0.8.7' : cni }, { name: 'socat' }, { name: 'util-linux' },
  ];
  return [
    pkg({
      name: 'kubelet', version, release, summary: 'Node agent for Kubernetes clusters',
      requires: kubeletReq, commands: ['/usr/bin/kubelet'], units: ['kubelet.service'],
      files: [{ path: '/etc/sysconfig/kubelet', content: KUBELET_SYSCONFIG, config: true }],
    }),
    pkg({
      name: 'kubeadm', version, release, summary: 'Command-line utility for administering a Kubernetes cluster',
      requires: legacy
        ? [{ name: 'kubelet', min: '1.19.0' }, { name: 'kubectl', min: '1.19.0' }, { name: 'kubernetes-cni', min: '0.8.6' }, { name: 'cri-tools', min: '1.19.0' }]
        : [{ name: 'cri-tools', min: cri }],
      commands: ['/usr/bin/kubeadm'],
      files: [{ path: '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', content: KUBEADM_DROPIN }],
    }),
    pkg({ name: 'kubectl', version, release, summary: 'Command-line utility for interacting with a Kubernetes cluster', commands: ['/usr/bin/kubectl'] }),
  ];
}

/** The frozen legacy repo (aliyun kubernetes-el7-x86_64): every minor up to its last versions, release "-0". */
function kubernetesLegacy(): PackageDef[] {
  const out: PackageDef[] = [];
  // the newest patch of each minor when the repo froze; every patch up to it is there
  const newest: Record<string, number> = {
    '1.20': 15, '1.21': 14, '1.22': 17, '1.23': 17, '1.24': 17, '1.25': 16, '1.26': 9, '1.27': 6, '1.28': 2,
  };
  for (const [minor, max] of Object.entries(newest)) {
    for (let p = 0; p <= max; p++) out.push(...kubeTrio(`${minor}.${p}`, '0', '0.8.7', '1.19.0', true));
  }
  for (const v of ['0.8.7', '1.1.1', '1.2.0']) {
    out.push(pkg({ name: 'kubernetes-cni', version: v, release: '0', summary: 'Binaries required to provision kubernetes container networking', files: cniFiles() }));
  }
  for (const v of ['1.19.0', '1.23.0', '1.24.2', '1.25.0', '1.26.0']) {
    out.push(pkg({ name: 'cri-tools', version: v, release: '0', summary: 'Command-line utility for interacting with a container runtime', commands: ['/usr/bin/crictl'] }));
  }
  return out;
}

/** Every patch of each per-minor repo (pkgs.k8s.io core:/stable:/vX.Y), up to the newest the image table knows. */
export const K8S_MINOR_PATCHES: Record<string, number[]> = Object.fromEntries(
  Object.entries(MAX_PATCH)
    .filter(([m]) => Number(m) >= 24)
    .map(([m, max]) => [`1.${m}`, Array.from({ length: max + 1 }, (_, p) => p)]),
);

function kubernetesMinor(minor: string): PackageDef[] {
  const release = '150500.1.1';
  const m = Number(minor.split('.')[1]);
  const cni = m >= 32 ? '1.6.0' : m >= 30 ? '1.4.0' : m >= 29 ? '1.3.0' : '1.2.0';
  const cri = `${minor}.0`;
  const out: PackageDef[] = [];
  for (const p of K8S_MINOR_PATCHES[minor] ?? []) out.push(...kubeTrio(`${minor}.${p}`, release, cni, cri, false));
  out.push(pkg({ name: 'kubernetes-cni', version: cni, release: m >= 29 ? '150500.1.1' : '150500.2.1', summary: 'Binaries required to provision kubernetes container networking', files: cniFiles() }));
  out.push(pkg({ name: 'cri-tools', version: cri, release, summary: 'Command-line utility for interacting with a container runtime', commands: ['/usr/bin/crictl'] }));
  return out;
}

function elrepoKernel(): PackageDef[] {
  return [
    pkg({ name: 'kernel-lt', version: '5.4.278', release: '1.el7.elrepo', summary: 'The Linux kernel. (The core of any Linux-based operating system.)', kernel: '5.4.278-1.el7.elrepo.x86_64' }),
    pkg({ name: 'kernel-ml', version: '6.9.7', release: '1.el7.elrepo', summary: 'The Linux kernel. (The core of any Linux-based operating system.)', kernel: '6.9.7-1.el7.elrepo.x86_64' }),
    pkg({ name: 'elrepo-release', version: '7.0', release: '8.el7.elrepo', arch: 'noarch', summary: 'ELRepo.org Community Enterprise Linux Repository release file' }),
  ];
}

export type Channel =
  | 'centos7-os' | 'centos7-updates' | 'centos7-extras' | 'epel7'
  | 'rocky9-baseos' | 'rocky9-appstream' | 'rocky9-extras'
  | 'docker-ce-el7' | 'docker-ce-el9'
  | 'k8s-legacy-el7' | `k8s-v${string}` | 'elrepo-kernel-el7';

const cache = new Map<string, PackageDef[]>();

/** The packages a channel serves. */
export function channelPackages(ch: Channel): PackageDef[] {
  const hit = cache.get(ch);
  if (hit) return hit;
  let list: PackageDef[];
  switch (ch) {
    case 'centos7-os': list = centos7Os(); break;
    case 'centos7-updates': list = centos7Updates(); break;
    case 'centos7-extras': list = centos7Extras(); break;
    case 'epel7': list = epel7(); break;
    case 'rocky9-baseos': list = rocky9BaseOS(); break;
    case 'rocky9-appstream': list = rocky9AppStream(); break;
    case 'rocky9-extras': list = rocky9Extras(); break;
    case 'docker-ce-el7': list = dockerCe(7); break;
    case 'docker-ce-el9': list = dockerCe(9); break;
    case 'k8s-legacy-el7': list = kubernetesLegacy(); break;
    case 'elrepo-kernel-el7': list = elrepoKernel(); break;
    default: list = kubernetesMinor(ch.slice('k8s-v'.length));
  }
  cache.set(ch, list);
  return list;
}

/** A package definition by its installed identity (for files and units on remove/boot). */
export function findDefinition(name: string, version: string, release: string, os: 'centos7' | 'rocky9'): PackageDef | undefined {
  const channels: Channel[] = os === 'centos7'
    ? ['centos7-os', 'centos7-updates', 'centos7-extras', 'epel7', 'docker-ce-el7', 'k8s-legacy-el7', 'elrepo-kernel-el7', ...Object.keys(K8S_MINOR_PATCHES).map((m) => `k8s-v${m}` as Channel)]
    : ['rocky9-baseos', 'rocky9-appstream', 'rocky9-extras', 'docker-ce-el9', 'k8s-legacy-el7', ...Object.keys(K8S_MINOR_PATCHES).map((m) => `k8s-v${m}` as Channel)];
  for (const ch of channels) {
    const d = channelPackages(ch).find((p) => p.name === name && p.version === version && p.release === release);
    if (d) return d;
  }
  return basePackages(os).find((p) => p.name === name);
}
