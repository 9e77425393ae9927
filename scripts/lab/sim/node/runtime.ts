/**
 * The container runtimes of a node (docker-ce, containerd.io): their parsed configs, their
 * ServiceHooks, and image pulls through a runtime (mirrors applied, local store updated).
 * Functions take a NodeView so the cluster area can ask about another host (ctx.peer()).
 */
import type { LabFaults, LabHost, LabOptions, ServiceHook, SimContext } from '../api.ts';
import { checkPull, parseImageRef, type PullCheck } from '../data/images.ts';
import { parseContainerdConfig, parseHostsToml, type ContainerdConfig } from './containerd-config.ts';
import { parseDockerConfig, type DockerConfig } from './docker-config.ts';
import { evaluateKubelet } from './kubelet.ts';
import { addImage, hasImage, isActive, readHostFile, setService } from './state.ts';

/** What the node area needs of a host: the context itself, or a PeerView of another host. */
export interface NodeView {
  host: LabHost;
  path(p: string): string;
  runtime: SimContext['runtime'];
  persist: SimContext['persist'];
}

export const DEFAULT_CONTAINERD = '1.6.33';
export const DEFAULT_DOCKER = '20.10.24';

export const containerdVersion = (v: NodeView): string => v.persist().rpms['containerd.io']?.version ?? DEFAULT_CONTAINERD;
export const dockerVersion = (v: NodeView): string => v.persist().rpms['docker-ce']?.version ?? DEFAULT_DOCKER;

const readFile = (v: NodeView, p: string): string | undefined => readHostFile(v, p);

export function dockerConfig(v: NodeView): { config?: DockerConfig; error?: string } {
  return parseDockerConfig(readFile(v, '/etc/docker/daemon.json'), v.host.os);
}
export function containerdConfig(v: NodeView): { config?: ContainerdConfig; error?: string } {
  return parseContainerdConfig(readFile(v, '/etc/containerd/config.toml'), containerdVersion(v));
}

export const dockerRunning = (v: NodeView): boolean => v.runtime().services.docker?.active === 'active';
export const containerdRunning = (v: NodeView): boolean => v.runtime().services.containerd?.active === 'active';

/** The container runtime endpoint a kubelet / kubeadm / crictl names, and whether it answers CRI. */
export type CriStatus =
  | { ok: true; runtime: 'docker' | 'containerd'; cgroupDriver: 'systemd' | 'cgroupfs'; sandboxImage?: string }
  | { ok: false; error: string };

export const CONTAINERD_SOCK = 'unix:///var/run/containerd/containerd.sock';
export const DOCKERSHIM_SOCK = 'unix:///var/run/dockershim.sock';

export function normalizeEndpoint(ep: string): string {
  const e = ep.startsWith('unix://') ? ep : `unix://${ep}`;
  return e.replace('unix:///run/', 'unix:///var/run/');
}

/** Does the CRI endpoint answer (as crictl / kubeadm preflight see it)? */
export function criStatus(v: NodeView, endpoint: string): CriStatus {
  const ep = normalizeEndpoint(endpoint);
  const sock = ep.replace('unix://', '');
  const dialErr = `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix ${sock}: connect: no such file or directory"`;
  if (ep === normalizeEndpoint(CONTAINERD_SOCK)) {
    if (!containerdRunning(v)) return { ok: false, error: dialErr };
    const c = containerdConfig(v).config;
    if (!c || !c.criEnabled) {
      return { ok: false, error: `rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService` };
    }
    return { ok: true, runtime: 'containerd', cgroupDriver: c.systemdCgroup ? 'systemd' : 'cgroupfs', sandboxImage: c.sandboxImage };
  }
  if (ep === normalizeEndpoint(DOCKERSHIM_SOCK)) {
    // dockershim lives inside the kubelet (<= 1.23): it answers only while the kubelet runs on docker
    if (v.runtime().services.kubelet?.active === 'active' && dockerRunning(v)) {
      return { ok: true, runtime: 'docker', cgroupDriver: dockerConfig(v).config?.cgroupDriver ?? 'cgroupfs' };
    }
    return { ok: false, error: dialErr };
  }
  return { ok: false, error: dialErr };
}

