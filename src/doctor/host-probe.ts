/**
 * Everything doctor needs from one host, in ONE exec: a script printing key=value
 * lines, and the parser turning them into HostProbe. The dsync write test runs on
 * masters only (etcd lives there).
 */
import type { Role, Runtime } from '../inventory/model.ts';

export interface HostProbe {
  /** host clock (date +%s%N) in ms, read first thing */
  clockMs?: number;
  ipForward?: string;
  bridgeNf?: string;
  modules: string[];
  swapAreas: number;
  selinux: string;
  firewalld: string;
  /** docker's CgroupDriver, or containerd's from SystemdCgroup (systemd | cgroupfs) */
  runtimeCgroup?: string;
  /** cgroupDriver in /var/lib/kubelet/config.yaml */
  kubeletCgroup?: string;
  /** service -> systemctl is-active */
  services: Record<string, string>;
  isNode: boolean;
  /** df -Pk /var/lib */
  diskAvailKb?: number;
  diskSizeKb?: number;
  /** seconds dd took for the dsync writes, and how many writes */
  fsyncSeconds?: number;
  fsyncWrites?: number;
  fsyncError?: string;
  /** curl 127.0.0.1:10249/proxyMode */
  proxyMode?: string;
}

export const FSYNC_WRITES = 100;
/** the size etcd's WAL writes are benchmarked with (fio --bs=2300 in etcd's docs) */
const FSYNC_BS = 2300;

export function probeScript(role: Role, runtime: Runtime): string {
  const fsync = role === 'master'
    ? `d=/var/lib/etcd; [ -d "$d" ] || d=/var/lib
f="$d/.kubeforge-fsync-test.$$"
out=$(LC_ALL=C dd if=/dev/zero of="$f" bs=${FSYNC_BS} count=${FSYNC_WRITES} oflag=dsync 2>&1); rc=$?
rm -f "$f"
if [ $rc -eq 0 ]; then echo "fsync_seconds=$(echo "$out" | sed -n 's/.* copied, \\([0-9.e+-]*\\) s.*/\\1/p' | tail -1)"; else echo "fsync_error=$(echo "$out" | tail -1)"; fi`
    : '';
  const runtimeCgroup = runtime === 'docker'
    ? `echo "runtime_cgroup=$(docker info --format '{{.CgroupDriver}}' 2>/dev/null)"`
    : `if grep -Eq '^[[:space:]]*SystemdCgroup[[:space:]]*=[[:space:]]*true' /etc/containerd/config.toml 2>/dev/null; then echo runtime_cgroup=systemd; elif [ -f /etc/containerd/config.toml ]; then echo runtime_cgroup=cgroupfs; fi`;
  const services = runtime === 'docker' ? 'docker kubelet firewalld' : 'containerd kubelet firewalld';
  return `echo "clock_ns=$(date +%s%N)"
echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
echo "bridge_nf=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)"
echo "modules=$(lsmod 2>/dev/null | awk 'NR>1 {print $1}' | tr '\\n' ' ')"
echo "swap_areas=$(tail -n +2 /proc/swaps 2>/dev/null | grep -c .)"
echo "selinux=$(getenforce 2>/dev/null || echo absent)"
for s in ${services}; do echo "service_$s=$(systemctl is-active $s 2>/dev/null)"; done
${runtimeCgroup}
echo "kubelet_cgroup=$(sed -n 's/^cgroupDriver:[[:space:]]*//p' /var/lib/kubelet/config.yaml 2>/dev/null)"
if [ -f /etc/kubernetes/kubelet.conf ]; then echo is_node=1; else echo is_node=0; fi
echo "disk=$(df -Pk /var/lib 2>/dev/null | awk 'NR==2 {print $2, $4}')"
echo "proxy_mode=$(curl -s --max-time 3 http://127.0.0.1:10249/proxyMode 2>/dev/null)"
${fsync}
exit 0
`;
}

export function parseProbe(stdout: string): HostProbe {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const num = (k: string): number | undefined => {
    const v = kv.get(k);
    const n = v === undefined || v === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const services: Record<string, string> = {};
  for (const [k, v] of kv) if (k.startsWith('service_')) services[k.slice('service_'.length)] = v || 'unknown';
  const [size, avail] = (kv.get('disk') ?? '').split(/\s+/).map(Number);
  const clockNs = kv.get('clock_ns');
  const fsync = num('fsync_seconds');
  return {
    // %N is nanoseconds: keep ms precision without overflowing a double's integer range
    clockMs: clockNs && /^\d{13,}$/.test(clockNs) ? Number(clockNs.slice(0, -6)) : undefined,
    ipForward: kv.get('ip_forward') || undefined,
    bridgeNf: kv.get('bridge_nf') || undefined,
    modules: (kv.get('modules') ?? '').split(/\s+/).filter(Boolean),
    swapAreas: num('swap_areas') ?? 0,
    selinux: kv.get('selinux') || 'absent',
    firewalld: services.firewalld ?? 'unknown',
    runtimeCgroup: kv.get('runtime_cgroup') || undefined,
    kubeletCgroup: kv.get('kubelet_cgroup') || undefined,
    services,
    isNode: kv.get('is_node') === '1',
    diskSizeKb: Number.isFinite(size) ? size : undefined,
    diskAvailKb: Number.isFinite(avail) ? avail : undefined,
    fsyncSeconds: fsync,
    fsyncWrites: fsync !== undefined ? FSYNC_WRITES : undefined,
    fsyncError: kv.get('fsync_error') || undefined,
    proxyMode: kv.get('proxy_mode') || undefined,
  };
}
