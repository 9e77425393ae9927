/**
 * The contract between the lab daemon (which owns sockets, namespaces and dispatch)
 * and the simulated commands (pure handlers over a host's files and state).
 * Handlers must be deterministic given their inputs and cheap (well under 50 ms).
 */
import type { ClusterState } from './cluster/types.ts';

export type OsProfile = 'centos7' | 'rocky9';

export interface LabHost {
  name: string;
  /** 198.18.x.y */
  address: string;
  os: OsProfile;
  cpus: number;
  memoryMiB: number;
  mac: string;
  productUuid: string;
  /** index in the fleet, 0-based */
  index: number;
}

export interface LabOptions {
  /** delay added to heavy commands (package installs, image pulls, init, join) */
  latencyMs: number;
  /** 'cn' (default: cn mirrors reachable, registry.k8s.io/docker.io/quay.io not) or 'global' (all reachable) */
  registryView: 'cn' | 'global';
}

export type MirrorFault = '404' | '403' | 'timeout' | 'dns';

/** Lab-wide fault switches (faults.json), set by `kubeforge lab fault ...` and by tests. */
export interface LabFaults {
  /** URL prefix (scheme+host+path prefix) -> how it fails */
  mirrors: Record<string, MirrorFault>;
  /** registry host (or host/prefix) made unreachable */
  registriesDown: string[];
  /** repository:tag (e.g. registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.6) whose tag is missing */
  missingTags: string[];
  /**
   * URL prefix of a package repository -> the newest Kubernetes version it carries: a mirror
   * that stopped syncing, so kubeadm/kubelet/kubectl builds newer than this are absent there
   */
  staleMirrors: Record<string, string>;
  /** the next `count` commands (on `host`, or any) whose joined argv matches `pattern` (a RegExp source) fail or hang */
  failNext: { pattern: string; host?: string; count: number; mode: 'fail' | 'hang'; code?: number; stderr?: string }[];
}

export interface CommandResult {
  code: number;
  stdout?: string | Buffer;
  stderr?: string;
  /** instead of output: ask the client to exec this real binary (inside the host) with these args */
  exec?: { path: string; args: string[] };
}

/** Per-host state that a reboot loses. Lives in the host's /run/.kflab/runtime.json. */
export interface HostRuntime {
  bootId: string;
  bootedAt: number;
  modules: string[];
  /** current value of every sysctl key that exists on this kernel now */
  sysctl: Record<string, string>;
  swapActive: boolean;
  selinuxMode: 'enforcing' | 'permissive' | 'disabled';
  /** service name (without .service) -> state */
  services: Record<string, ServiceRuntime>;
  hostname: string;
  /** seconds added to the machine clock for this host (clock skew fault) */
  clockOffsetSec: number;
  /** the host's network (eth0) is up; false after NetworkManager is stopped on Rocky 9 */
  networkUp: boolean;
  /** free-form per-area runtime data (firewalld rules loaded, iptables chains, ...) */
  extra: Record<string, unknown>;
}

export interface ServiceRuntime {
  active: 'active' | 'inactive' | 'failed' | 'activating';
  /** why it failed or is looping, as `systemctl status` / journal would say */
  message?: string;
  since: number;
}

/** Per-host state that survives reboots and is not a real file on a real host. /var/lib/kflab/host.json */
export interface HostPersist {
  /** rpm database: name -> installed package */
  rpms: Record<string, InstalledRpm>;
  /** kernel release that boots next (kernel upgrade) */
  defaultKernel: string;
  /** per-area persistent data */
  extra: Record<string, unknown>;
}

export interface InstalledRpm {
  name: string;
  version: string;
  release: string;
  arch: string;
  repo: string;
  installedAt: number;
}

/** A service's behaviour, provided by the area that simulates the daemon (docker, containerd, kubelet...). */
export interface ServiceHook {
  /** called on start/restart: ok=false keeps the unit 'failed' (or 'activating' with loop=true, like kubelet) */
  start(ctx: SimContext): Promise<{ ok: boolean; message?: string; loop?: boolean }>;
  stop?(ctx: SimContext): Promise<void>;
}

export interface SimContext {
  host: LabHost;
  options: LabOptions;
  /** argv[0] is the command's basename (e.g. 'yum'), as invoked */
  argv: string[];
  cwd: string;
  uid: number;
  user: string;
  env: Record<string, string>;
  /** map a path inside the host (absolute, or relative to cwd) to a machine path */
  path(p: string): string;
  /** the client's stdin, read to EOF on demand */
  readStdin(): Promise<Buffer>;
  /** runtime + persistent state; save() writes both back */
  runtime(): HostRuntime;
  persist(): HostPersist;
  save(): void;
  faults(): LabFaults;
  cluster(): ClusterState;
  saveCluster(): void;
  /** run another simulated command on the same host (e.g. systemctl from a package scriptlet) */
  run(argv: string[], opts?: { stdin?: string }): Promise<CommandResult & { stdout: string; stderr: string }>;
  /** run a real command inside the host's namespaces (net/uts/mnt), e.g. `hostname X`, `ip link set eth0 down` */
  nsExec(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** other lab hosts (for cross-host effects: cluster joins, reachability) */
  hosts(): LabHost[];
  /** another host's state and files (kubectl reading a node's kubelet, a join checking the CA...) */
  peer(name: string): PeerView | undefined;
  /** the heavy-command delay (options.latencyMs), a no-op when 0 */
  heavyDelay(): Promise<void>;
  /** schedule a reboot of this host after the current command returns */
  requestReboot(): void;
  /** a line in lab.log */
  log(line: string): void;
  /** now, in ms, as the host's clock sees it (machine clock + clockOffsetSec) */
  now(): number;
}

export interface PeerView {
  host: LabHost;
  /** false while the host is down (rebooting, lab down) */
  running: boolean;
  path(p: string): string;
  runtime(): HostRuntime;
  persist(): HostPersist;
  save(): void;
}

export type Handler = (ctx: SimContext) => Promise<CommandResult>;

export const ok = (stdout = '', stderr = ''): CommandResult => ({ code: 0, stdout, stderr });
export const fail = (code: number, stderr: string, stdout = ''): CommandResult => ({ code, stdout, stderr });
export const unsupported = (ctx: SimContext): CommandResult => {
  const line = `lab: unsupported command: ${ctx.argv.join(' ')}`;
  ctx.log(`${ctx.host.name}: ${line}`);
  return { code: 127, stdout: '', stderr: line + '\n' };
};