/** Registry mirrors the runtime applies for a registry host. */
function mirrorsFor(v: NodeView, runtime: 'docker' | 'containerd', registry: string): string[] {
  if (runtime === 'docker') {
    if (registry !== 'docker.io') return [];
    return dockerConfig(v).config?.registryMirrors ?? [];
  }
  const c = containerdConfig(v).config;
  if (!c) return [];
  const out = [...(c.mirrors[registry] ?? [])];
  if (c.configPath) {
    const hosts = readFile(v, `${c.configPath.replace(/\/+$/, '')}/${registry}/hosts.toml`);
    if (hosts) out.unshift(...parseHostsToml(hosts));
  }
  return out;
}

/** Check a pull through a runtime: mirrors first (as containerd/docker try them), then the registry. */
export function runtimePullCheck(v: NodeView, runtime: 'docker' | 'containerd', ref: string, options: LabOptions, faults: LabFaults): PullCheck {
  const direct = checkPull(ref, options, faults);
  if (direct.ok || !direct.ref) return direct;
  for (const m of mirrorsFor(v, runtime, direct.ref.registry)) {
    const host = m.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const viaMirror = checkPull(`${host}/${direct.ref.repository}${direct.ref.digest ? '@' + direct.ref.digest : ':' + direct.ref.tag}`, options, faults);
    if (viaMirror.ok) return { ok: true, ref: direct.ref, digest: viaMirror.digest };
  }
  return direct;
}

/** Is the image already in the runtime's store (kubelet / kubeadm would not pull it)? */
export function imagePresent(v: NodeView, runtime: 'docker' | 'containerd', ref: string): boolean {
  const r = parseImageRef(ref);
  if (!r) return false;
  return hasImage(v, runtime === 'docker' ? 'docker' : 'containerd:k8s.io', r.full);
}

/** Pull into the runtime's store; the PullCheck says why not. */
export function pullInto(ctx: SimContext, runtime: 'docker' | 'containerd', ref: string, namespace = 'k8s.io'): PullCheck {
  const c = runtimePullCheck(ctx, runtime, ref, ctx.options, ctx.faults());
  if (c.ok) addImage(ctx, runtime === 'docker' ? 'docker' : `containerd:${namespace}`, c.ref.full);
  return c;
}

/**
 * A kubelet in its restart loop retries every few seconds: when the runtime it waits for comes
 * up (or goes away), re-check it now, with the runtime's new state already in place.
 */
function kubeletFollows(ctx: SimContext, unit: 'docker' | 'containerd', active: boolean): void {
  const k = ctx.runtime().services.kubelet;
  if (!k || k.active === 'inactive' || k.active === 'failed') return;
  setService(ctx, unit, active ? 'active' : 'inactive');
  const r = evaluateKubelet(ctx);
  if (r.ok) setService(ctx, 'kubelet', 'active');
  else setService(ctx, 'kubelet', 'activating', r.message);
}

export const containerdHook: ServiceHook = {
  async start(ctx) {
    const { error } = containerdConfig(ctx);
    if (error) return { ok: false, message: `containerd: ${error}` };
    kubeletFollows(ctx, 'containerd', true);
    return { ok: true };
  },
  async stop(ctx) {
    kubeletFollows(ctx, 'containerd', false);
  },
};

export const dockerHook: ServiceHook = {
  async start(ctx) {
    const { error } = dockerConfig(ctx);
    if (error) return { ok: false, message: error };
    // docker.service wants containerd.service: systemd starts it first
    if (ctx.persist().rpms['containerd.io'] && !isActive(ctx, 'containerd')) {
      const r = await containerdHook.start(ctx);
      if (!r.ok) return { ok: false, message: 'Dependency failed for Docker Application Container Engine.' };
      setService(ctx, 'containerd', 'active');
    }
    kubeletFollows(ctx, 'docker', true);
    return { ok: true };
  },
  async stop(ctx) {
    kubeletFollows(ctx, 'docker', false);
  },
};
