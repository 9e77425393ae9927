/**
 * The resolved cluster: an inventory after validation, with every default filled
 * from the version matrix and the mirror presets. Everything downstream (render,
 * phases, plan, up) reads this and never the raw YAML.
 */

export type Role = 'master' | 'worker';
export type Runtime = 'docker' | 'containerd';
export type KubeadmApi = 'v1beta2' | 'v1beta3' | 'v1beta4';
export type KubeProxyMode = 'ipvs' | 'iptables';
export type KnownHostsMode = 'strict' | 'accept-new' | 'off';
/** What `plan` assumes before facts are gathered; preflight facts (/etc/os-release) win. */
export type Distro = 'centos7' | 'rocky8' | 'rocky9';

/** Where a value came from in the inventory file, for error messages. */
export interface SourcePos {
  file: string;
  line: number;
}

export interface SshSettings {
  user: string;
  port: number;
  privateKeyPath?: string;
  /** Name of the environment variable holding the SSH password (never the password itself). */
  passwordEnv?: string;
  /** Name of the environment variable holding the sudo password, when sudo asks for one. */
  sudoPasswordEnv?: string;
  useAgent: boolean;
  knownHosts: KnownHostsMode;
  knownHostsFile: string;
  bastion?: { host: string; port: number; user: string; privateKeyPath?: string; passwordEnv?: string };
  connectTimeoutMs: number;
}

export interface HostSpec {
  name: string;
  address: string;
  role: Role;
  ssh: SshSettings;
  /** The first master runs `kubeadm init`; the others join as control planes. */
  initMaster: boolean;
  pos?: SourcePos;
}

/** One artifact class: an ordered list of candidate URLs / registries, first healthy wins. */
export type MirrorList = string[];

export interface Mirrors {
  preset: 'cn' | 'upstream';
  /** CentOS 7 vault roots, e.g. https://mirrors.aliyun.com/centos-vault/7.9.2009/ (+ {os,updates,extras}/$basearch/) */
  centosVault: MirrorList;
  /** EPEL 7 archive, e.g. https://mirrors.aliyun.com/epel-archive/7/$basearch/ */
  epel: MirrorList;
  /** Rocky roots, e.g. https://mirrors.aliyun.com/rockylinux/$releasever/ (+ {BaseOS,AppStream}/$basearch/os/) */
  rocky: MirrorList;
  /** docker-ce repo baseurls, e.g. https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable/ */
  dockerCe: MirrorList;
  /** per-minor Kubernetes repos (1.24+), `{minor}` replaced by e.g. 1.30 */
  kubernetes: MirrorList;
  /** legacy el7 Kubernetes repo (<= 1.23 here) */
  kubernetesLegacy: MirrorList;
  /** control-plane images, pause, coredns, metrics-server, e.g. registry.cn-hangzhou.aliyuncs.com/google_containers */
  images: MirrorList;
  /** Calico images prefix, e.g. docker.m.daocloud.io/calico */
  calicoImages: MirrorList;
  /** ELRepo kernel repo baseurls for EL7 (os.kernelUpgrade), e.g. https://mirrors.tuna.tsinghua.edu.cn/elrepo/kernel/el7/$basearch/ */
  elrepo: MirrorList;
}

export interface VersionInfo {
  /** e.g. "1.23" */
  minor: string;
  kubeadmApi: KubeadmApi;
  defaultRuntime: Runtime;
  /** criSocket as kubeadm wants it for the chosen runtime (URL form for v1beta3+) */
  criSocket: string;
  calicoVersion: string;
  metricsServerVersion: string;
  /** legacy el7 repo vs pkgs.k8s.io per-minor repo */
  packageRepo: 'legacy-el7' | 'pkgs-k8s-io';
  /** package version as yum wants it, e.g. "1.23.17-0" or "1.30.2-150500.1.1" */
  packageVersion: string;
  /** pause image tag kubeadm uses for this version, e.g. "3.6" */
  pauseVersion: string;
  /** coredns tag, e.g. "v1.8.6" */
  corednsVersion: string;
  etcdVersion: string;
  /** docker-ce version to pin when the runtime is docker (e.g. "20.10.24"); containerd.io version otherwise */
  dockerVersion: string;
  containerdVersion: string;
}

export interface AddonSpec {
  version: string;
  /** URL or local file of the upstream manifest; default: the release URL of `version`. */
  manifest?: string;
}

export interface ClusterSpec {
  name: string;
  /** full version, e.g. "1.23.17" (no leading v) */
  kubernetesVersion: string;
  /** where kubernetesVersion is written, for errors found later (a mirror without its packages) */
  versionPos?: SourcePos;
  version: VersionInfo;
  containerRuntime: Runtime;
  /** host:port */
  controlPlaneEndpoint: string;
  imageRepository: string;
  podSubnet: string;
  serviceSubnet: string;
  kubeProxyMode: KubeProxyMode;
  certSANs: string[];
  cni: { plugin: 'calico' } & AddonSpec;
  metricsServer: { enabled: boolean } & AddonSpec;
  /** cluster DNS domain, default cluster.local */
  dnsDomain: string;
}

export interface OsSettings {
  distro: Distro;
  timezone: string;
  ntpServers: string[];
  firewall: 'disable' | 'open-ports';
  selinux: 'disabled' | 'permissive';
  kernelUpgrade: boolean;
}

export interface Cluster {
  /** absolute path of the inventory file */
  file: string;
  cluster: ClusterSpec;
  mirrors: Mirrors;
  os: OsSettings;
  hosts: HostSpec[];
}

export const mastersOf = (c: Cluster): HostSpec[] => c.hosts.filter((h) => h.role === 'master');
export const workersOf = (c: Cluster): HostSpec[] => c.hosts.filter((h) => h.role === 'worker');
export const initMasterOf = (c: Cluster): HostSpec => {
  const m = c.hosts.find((h) => h.initMaster);
  if (!m) throw new Error('cluster has no init master');
  return m;
};
