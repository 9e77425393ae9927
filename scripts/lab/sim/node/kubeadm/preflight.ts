/**
 * kubeadm's preflight checks for init and join, with their real names (skippable one by one
 * with --ignore-preflight-errors) and texts.
 */
import fs from 'node:fs';
import type { SimContext } from '../../api.ts';
import { parseKubeVersion } from '../../data/images.ts';
import { criStatus, dockerConfig, dockerRunning } from '../runtime.ts';
import { hostFileExists, readHostFile } from '../state.ts';
import type { RuntimeChoice } from './common.ts';
import { isEnabled } from '../../os/units.ts';

export interface Finding {
  name: string;
  msg: string;
}
export interface PreflightResult {
  errors: Finding[];
  warnings: Finding[];
}

// lstat, as systemctl does: the wants-link's absolute target does not resolve from outside the host
const enabled = (ctx: SimContext, unit: string): boolean => isEnabled(ctx, `${unit}.service`);

function sysctlFile(ctx: SimContext, key: string, file: string, out: Finding[]): void {
  const name = `FileContent-${file.replace(/\//g, '-')}`;
  const v = ctx.runtime().sysctl[key];
  if (v === undefined) out.push({ name, msg: `${file} does not exist` });
  else if (v.trim() !== '1') out.push({ name, msg: `${file} contents are not set to 1` });
}

function criCheck(ctx: SimContext, rt: RuntimeChoice, minor: number, now: number): Finding | undefined {
  if (rt.runtime === 'docker' && minor <= 23) {
    if (dockerRunning(ctx)) return undefined;
    return { name: 'CRI', msg: 'container runtime is not running: output: Client:\n Context:    default\n Debug Mode: false\n\nServer:\nERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nerrors pretty printing info\n, error: exit status 1' };
  }
  const s = criStatus(ctx, rt.socket);
  if (s.ok) return undefined;
  const why = /Unimplemented/.test(s.error)
    ? `validate service connection: CRI v1 runtime API is not implemented for endpoint "${rt.socket}": ${s.error}`
    : `validate service connection: validate CRI v1 runtime API for endpoint "${rt.socket}": ${s.error}`;
  if (minor <= 26) return { name: 'CRI', msg: `container runtime is not running: output: time="${new Date(now).toISOString().replace(/\.\d+Z$/, 'Z')}" level=fatal msg="${why.replace(/"/g, '\\"')}"\n, error: exit status 1` };
  return { name: 'CRI', msg: `container runtime is not running: ${why}` };
}

function hostnameCheck(ctx: SimContext, name: string, warnings: Finding[]): void {
  const hosts = readHostFile(ctx, '/etc/hosts') ?? '';
  const known = hosts.split('\n').some((l) => !l.trim().startsWith('#') && l.trim().split(/\s+/).slice(1).includes(name));
  if (!known && name !== 'localhost') {
    warnings.push({ name: 'Hostname', msg: `hostname "${name}" could not be reached` });
    warnings.push({ name: 'Hostname', msg: `hostname "${name}": lookup ${name} on 127.0.0.1:53: read udp 127.0.0.1:45678->127.0.0.1:53: read: connection refused` });
  }
}

function kubeletVersionCheck(ctx: SimContext, k8sVersion: string, kubeadmMinor: number, errors: Finding[]): void {
  const kv = ctx.persist().rpms.kubelet?.version;
  if (!kv) {
    errors.push({ name: 'KubeletVersion', msg: `couldn't get kubelet version: cannot execute 'kubelet --version': exec: "kubelet": executable file not found in $PATH` });
    return;
  }
  const k = parseKubeVersion(kv);
  const cp = parseKubeVersion(k8sVersion);
  if (!k || !cp) return;
  // a newer kubelet patch is fine; a newer minor is not
  if (k.minor > cp.minor) {
    errors.push({ name: 'KubeletVersion', msg: `the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${kv}" Control plane version: "${k8sVersion.replace(/^v/, '')}"` });
  } else if (k.minor < kubeadmMinor - 1) {
    errors.push({ name: 'KubeletVersion', msg: `Kubelet version "${kv}" is lower than kubeadm can support. Please upgrade kubelet` });
  }
}

