/**
 * Host facts with ONE exec per host: a script prints the raw files (os-release,
 * meminfo, swaps) and key=value lines; the parser turns them into HostFacts.
 */
import type { Host } from '../hosts/host.ts';
import { HostError } from '../hosts/host.ts';
import type { HostFacts } from '../phases/types.ts';

const SECTION = '==kf== ';

/** Interfaces whose MACs say nothing about the machine (same on every host, or random per boot). */
const VIRTUAL_IF = /^(lo|docker\d*|br-|cali|tunl|vxlan|veth|kube-ipvs|cni|flannel|virbr|nodelocaldns|dummy|cilium)/;

export const FACTS_SCRIPT = `
s() { echo "${SECTION}$1"; }
s os-release; cat /etc/os-release 2>/dev/null
s meminfo; cat /proc/meminfo 2>/dev/null
s swaps; cat /proc/swaps 2>/dev/null
s kv
echo "kernel=$(uname -r)"
echo "nproc=$(nproc 2>/dev/null)"
echo "cpuinfo=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
for f in /sys/class/net/*/address; do
  [ -r "$f" ] || continue
  n=\${f%/address}; n=\${n##*/}
  echo "mac=$n $(cat "$f" 2>/dev/null)"
done
# ipvs modules the running kernel ships: modules.dep lists loadable ones, modules.builtin compiled-in ones
d=/lib/modules/$(uname -r)
if [ -r "$d/modules.dep" ]; then
  echo "modules_read=1"
  for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack; do
    grep -qE "(^|/)$m\\.ko" "$d/modules.dep" "$d/modules.builtin" 2>/dev/null && echo "mod=$m"
  done
fi
ip -o -4 addr show 2>/dev/null | while read -r _ ifname _ addr _; do echo "addr=$ifname $addr"; done
echo "product_uuid=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null)"
echo "hostname=$(hostname 2>/dev/null || uname -n)"
# TCP ports something listens on (kubeadm's ports must be free on a host that is not a node yet)
ss -ltnH 2>/dev/null | while read -r _ _ _ local _; do echo "port=\${local##*:}"; done
if [ -f /etc/kubernetes/kubelet.conf ]; then echo is_node=1; else echo is_node=0; fi
if [ -f /etc/kubernetes/admin.conf ]; then echo admin_conf=1; else echo admin_conf=0; fi
# last: the clock, as close as possible to the moment the answer leaves the host
echo "time_ms=$(date +%s%3N)"
exit 0
`;

export class UnsupportedOsError extends Error {}

/** KEY=value lines of os-release, quotes and escapes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]] = v.replace(/\\(["$`\\])/g, '$1');
  }
  return out;
}

const EL_IDS = new Set(['centos', 'rhel', 'rocky', 'almalinux', 'ol', 'cloudlinux', 'eurolinux', 'circle']);

/** el7/el8/el9 from os-release, or an error naming what was found. */
export function elFamily(os: Record<string, string>): HostFacts['family'] {
  const id = os.ID ?? '';
  const like = (os.ID_LIKE ?? '').split(/\s+/);
  const major = (os.VERSION_ID ?? '').split('.')[0];
  const isEl = EL_IDS.has(id) || like.includes('rhel') || like.includes('centos');
  if (isEl && (major === '7' || major === '8' || major === '9')) return `el${major}` as HostFacts['family'];
  const name = os.PRETTY_NAME ?? (`${id} ${os.VERSION_ID ?? ''}`.trim() || 'an unknown OS');
  throw new UnsupportedOsError(`unsupported OS: ${name} (kubeforge supports CentOS 7 and EL 8/9: Rocky, Alma, RHEL, CentOS Stream)`);
}

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(SECTION)) {
      if (name) out.set(name, buf.join('\n'));
      name = line.slice(SECTION.length).trim();
      buf = [];
    } else buf.push(line);
  }
  if (name) out.set(name, buf.join('\n'));
  return out;
}

export function parseFacts(stdout: string): HostFacts {
  const sec = sections(stdout);
  const os = parseOsRelease(sec.get('os-release') ?? '');
  const family = elFamily(os);
  const kv = new Map<string, string>();
  const macs: string[] = [];
  const mods: string[] = [];
  const addrs: string[] = [];
  const ports: number[] = [];
  for (const line of (sec.get('kv') ?? '').split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1).trim();
    if (k === 'mac') {
      const [ifname, mac] = v.split(/\s+/);
      const m = (mac ?? '').toLowerCase();
      if (ifname && !VIRTUAL_IF.test(ifname) && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m) && m !== '00:00:00:00:00:00') macs.push(m);
    } else if (k === 'mod') mods.push(v);
    else if (k === 'port') {
      const n = Number(v);
      if (Number.isInteger(n) && n > 0) ports.push(n);
    }
    else if (k === 'addr') {
      const [ifname, cidr] = v.split(/\s+/);
      if (ifname && cidr && !VIRTUAL_IF.test(ifname)) addrs.push(cidr);
    } else kv.set(k, v);
  }
  const memKb = Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(sec.get('meminfo') ?? '')?.[1] ?? NaN);
  // /proc/swaps: a header line, then one line per active swap area
  const swapLines = (sec.get('swaps') ?? '').split('\n').filter((l) => l.trim() && !l.startsWith('Filename'));
  const cpus = Number(kv.get('nproc')) || Number(kv.get('cpuinfo')) || 0;
  return {
    osId: os.ID ?? '',
    osVersion: os.VERSION_ID ?? '',
    family,
    kernel: kv.get('kernel') ?? '',
    cpus,
    memoryMiB: Number.isFinite(memKb) ? Math.floor(memKb / 1024) : 0,
    swapOn: swapLines.length > 0,
    macs: [...new Set(macs)],
    productUuid: (kv.get('product_uuid') ?? '').toLowerCase(),
    hostname: kv.get('hostname') ?? '',
    timeMs: Number(kv.get('time_ms')) || 0,
    isNode: kv.get('is_node') === '1',
    hasAdminConf: kv.get('admin_conf') === '1',
    ...(addrs.length > 0 ? { addresses: addrs } : {}),
    ...(kv.get('modules_read') === '1' ? { kernelModules: mods } : {}),
    // sshd itself listens: no port at all means ss could not be read
    ...(ports.length > 0 ? { listeningPorts: [...new Set(ports)].sort((a, b) => a - b) } : {}),
  };
}

/** One exec; HostError on a failed exec or an unsupported OS. */
export async function gatherFacts(host: Host): Promise<HostFacts> {
  const r = await host.run(FACTS_SCRIPT, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new HostError(host.name, host.endpoint, `cannot read host facts (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`, false);
  try {
    return parseFacts(r.stdout);
  } catch (e) {
    throw new HostError(host.name, host.endpoint, (e as Error).message, false);
  }
}
