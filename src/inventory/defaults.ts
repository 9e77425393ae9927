/**
 * Raw (validated) inventory -> the resolved Cluster: every omitted value filled from
 * the version matrix, the mirror presets and the defaults below.
 */
import os from 'node:os';
import path from 'node:path';
import type { Cluster, HostSpec, Runtime, SshSettings } from './model.ts';
import { capRuntimeVersions, parseKubeVersion, versionInfo } from './matrix.ts';
import { resolveMirrors, type PresetName, type RawMirrorOverrides } from './mirrors.ts';
import type { RawInventory, RawSsh } from './schema.ts';

/** Not Calico's 192.168.0.0/16: that collides with the usual lab host networks. */
export const DEFAULT_POD_SUBNET = '10.244.0.0/16';
/** kubeadm's default */
export const DEFAULT_SERVICE_SUBNET = '10.96.0.0/12';
export const DEFAULT_API_PORT = 6443;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** `~` and `~/x` -> the user's home directory. */
export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** Relative key paths are relative to the inventory file, as a user reading it would expect. */
function keyPath(p: string | undefined, dir: string): string | undefined {
  if (p === undefined) return undefined;
  const expanded = expandHome(p);
  return path.isAbsolute(expanded) ? expanded : path.resolve(dir, expanded);
}

function sshSettings(global: RawSsh | undefined, own: RawSsh | undefined, dir: string): SshSettings {
  // a host's own value wins, key by key
  const pick = <K extends keyof RawSsh>(k: K): RawSsh[K] => (own?.[k] !== undefined ? own[k] : global?.[k]);
  const privateKeyPath = keyPath(pick('privateKeyPath'), dir);
  const passwordEnv = pick('password')?.env ?? pick('passwordEnv');
  const sudoPasswordEnv = pick('sudoPassword')?.env ?? pick('sudoPasswordEnv');
  const b = pick('bastion');
  const settings: SshSettings = {
    user: pick('user') ?? 'root',
    port: pick('port') ?? 22,
    // with neither key nor password, the ssh agent is the only way in
    useAgent: pick('useAgent') ?? (privateKeyPath === undefined && passwordEnv === undefined),
    knownHosts: pick('knownHosts') ?? 'strict',
    knownHostsFile: keyPath(pick('knownHostsFile'), dir) ?? path.join(os.homedir(), '.ssh', 'known_hosts'),
    connectTimeoutMs: pick('connectTimeoutMs') ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
  if (privateKeyPath !== undefined) settings.privateKeyPath = privateKeyPath;
  if (passwordEnv !== undefined) settings.passwordEnv = passwordEnv;
  if (sudoPasswordEnv !== undefined) settings.sudoPasswordEnv = sudoPasswordEnv;
  if (b) {
    settings.bastion = {
      host: b.host,
      port: b.port ?? 22,
      user: b.user ?? settings.user,
      ...(b.privateKeyPath !== undefined ? { privateKeyPath: keyPath(b.privateKeyPath, dir) } : {}),
      ...((b.password?.env ?? b.passwordEnv) !== undefined ? { passwordEnv: b.password?.env ?? b.passwordEnv } : {}),
    };
  }
  return settings;
}

/**
 * Build the Cluster from a schema- and semantically-valid inventory.
 * `hostLine` gives the line of hosts[i] so later errors about a host can point at it.
 */
export function buildCluster(file: string, inv: RawInventory, hostLine?: (index: number) => number, versionLine?: number): Cluster {
  const dir = path.dirname(file);
  const c = inv.cluster;
  const kv = parseKubeVersion(c.kubernetesVersion);
  if (!kv) throw new Error(`unvalidated kubernetesVersion ${c.kubernetesVersion}`);
  const kubernetesVersion = `${kv.major}.${kv.minor}.${kv.patch}`;
  const defaults = versionInfo(kubernetesVersion);
  const runtime: Runtime = c.containerRuntime ?? defaults.defaultRuntime;
  const distro = inv.os?.distro ?? 'centos7';
  const version = capRuntimeVersions(versionInfo(kubernetesVersion, runtime), distro);

  const { preset, ...overrides } = inv.mirrors ?? {};
  const mirrors = resolveMirrors((preset ?? 'cn') as PresetName, overrides as RawMirrorOverrides);

  const firstMaster = inv.hosts.findIndex((h) => h.role === 'master');
  const hosts: HostSpec[] = inv.hosts.map((h, i) => ({
    name: h.name,
    address: h.address,
    role: h.role,
    ssh: sshSettings(inv.ssh, h.ssh, dir),
    initMaster: i === firstMaster,
    ...(hostLine ? { pos: { file, line: hostLine(i) } } : {}),
  }));

  return {
    file,
    cluster: {
      name: c.name ?? path.basename(file).replace(/\.ya?ml$/, ''),
      kubernetesVersion,
      ...(versionLine ? { versionPos: { file, line: versionLine } } : {}),
      version,
      containerRuntime: runtime,
      controlPlaneEndpoint: c.controlPlaneEndpoint ?? `${inv.hosts[firstMaster].address}:${DEFAULT_API_PORT}`,
      imageRepository: c.imageRepository ?? mirrors.images[0],
      podSubnet: c.podSubnet ?? DEFAULT_POD_SUBNET,
      serviceSubnet: c.serviceSubnet ?? DEFAULT_SERVICE_SUBNET,
      kubeProxyMode: c.kubeProxyMode ?? 'ipvs',
      certSANs: c.certSANs ?? [],
      cni: {
        plugin: 'calico',
        version: c.cni?.version ?? version.calicoVersion,
        ...(c.cni?.manifest !== undefined ? { manifest: manifestRef(c.cni.manifest, dir) } : {}),
      },
      metricsServer: {
        enabled: c.metricsServer?.enabled ?? true,
        version: c.metricsServer?.version ?? version.metricsServerVersion,
        ...(c.metricsServer?.manifest !== undefined ? { manifest: manifestRef(c.metricsServer.manifest, dir) } : {}),
      },
      dnsDomain: c.dnsDomain ?? 'cluster.local',
    },
    mirrors,
    os: {
      distro,
      timezone: inv.os?.timezone ?? 'UTC',
      ntpServers: inv.os?.ntpServers ?? (mirrors.preset === 'cn' ? ['ntp.aliyun.com', 'ntp.tencent.com'] : ['pool.ntp.org']),
      firewall: inv.os?.firewall ?? 'disable',
      selinux: inv.os?.selinux ?? 'disabled',
      kernelUpgrade: inv.os?.kernelUpgrade ?? false,
    },
    hosts,
  };
}

/** URLs stay as they are; local files become absolute. */
const manifestRef = (m: string, dir: string): string => (/^[a-z]+:\/\//.test(m) ? m : path.resolve(dir, expandHome(m)));