const dirNotEmpty = (ctx: SimContext, p: string): boolean => {
  try {
    return fs.readdirSync(ctx.path(p)).length > 0;
  } catch {
    return false;
  }
};

export interface CheckInput {
  rt: RuntimeChoice;
  minor: number;
  k8sVersion: string;
  nodeName: string;
  controlPlane: boolean;
  join: boolean;
  failSwapOn: boolean;
  etcdDataDir: string;
  bindPort: number;
}

export function runChecks(ctx: SimContext, inp: CheckInput): PreflightResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const now = ctx.now();
  if (ctx.uid !== 0) return { errors: [{ name: 'IsPrivilegedUser', msg: 'user is not running as root' }], warnings };
  const kubeletUp = ctx.runtime().services.kubelet?.active === 'active';
  const apiUp = kubeletUp && hostFileExists(ctx, '/etc/kubernetes/manifests/kube-apiserver.yaml');
  if (inp.join) {
    for (const f of ['/etc/kubernetes/kubelet.conf', '/etc/kubernetes/bootstrap-kubelet.conf']) {
      if (hostFileExists(ctx, f)) errors.push({ name: `FileAvailable-${f.replace(/\//g, '-')}`, msg: `${f} already exists` });
    }
  }
  if (inp.controlPlane) {
    if (ctx.host.cpus < 2) errors.push({ name: 'NumCPU', msg: `the number of available CPUs ${ctx.host.cpus} is less than the required 2` });
    if (ctx.host.memoryMiB < 1700) errors.push({ name: 'Mem', msg: `the system RAM (${ctx.host.memoryMiB} MB) is less than the minimum 1700 MB` });
    if (!inp.join) {
      const k = parseKubeVersion(inp.k8sVersion);
      if (k && k.minor > inp.minor) {
        errors.push({ name: 'KubernetesVersion', msg: `Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: ${inp.k8sVersion.replace(/^v/, '')}. Kubeadm version: 1.${inp.minor}.x` });
      }
    }
    if (ctx.runtime().services.firewalld?.active === 'active') {
      warnings.push({ name: 'Firewalld', msg: `firewalld is active, please ensure ports [${inp.bindPort} 10250] are open or your cluster may not function correctly` });
    }
    if (apiUp) errors.push({ name: `Port-${inp.bindPort}`, msg: `Port ${inp.bindPort} is in use` });
    if (kubeletUp && hostFileExists(ctx, '/etc/kubernetes/manifests/kube-scheduler.yaml')) errors.push({ name: 'Port-10259', msg: 'Port 10259 is in use' });
    if (kubeletUp && hostFileExists(ctx, '/etc/kubernetes/manifests/kube-controller-manager.yaml')) errors.push({ name: 'Port-10257', msg: 'Port 10257 is in use' });
    for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
      const f = `/etc/kubernetes/manifests/${m}.yaml`;
      if (hostFileExists(ctx, f)) errors.push({ name: `FileAvailable-${f.replace(/\//g, '-')}`, msg: `${f} already exists` });
    }
  }
  const cri = criCheck(ctx, inp.rt, inp.minor, now);
  if (cri) errors.push(cri);
  if (inp.rt.runtime === 'docker' && inp.minor <= 23) {
    const driver = dockerConfig(ctx).config?.cgroupDriver;
    if (dockerRunning(ctx) && driver && driver !== 'systemd') {
      warnings.push({ name: 'IsDockerSystemdCheck', msg: `detected "${driver}" as the Docker cgroup driver. The recommended driver is "systemd". Please follow the guide at https://kubernetes.io/docs/setup/cri/` });
    }
    if (!enabled(ctx, 'docker')) warnings.push({ name: 'Service-Docker', msg: `docker service is not enabled, please run 'systemctl enable docker.service'` });
  }
  sysctlFile(ctx, 'net.bridge.bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables', errors);
  sysctlFile(ctx, 'net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward', errors);
  if (inp.failSwapOn && ctx.runtime().swapActive) errors.push({ name: 'Swap', msg: 'running with swap on is not supported. Please disable swap' });
  const rpms = ctx.persist().rpms;
  const inPath = (exe: string, pkgs: string[]): boolean =>
    pkgs.some((p) => rpms[p]) || ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'].some((d) => hostFileExists(ctx, `${d}/${exe}`));
  // kubeadm 1.32+ checks conntrack only for an init of a Kubernetes older than 1.32 (join passes no version)
  const k8sMinor = Number(/^v?1\.(\d+)/.exec(inp.k8sVersion)?.[1] ?? NaN);
  const wantConntrack = inp.minor < 32 || (!inp.join && k8sMinor < 32);
  if (wantConntrack && !inPath('conntrack', ['conntrack-tools'])) {
    errors.push({ name: 'FileExisting-conntrack', msg: 'conntrack not found in system path' });
  }
  // the optional tools, in kubeadm's order (ip, iptables, mount, nsenter, touch are always there)
  if (!inPath('ebtables', ['ebtables', 'iptables-nft', 'iptables-ebtables'])) warnings.push({ name: 'FileExisting-ebtables', msg: 'ebtables not found in system path' });
  if (!inPath('ethtool', ['ethtool'])) warnings.push({ name: 'FileExisting-ethtool', msg: 'ethtool not found in system path' });
  if (!inPath('socat', ['socat'])) warnings.push({ name: 'FileExisting-socat', msg: 'socat not found in system path' });
  // EL9 ships tc in its own package (iproute-tc), not in a minimal install; EL7's iproute has it
  if (ctx.host.os === 'rocky9' && !inPath('tc', ['iproute-tc'])) warnings.push({ name: 'FileExisting-tc', msg: 'tc not found in system path' });
  hostnameCheck(ctx, inp.nodeName, warnings);
  kubeletVersionCheck(ctx, inp.k8sVersion, inp.minor, errors);
  if (rpms.kubelet && !enabled(ctx, 'kubelet')) warnings.push({ name: 'Service-Kubelet', msg: `kubelet service is not enabled, please run 'systemctl enable kubelet.service'` });
  if (kubeletUp) errors.push({ name: 'Port-10250', msg: 'Port 10250 is in use' });
  if (inp.controlPlane) {
    const etcdUp = kubeletUp && hostFileExists(ctx, '/etc/kubernetes/manifests/etcd.yaml');
    if (etcdUp) {
      errors.push({ name: 'Port-2379', msg: 'Port 2379 is in use' });
      errors.push({ name: 'Port-2380', msg: 'Port 2380 is in use' });
    }
    if (dirNotEmpty(ctx, inp.etcdDataDir)) errors.push({ name: `DirAvailable-${inp.etcdDataDir.replace(/\//g, '-')}`, msg: `${inp.etcdDataDir} is not empty` });
  }
  if (inp.join && hostFileExists(ctx, '/etc/kubernetes/pki/ca.crt')) {
    errors.push({ name: 'FileAvailable--etc-kubernetes-pki-ca.crt', msg: '/etc/kubernetes/pki/ca.crt already exists' });
  }
  return { errors, warnings };
}

