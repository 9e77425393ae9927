import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../../src/inventory/index.ts';
import { parseProbe, probeScript } from '../../../src/doctor/host-probe.ts';
import { clockSkewCheck, hostChecks } from '../../../src/doctor/host-checks.ts';
import type { CheckResult } from '../../../src/doctor/types.ts';

const cluster = loadInventory(fileURLToPath(new URL('../../../inventories/lab.yaml', import.meta.url)));
const master = cluster.hosts.find((h) => h.role === 'master')!;
const worker = cluster.hosts.find((h) => h.role === 'worker')!;

// what the probe printed on a healthy lab master (CentOS 7, docker)
const HEALTHY = `clock_ns=1795463876415000000
ip_forward=1
bridge_nf=1
modules=ip_vs_sh ip_vs_wrr ip_vs_rr ip_vs br_netfilter bridge stp llc overlay nf_conntrack_ipv4 nf_conntrack
swap_areas=0
selinux=Permissive
service_docker=active
service_kubelet=active
service_firewalld=inactive
runtime_cgroup=systemd
kubelet_cgroup=systemd
is_node=1
disk=264212084 83465856
proxy_mode=ipvs
fsync_seconds=0.034763
`;

const byCheck = (rs: CheckResult[], check: string) => rs.find((r) => r.check === check);

describe('host probe', () => {
  it('parses what the script prints', () => {
    const p = parseProbe(HEALTHY);
    expect(p).toMatchObject({ clockMs: 1795463876415, ipForward: '1', bridgeNf: '1', swapAreas: 0, selinux: 'Permissive', firewalld: 'inactive', runtimeCgroup: 'systemd', kubeletCgroup: 'systemd', isNode: true, diskSizeKb: 264212084, diskAvailKb: 83465856, proxyMode: 'ipvs', fsyncSeconds: 0.034763, fsyncWrites: 100 });
    expect(p.services).toEqual({ docker: 'active', kubelet: 'active', firewalld: 'inactive' });
  });

  it('runs the dsync write test on masters only, and reads the runtime\'s own cgroup setting', () => {
    expect(probeScript('master', 'docker')).toMatch(/oflag=dsync/);
    expect(probeScript('worker', 'docker')).not.toMatch(/oflag=dsync/);
    expect(probeScript('worker', 'docker')).toContain("docker info --format '{{.CgroupDriver}}'");
    expect(probeScript('worker', 'containerd')).toContain('SystemdCgroup');
  });
});

describe('host checks', () => {
  it('a healthy master has no problem', () => {
    const rs = hostChecks(cluster, master, parseProbe(HEALTHY));
    expect(rs.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(byCheck(rs, 'etcd fsync')?.detail).toMatch(/^0\.35 ms/);
  });

  it('names each fault with its fix', () => {
    const broken = HEALTHY
      .replace('ip_forward=1', 'ip_forward=0')
      .replace('swap_areas=0', 'swap_areas=1')
      .replace('selinux=Permissive', 'selinux=Enforcing')
      .replace('service_kubelet=active', 'service_kubelet=inactive')
      .replace('service_firewalld=inactive', 'service_firewalld=active')
      .replace('kubelet_cgroup=systemd', 'kubelet_cgroup=cgroupfs')
      .replace(' br_netfilter', '')
      .replace('bridge_nf=1', 'bridge_nf=')
      .replace(' ip_vs_rr', '')
      .replace('proxy_mode=ipvs', 'proxy_mode=iptables')
      .replace('fsync_seconds=0.034763', 'fsync_seconds=2.5')
      .replace('disk=264212084 83465856', 'disk=100000000 9000000');
    const rs = hostChecks(cluster, master, parseProbe(broken));
    const failed = rs.filter((r) => r.status === 'fail').map((r) => r.check);
    expect(failed.sort()).toEqual(['br_netfilter', 'bridge-nf-call-iptables', 'cgroup-driver', 'disk /var/lib', 'etcd fsync', 'firewalld', 'ip_forward', 'ipvs-modules', 'kubelet', 'selinux', 'swap']);
    // with the kubelet down, kube-proxy's row would only repeat it
    expect(byCheck(rs, 'proxyMode')).toBeUndefined();
    expect(byCheck(rs, 'swap')?.fix).toMatch(/swapoff -a.*fstab/);
    expect(byCheck(rs, 'ip_forward')?.fix).toMatch(/ip_forward=1/);
    expect(byCheck(rs, 'kubelet')?.fix).toMatch(/systemctl enable --now kubelet/);
    expect(byCheck(rs, 'ipvs-modules')?.detail).toBe('not loaded: ip_vs_rr');
    expect(byCheck(rs, 'etcd fsync')?.detail).toMatch(/^25\.00 ms/);
    expect(byCheck(rs, 'cgroup-driver')?.fix).toMatch(/native\.cgroupdriver=systemd/);
    for (const r of rs.filter((x) => x.status === 'fail')) expect(r.fix, r.check).toBeTruthy();
  });

  it('a host that is not a node yet is a warning pointing at join, without proxy checks', () => {
    const fresh = HEALTHY.replace('is_node=1', 'is_node=0').replace('service_kubelet=active', 'service_kubelet=inactive').replace('proxy_mode=ipvs', 'proxy_mode=');
    const rs = hostChecks(cluster, worker, parseProbe(fresh));
    expect(byCheck(rs, 'kubelet')).toMatchObject({ status: 'warn' });
    expect(byCheck(rs, 'kubelet')?.fix).toContain(`kubeforge join -i ${cluster.file} --host ${worker.name}`);
    expect(byCheck(rs, 'proxyMode')).toBeUndefined();
    expect(byCheck(rs, 'etcd fsync')).toBeUndefined();
  });

  it('a node whose kube-proxy does not answer fails proxyMode', () => {
    const rs = hostChecks(cluster, worker, parseProbe(HEALTHY.replace('proxy_mode=ipvs', 'proxy_mode=')));
    expect(byCheck(rs, 'proxyMode')).toMatchObject({ status: 'fail', detail: 'kube-proxy does not answer on 127.0.0.1:10249' });
    const wrong = hostChecks(cluster, worker, parseProbe(HEALTHY.replace('proxy_mode=ipvs', 'proxy_mode=iptables')));
    expect(byCheck(wrong, 'proxyMode')).toMatchObject({ status: 'fail', detail: 'kube-proxy mode iptables (inventory: ipvs)' });
    expect(byCheck(wrong, 'proxyMode')?.fix).toMatch(/mode: "ipvs".*rollout restart ds kube-proxy/);
  });
});

describe('clock skew', () => {
  it('compares the hosts\' offsets with each other', () => {
    expect(clockSkewCheck({ a: 5, b: 40, c: -20 })).toMatchObject({ status: 'ok' });
    const bad = clockSkewCheck({ a: 5, b: 3_600_010, c: -20 });
    expect(bad).toMatchObject({ status: 'fail', detail: '3600.0 s between b and c' });
    expect(bad?.fix).toMatch(/chrony|ntp/);
    expect(clockSkewCheck({ a: 1 })).toBeUndefined();
  });
});
