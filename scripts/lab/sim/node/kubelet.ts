/**
 * The kubelet service: it runs only with a loadable config file and kubeconfig, swap off
 * (unless failSwapOn: false), and a reachable runtime with the same cgroup driver; otherwise
 * systemd keeps restarting it (unit 'activating', journal reason in the message).
 */
import YAML from 'yaml';
import { ok, unsupported, type Handler, type ServiceHook, type SimContext } from '../api.ts';
import { parseKubeVersion } from '../data/images.ts';
import { CONTAINERD_SOCK, criStatus, dockerConfig, dockerRunning, normalizeEndpoint, type NodeView } from './runtime.ts';
import { readHostFile, setService } from './state.ts';

export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';

const readFile = (v: NodeView, p: string): string | undefined => readHostFile(v, p);

/** Flags from kubeadm-flags.env and /etc/sysconfig/kubelet (KUBELET_EXTRA_ARGS), as --k=v pairs. */
export function kubeletFlags(v: NodeView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, varName] of [[KUBEADM_FLAGS, 'KUBELET_KUBEADM_ARGS'], ['/etc/sysconfig/kubelet', 'KUBELET_EXTRA_ARGS']]) {
    const text = readFile(v, file);
    if (!text) continue;
    const m = new RegExp(`^${varName}=(.*)$`, 'm').exec(text);
    if (!m) continue;
    const val = m[1].trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    for (const tok of val.split(/\s+/).filter(Boolean)) {
      const f = /^--([\w-]+)(?:=(.*))?$/.exec(tok);
      if (f) out[f[1]] = f[2] ?? 'true';
    }
  }
  return out;
}

export interface KubeletConfigFile {
  cgroupDriver: 'systemd' | 'cgroupfs';
  failSwapOn: boolean;
  containerRuntimeEndpoint?: string;
  serverTLSBootstrap: boolean;
  raw: Record<string, unknown>;
}