/** Split findings by --ignore-preflight-errors (names case-insensitive, "all"). */
export function applyIgnores(r: PreflightResult, ignore: string[]): PreflightResult {
  const set = new Set(ignore.map((s) => s.toLowerCase()));
  const ignored = (f: Finding) => set.has('all') || set.has(f.name.toLowerCase());
  return {
    errors: r.errors.filter((f) => !ignored(f)),
    warnings: [...r.warnings, ...r.errors.filter(ignored)],
  };
}

export const warningLines = (ws: Finding[]): string => ws.map((w) => `\t[WARNING ${w.name}]: ${w.msg}\n`).join('');

/** The fatal preflight error kubeadm prints (stderr). */
export function preflightErrorText(errors: Finding[]): string {
  return `error execution phase preflight: [preflight] Some fatal errors occurred:\n${errors.map((e) => `\t[ERROR ${e.name}]: ${e.msg}\n`).join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n`;
}

/** Validate --ignore-preflight-errors values ("all" cannot be mixed with names). */
export function validateIgnores(list: string[]): string | undefined {
  const lower = list.map((s) => s.toLowerCase());
  if (lower.includes('all') && lower.length > 1) return `ignorePreflightErrors: Invalid value: ${JSON.stringify(list.map((s) => s.toLowerCase()).join(','))}: don't specify individual checks if 'all' is used`;
  return undefined;
}
