/** Doctor's verdicts on one host's probe, against what the inventory asks for. */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import type { HostProbe } from './host-probe.ts';
import type { CheckResult } from './types.ts';

const IPVS_MODULES = ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh'];
/** etcd's guidance: WAL fsync p99 under 10 ms */
export const FSYNC_LIMIT_MS = 10;
/** kubelet evicts at nodefs.available<10% and imagefs.available<15% by default */
const DISK_FAIL_PCT = 15;
const DISK_WARN_PCT = 25;

export function hostChecks(cluster: Cluster, spec: HostSpec, p: HostProbe): CheckResult[] {
  const host = spec.name;
  const out: CheckResult[] = [];
  const add = (check: string, ok: boolean, detail: string, fix: string, warnOnly = false) =>
    out.push({ check, host, status: ok ? 'ok' : warnOnly ? 'warn' : 'fail', detail, ...(ok ? {} : { fix }) });

  add('ip_forward', p.ipForward === '1', `net.ipv4.ip_forward = ${p.ipForward ?? 'unreadable'}`,
    'sysctl -w net.ipv4.ip_forward=1 and keep it in /etc/sysctl.d/k8s.conf (kubeforge up does both)');
  add('br_netfilter', p.modules.includes('br_netfilter'), p.modules.includes('br_netfilter') ? 'loaded' : 'not loaded',
    'modprobe br_netfilter and list it in /etc/modules-load.d/ (kubeforge up does both)');
  add('bridge-nf-call-iptables', p.bridgeNf === '1', `net.bridge.bridge-nf-call-iptables = ${p.bridgeNf ?? 'missing (br_netfilter not loaded)'}`,
    'load br_netfilter, then sysctl -w net.bridge.bridge-nf-call-iptables=1 and keep it in /etc/sysctl.d/k8s.conf');
  if (cluster.cluster.kubeProxyMode === 'ipvs') {
    const missing = IPVS_MODULES.filter((m) => !p.modules.includes(m));
    add('ipvs-modules', missing.length === 0, missing.length ? `not loaded: ${missing.join(', ')}` : `loaded: ${IPVS_MODULES.join(', ')}`,
      `modprobe ${missing.join(' ')} and list them in /etc/modules-load.d/ipvs.conf (kube-proxy in ipvs mode falls back to iptables without them)`);
  }
  add('swap', p.swapAreas === 0, p.swapAreas === 0 ? 'off' : `${p.swapAreas} swap area(s) active`,
    'swapoff -a and comment the swap line in /etc/fstab (the kubelet refuses to run with swap on)');
  const enforcing = /^enforcing$/i.test(p.selinux);
  add('selinux', !enforcing, p.selinux === 'absent' ? 'not installed' : p.selinux,
    `setenforce 0 and SELINUX=${cluster.os.selinux} in /etc/selinux/config`);
  const fwActive = p.firewalld === 'active';
  if (cluster.os.firewall === 'disable') {
    add('firewalld', !fwActive, `firewalld ${p.firewalld}`, 'systemctl disable --now firewalld (the inventory says firewall: disable)');
  } else {
    add('firewalld', fwActive, `firewalld ${p.firewalld} (inventory: open-ports)`, 'systemctl enable --now firewalld, then kubeforge up opens the ports', true);
  }
  const runtime = cluster.cluster.containerRuntime;
  for (const svc of [runtime, 'kubelet']) {
    const state = p.services[svc] ?? 'unknown';
    if (svc === 'kubelet' && !p.isNode) {
      out.push({ check: 'kubelet', host, status: 'warn', detail: `not a node yet (no /etc/kubernetes/kubelet.conf); kubelet ${state}`, fix: spec.initMaster ? `kubeforge up -i ${cluster.file}` : `kubeforge join -i ${cluster.file} --host ${host}` });
      continue;
    }
    add(svc, state === 'active', `${svc} ${state}`, `systemctl enable --now ${svc}; if it stops again: journalctl -u ${svc} -n 50`);
  }
  if (p.runtimeCgroup && p.kubeletCgroup) {
    add('cgroup-driver', p.runtimeCgroup === p.kubeletCgroup, `${runtime} ${p.runtimeCgroup}, kubelet ${p.kubeletCgroup}`,
      runtime === 'docker' ? 'set "exec-opts": ["native.cgroupdriver=systemd"] in /etc/docker/daemon.json and restart docker and kubelet'
        : 'set SystemdCgroup = true in /etc/containerd/config.toml and restart containerd and kubelet');
  } else {
    out.push({ check: 'cgroup-driver', host, status: 'skip', detail: `${runtime} ${p.runtimeCgroup ?? 'unknown'}, kubelet ${p.kubeletCgroup ?? 'not configured yet'}` });
  }
  if (p.diskAvailKb !== undefined && p.diskSizeKb) {
    const pct = Math.floor((p.diskAvailKb / p.diskSizeKb) * 100);
    const gib = (p.diskAvailKb / 1048576).toFixed(1);
    const status = pct < DISK_FAIL_PCT ? 'fail' : pct < DISK_WARN_PCT ? 'warn' : 'ok';
    out.push({ check: 'disk /var/lib', host, status, detail: `${gib} GiB free (${pct}%)`, ...(status === 'ok' ? {} : { fix: 'free space under /var/lib (unused images: docker image prune -a / crictl rmi --prune, old logs); the kubelet evicts pods under 15% free' }) });
  }
  if (spec.role === 'master') {
    if (p.fsyncSeconds !== undefined && p.fsyncWrites) {
      const ms = (p.fsyncSeconds * 1000) / p.fsyncWrites;
      add('etcd fsync', ms <= FSYNC_LIMIT_MS, `${ms.toFixed(2)} ms per synced 2300-byte write (average of ${p.fsyncWrites}, dd oflag=dsync)`,
        `the disk under /var/lib/etcd is too slow for etcd (over ${FSYNC_LIMIT_MS} ms per fsync): use an SSD / local disk for /var/lib/etcd`);
    } else {
      out.push({ check: 'etcd fsync', host, status: 'warn', detail: `write test failed: ${p.fsyncError ?? 'no result'}`, fix: 'check that /var/lib/etcd is writable and has free space' });
    }
  }
  // kube-proxy's health follows the kubelet's: with the kubelet down, its row says it all
  if (p.isNode && p.services.kubelet === 'active') {
    const want = cluster.cluster.kubeProxyMode;
    if (!p.proxyMode) {
      out.push({ check: 'proxyMode', host, status: 'fail', detail: 'kube-proxy does not answer on 127.0.0.1:10249', fix: `kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide | grep ${host}; kubectl -n kube-system logs <that pod>` });
    } else {
      add('proxyMode', p.proxyMode === want, `kube-proxy mode ${p.proxyMode} (inventory: ${want})`,
        want === 'ipvs' ? 'set mode: "ipvs" in the kube-proxy ConfigMap, load the ip_vs modules, then kubectl -n kube-system rollout restart ds kube-proxy'
          : `set mode: "${want}" in the kube-proxy ConfigMap, then kubectl -n kube-system rollout restart ds kube-proxy`);
    }
  }
  return out;
}

/** Clock skew between hosts; each offset is the host clock minus kubeforge's clock when the probe was sent. */
export const SKEW_LIMIT_MS = 2000;

export function clockSkewCheck(offsets: Record<string, number>): CheckResult | undefined {
  const entries = Object.entries(offsets);
  if (entries.length < 2) return undefined;
  entries.sort((a, b) => a[1] - b[1]);
  const [lowHost, low] = entries[0];
  const [highHost, high] = entries[entries.length - 1];
  const skew = high - low;
  const detail = `${(skew / 1000).toFixed(1)} s between ${highHost} and ${lowHost}`;
  if (skew <= SKEW_LIMIT_MS) return { check: 'clock skew', host: 'all hosts', status: 'ok', detail };
  return {
    check: 'clock skew', host: 'all hosts', status: 'fail', detail,
    fix: 'sync every host\'s clock (chronyd with the inventory\'s ntpServers, or ntpdate); skewed clocks make TLS fail with "certificate has expired or is not yet valid"',
  };
}