export function readKubeletConfig(v: NodeView): { config?: KubeletConfigFile; error?: string } {
  const text = readFile(v, KUBELET_CONFIG);
  const pre = `failed to load kubelet config file, path: ${KUBELET_CONFIG}, error: failed to load Kubelet config file ${KUBELET_CONFIG}, error `;
  if (text === undefined) return { error: `${pre}failed to read kubelet config file "${KUBELET_CONFIG}", error: open ${KUBELET_CONFIG}: no such file or directory` };
  let obj: unknown;
  try {
    obj = YAML.parse(text);
  } catch (e) {
    return { error: `${pre}failed to decode: yaml: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  const rec = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  if (rec.kind !== 'KubeletConfiguration' || rec.apiVersion !== 'kubelet.config.k8s.io/v1beta1') {
    return { error: `${pre}failed to decode: no kind "${String(rec.kind ?? '')}" is registered for version "${String(rec.apiVersion ?? '')}" in scheme "pkg/kubelet/apis/config/scheme/scheme.go:30"` };
  }
  const driver = rec.cgroupDriver ?? 'cgroupfs';
  if (driver !== 'systemd' && driver !== 'cgroupfs') return { error: `failed to run Kubelet: invalid configuration: cgroup-driver "${String(driver)}" is not valid` };
  return {
    config: {
      cgroupDriver: driver,
      failSwapOn: rec.failSwapOn !== false,
      containerRuntimeEndpoint: typeof rec.containerRuntimeEndpoint === 'string' ? rec.containerRuntimeEndpoint : undefined,
      serverTLSBootstrap: rec.serverTLSBootstrap === true,
      raw: rec,
    },
  };
}

export const kubeletVersion = (v: NodeView): string | undefined => v.persist().rpms.kubelet?.version;

/** Which runtime this kubelet uses: docker through dockershim (<= 1.23 without remote), else a CRI endpoint. */
export function kubeletRuntime(v: NodeView): { kind: 'docker' } | { kind: 'cri'; endpoint: string } {
  const flags = kubeletFlags(v);
  const minor = parseKubeVersion(kubeletVersion(v) ?? '1.23.0')?.minor ?? 23;
  const cfg = readKubeletConfig(v).config;
  if (minor <= 23 && flags['container-runtime'] !== 'remote') return { kind: 'docker' };
  return { kind: 'cri', endpoint: flags['container-runtime-endpoint'] ?? cfg?.containerRuntimeEndpoint ?? CONTAINERD_SOCK };
}

/** Would the kubelet run now? The reason is the journal's "command failed" error. */
export function evaluateKubelet(v: NodeView): { ok: true } | { ok: false; message: string } {
  const version = kubeletVersion(v) ?? '1.23.17';
  const minor = parseKubeVersion(version)?.minor ?? 23;
  const flags = kubeletFlags(v);
  if (minor >= 27 && flags['container-runtime']) return { ok: false, message: 'failed to parse kubelet flag: unknown flag: --container-runtime' };
  const { config, error } = readKubeletConfig(v);
  if (!config) return { ok: false, message: error ?? 'failed to load kubelet config' };
  const failSwapOn = flags['fail-swap-on'] === 'false' ? false : config.failSwapOn;
  const haveKubeconfig = readFile(v, '/etc/kubernetes/kubelet.conf') !== undefined || readFile(v, '/etc/kubernetes/bootstrap-kubelet.conf') !== undefined;
  if (!haveKubeconfig) {
    return { ok: false, message: 'failed to run Kubelet: unable to load bootstrap kubeconfig: stat /etc/kubernetes/bootstrap-kubelet.conf: no such file or directory' };
  }
  if (failSwapOn && v.runtime().swapActive) {
    return {
      ok: false,
      message: 'failed to run Kubelet: running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: [Filename\t\t\t\tType\t\tSize\tUsed\tPriority /dev/dm-1                               partition\t2097148\t0\t-2]',
    };
  }
  const driver = (flags['cgroup-driver'] as 'systemd' | 'cgroupfs' | undefined) ?? config.cgroupDriver;
  const rt = kubeletRuntime(v);
  if (rt.kind === 'docker') {
    if (!dockerRunning(v)) {
      return { ok: false, message: 'failed to run Kubelet: failed to create kubelet: failed to get docker version: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' };
    }
    const dd = dockerConfig(v).config?.cgroupDriver ?? 'cgroupfs';
    if (dd !== driver) return { ok: false, message: `failed to run Kubelet: misconfiguration: kubelet cgroup driver: "${driver}" is different from docker cgroup driver: "${dd}"` };
    return { ok: true };
  }
  const s = criStatus(v, rt.endpoint);
  if (!s.ok) {
    if (/Unimplemented/.test(s.error)) {
      return { ok: false, message: `failed to run Kubelet: validate service connection: CRI v1 runtime API is not implemented for endpoint "${rt.endpoint}": ${s.error}` };
    }
    return { ok: false, message: `failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint "${rt.endpoint}": ${s.error}` };
  }
  // from 1.31 the kubelet takes the driver from a runtime that reports it (containerd >= 2.0)
  const takesFromCri = minor >= 31 && Number((v.persist().rpms['containerd.io']?.version ?? '1').split('.')[0]) >= 2;
  if (!takesFromCri && s.cgroupDriver !== driver) {
    // real kubelets start, then every pod sandbox fails; the control plane never comes up
    return {
      ok: false,
      message: `failed to run Kubelet: misconfiguration: kubelet cgroup driver: "${driver}" is different from the container runtime cgroup driver: "${s.cgroupDriver}" (runtime ${normalizeEndpoint(rt.endpoint)}: SystemdCgroup = ${s.cgroupDriver === 'systemd'})`,
    };
  }
  return { ok: true };
}

export const kubeletHook: ServiceHook = {
  async start(ctx) {
    const r = evaluateKubelet(ctx);
    if (r.ok) return { ok: true };
    return { ok: false, loop: true, message: r.message };
  },
};

/**
 * The auto-restart loop: a looping kubelet re-checks its preconditions (call after changing
 * what it depends on: configs, swap, the runtime). A running kubelet that lost them goes back to looping.
 */
export function refreshKubelet(ctx: SimContext): void {
  const cur = ctx.runtime().services.kubelet;
  if (!cur || cur.active === 'inactive' || cur.active === 'failed') return;
  const r = evaluateKubelet(ctx);
  if (r.ok) setService(ctx, 'kubelet', 'active');
  else setService(ctx, 'kubelet', 'activating', r.message);
}

/** Start (or restart) the kubelet as `systemctl restart kubelet` would, through its hook. */
export async function restartKubelet(ctx: SimContext): Promise<void> {
  const r = await kubeletHook.start(ctx);
  if (r.ok) setService(ctx, 'kubelet', 'active');
  else setService(ctx, 'kubelet', 'activating', r.message);
}

export const kubeletCommand: Handler = async (ctx) => {
  const a = ctx.argv.slice(1);
  if (a[0] === '--version' || a[0] === 'version' || a[0] === '--version=true') return ok(`Kubernetes v${kubeletVersion(ctx) ?? '1.23.17'}\n`);
  return unsupported(ctx);
};
