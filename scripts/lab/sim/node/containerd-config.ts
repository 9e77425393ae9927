/**
 * /etc/containerd/config.toml as containerd reads it (config versions 1, 2 and 3): whether the
 * CRI plugin is enabled, the runc cgroup driver (SystemdCgroup), the sandbox (pause) image and
 * registry mirrors; plus `containerd config default` per containerd release.
 */
import { parseToml, TomlError, tomlGet, type TomlTable, type TomlValue } from './toml.ts';

export interface ContainerdConfig {
  version: number;
  criEnabled: boolean;
  systemdCgroup: boolean;
  sandboxImage: string;
  /** registry host -> mirror endpoints (registry.mirrors or config_path hosts.toml) */
  mirrors: Record<string, string[]>;
  configPath?: string;
}

export const containerdMajor = (version: string): number => Number(version.split('.')[0] || '1');

/** The pause image containerd uses when the config names none. */
export function defaultSandboxImage(containerdVersion: string): string {
  const [maj, min] = containerdVersion.split('.').map(Number);
  if (maj >= 2) return 'registry.k8s.io/pause:3.10';
  if (min >= 7) return 'registry.k8s.io/pause:3.8';
  if (min === 6) return 'registry.k8s.io/pause:3.6';
  return 'k8s.gcr.io/pause:3.5';
}

const isTable = (v: TomlValue | undefined): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseContainerdConfig(text: string | undefined, containerdVersion: string): { config?: ContainerdConfig; error?: string } {
  const file = '/etc/containerd/config.toml';
  const config: ContainerdConfig = {
    version: containerdMajor(containerdVersion) >= 2 ? 3 : 2,
    criEnabled: true,
    systemdCgroup: false,
    sandboxImage: defaultSandboxImage(containerdVersion),
    mirrors: {},
  };
  if (text === undefined) return { config };
  let t: TomlTable;
  try {
    t = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) return { error: `failed to load TOML: ${file}: ${e.message}` };
    throw e;
  }
  const version = typeof t.version === 'number' ? t.version : 1;
  config.version = version;
  if (version > 3 || (version === 3 && containerdMajor(containerdVersion) < 2)) {
    return { error: `failed to load TOML from ${file}: unsupported config version \`${version}\`` };
  }
  const disabled = Array.isArray(t.disabled_plugins) ? t.disabled_plugins.map(String) : [];
  const criIds = version === 1 ? ['cri', 'io.containerd.grpc.v1.cri'] : version === 2 ? ['io.containerd.grpc.v1.cri', 'cri'] : ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime'];
  config.criEnabled = !disabled.some((d) => criIds.includes(d));
  const plugins = isTable(t.plugins) ? t.plugins : {};
  if (version >= 2) {
    for (const k of Object.keys(plugins)) {
      if (!/^io\.containerd\.[\w.-]+\.v\d+\./.test(k + '.') && !/^io\.containerd\.[\w-]+\.v\d+\.[\w.-]+$/.test(k)) {
        return { error: `failed to load TOML from ${file}: invalid plugin key URI "${k}" expect io.containerd.x.vx` };
      }
    }
  }
  let cri: TomlValue | undefined;
  let runcOpts: TomlValue | undefined;
  let sandbox: TomlValue | undefined;
  if (version === 1) {
    cri = plugins.cri;
    runcOpts = tomlGet(plugins, ['cri', 'containerd', 'runtimes', 'runc', 'options']);
    sandbox = tomlGet(plugins, ['cri', 'sandbox_image']);
  } else if (version === 2) {
    cri = plugins['io.containerd.grpc.v1.cri'];
    runcOpts = tomlGet(plugins, ['io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options']);
    sandbox = tomlGet(plugins, ['io.containerd.grpc.v1.cri', 'sandbox_image']);
  } else {
    cri = plugins['io.containerd.cri.v1.images'];
    runcOpts = tomlGet(plugins, ['io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc', 'options']);
    sandbox = tomlGet(plugins, ['io.containerd.cri.v1.images', 'pinned_images', 'sandbox']);
  }
  if (sandbox !== undefined) {
    if (typeof sandbox !== 'string') return { error: `failed to load TOML from ${file}: sandbox_image must be a string` };
    config.sandboxImage = sandbox;
  }
  if (isTable(runcOpts) && runcOpts.SystemdCgroup !== undefined) {
    if (typeof runcOpts.SystemdCgroup !== 'boolean') {
      return { error: `failed to load TOML from ${file}: SystemdCgroup: cannot decode TOML ${typeof runcOpts.SystemdCgroup} into Go value of type bool` };
    }
    config.systemdCgroup = runcOpts.SystemdCgroup;
  }
  const registry = version === 3 ? tomlGet(plugins, ['io.containerd.cri.v1.images', 'registry']) : isTable(cri) ? cri.registry : undefined;
  if (isTable(registry)) {
    if (typeof registry.config_path === 'string') config.configPath = registry.config_path;
    if (isTable(registry.mirrors)) {
      for (const [host, m] of Object.entries(registry.mirrors)) {
        if (isTable(m) && Array.isArray(m.endpoint)) config.mirrors[host] = m.endpoint.map(String);
      }
    }
  }
  return { config };
}

/** Mirrors from a certs.d/<host>/hosts.toml (config_path style). */
export function parseHostsToml(text: string): string[] {
  try {
    const t = parseToml(text);
    const hosts = isTable(t.host) ? Object.keys(t.host) : [];
    const server = typeof t.server === 'string' ? [t.server] : [];
    return [...hosts, ...server];
  } catch {
    return [];
  }
}

/** `containerd config default` as printed by the given release. */
export function defaultConfigText(containerdVersion: string): string {
  const sandbox = defaultSandboxImage(containerdVersion);
  if (containerdMajor(containerdVersion) >= 2) {
    return `version = 3
root = '/var/lib/containerd'
state = '/run/containerd'
temp = ''
plugin_dir = ''
disabled_plugins = []
required_plugins = []
oom_score = 0
imports = []

[grpc]
  address = '/run/containerd/containerd.sock'
  tcp_address = ''
  tcp_tls_ca = ''
  tcp_tls_cert = ''
  tcp_tls_key = ''
  uid = 0
  gid = 0
  max_recv_message_size = 16777216
  max_send_message_size = 16777216

[ttrpc]
  address = ''
  uid = 0
  gid = 0

[debug]
  address = ''
  uid = 0
  gid = 0
  level = ''
  format = ''

[metrics]
  address = ''
  grpc_histogram = false

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    disable_snapshot_annotations = true
    discard_unpacked_layers = false
    max_concurrent_downloads = 3
    image_pull_progress_timeout = '5m0s'
    image_pull_with_sync_fs = false
    stats_collect_period = 10

    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '${sandbox}'

    [plugins.'io.containerd.cri.v1.images'.registry]
      config_path = ''

    [plugins.'io.containerd.cri.v1.images'.image_decryption]
      key_model = 'node'

  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
    selinux_category_range = 1024
    max_container_log_line_size = 16384
    disable_apparmor = false
    restrict_oom_score_adj = false
    disable_proc_mount = false
    unset_seccomp_profile = ''
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true
    device_ownership_from_security_context = false
    ignore_image_defined_volumes = false
    netns_mounts_under_state_dir = false
    enable_unprivileged_ports = true
    enable_unprivileged_icmp = true
    enable_cdi = true
    cdi_spec_dirs = ['/etc/cdi', '/var/run/cdi']
    drain_exec_sync_io_timeout = '0s'
    ignore_deprecation_warnings = []

    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      ignore_blockio_not_enabled_errors = false
      ignore_rdt_not_enabled_errors = false

      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'
          runtime_path = ''
          pod_annotations = []
          container_annotations = []
          privileged_without_host_devices = false
          privileged_without_host_devices_all_devices_allowed = false
          base_runtime_spec = ''
          cni_conf_dir = ''
          cni_max_conf_num = 0
          snapshotter = ''
          sandboxer = 'podsandbox'
          io_type = ''

          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
            BinaryName = ''
            CriuImagePath = ''
            CriuWorkPath = ''
            IoGid = 0
            IoUid = 0
            NoNewKeyring = false
            Root = ''
            ShimCgroup = ''
            SystemdCgroup = false

    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dir = '/opt/cni/bin'
      conf_dir = '/etc/cni/net.d'
      max_conf_num = 1
      setup_serially = false
      conf_template = ''
      ip_pref = ''
      use_internal_loopback = false

  [plugins.'io.containerd.grpc.v1.cri']
    disable_tcp_service = true
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'
    stream_idle_timeout = '4h0m0s'
    enable_tls_streaming = false
`;
  }
  return `disabled_plugins = []
imports = []
oom_score = 0
plugin_dir = ""
required_plugins = []
root = "/var/lib/containerd"
state = "/run/containerd"
temp = ""
version = 2

[cgroup]
  path = ""

[debug]
  address = ""
  format = ""
  gid = 0
  level = ""
  uid = 0

[grpc]
  address = "/run/containerd/containerd.sock"
  gid = 0
  max_recv_message_size = 16777216
  max_send_message_size = 16777216
  tcp_address = ""
  tcp_tls_ca = ""
  tcp_tls_cert = ""
  tcp_tls_key = ""
  uid = 0

[metrics]
  address = ""
  grpc_histogram = false

[plugins]

  [plugins."io.containerd.gc.v1.scheduler"]
    deletion_threshold = 0
    mutation_threshold = 100
    pause_threshold = 0.02
    schedule_delay = "0s"
    startup_delay = "100ms"

  [plugins."io.containerd.grpc.v1.cri"]
    device_ownership_from_security_context = false
    disable_apparmor = false
    disable_cgroup = false
    disable_hugetlb_controller = true
    disable_proc_mount = false
    disable_tcp_service = true
    enable_selinux = false
    enable_tls_streaming = false
    enable_unprivileged_icmp = false
    enable_unprivileged_ports = false
    ignore_image_defined_volumes = false
    max_concurrent_downloads = 3
    max_container_log_line_size = 16384
    netns_mounts_under_state_dir = false
    restrict_oom_score_adj = false
    sandbox_image = "${sandbox}"
    selinux_category_range = 1024
    stats_collect_period = 10
    stream_idle_timeout = "4h0m0s"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    systemd_cgroup = false
    tolerate_missing_hugetlb_controller = true
    unset_seccomp_profile = ""

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/opt/cni/bin"
      conf_dir = "/etc/cni/net.d"
      conf_template = ""
      ip_pref = ""
      max_conf_num = 1

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      disable_snapshot_annotations = true
      discard_unpacked_layers = false
      ignore_rdt_not_enabled_errors = false
      no_pivot = false
      snapshotter = "overlayfs"

      [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime]
        base_runtime_spec = ""
        cni_conf_dir = ""
        cni_max_conf_num = 0
        container_annotations = []
        pod_annotations = []
        privileged_without_host_devices = false
        runtime_engine = ""
        runtime_path = ""
        runtime_root = ""
        runtime_type = ""

        [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime.options]

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          base_runtime_spec = ""
          cni_conf_dir = ""
          cni_max_conf_num = 0
          container_annotations = []
          pod_annotations = []
          privileged_without_host_devices = false
          runtime_engine = ""
          runtime_path = ""
          runtime_root = ""
          runtime_type = "io.containerd.runc.v2"

          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            BinaryName = ""
            CriuImagePath = ""
            CriuPath = ""
            CriuWorkPath = ""
            IoGid = 0
            IoUid = 0
            NoNewKeyring = false
            NoPivotRoot = false
            Root = ""
            ShimCgroup = ""
            SystemdCgroup = false

      [plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime]
        base_runtime_spec = ""
        cni_conf_dir = ""
        cni_max_conf_num = 0
        container_annotations = []
        pod_annotations = []
        privileged_without_host_devices = false
        runtime_engine = ""
        runtime_path = ""
        runtime_root = ""
        runtime_type = ""

        [plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime.options]

    [plugins."io.containerd.grpc.v1.cri".image_decryption]
      key_model = "node"

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""

      [plugins."io.containerd.grpc.v1.cri".registry.auths]

      [plugins."io.containerd.grpc.v1.cri".registry.configs]

      [plugins."io.containerd.grpc.v1.cri".registry.headers]

      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]

    [plugins."io.containerd.grpc.v1.cri".x509_key_pair_streaming]
      tls_cert_file = ""
      tls_key_file = ""

  [plugins."io.containerd.internal.v1.opt"]
    path = "/opt/containerd"

  [plugins."io.containerd.internal.v1.restart"]
    interval = "10s"

  [plugins."io.containerd.runtime.v1.linux"]
    no_shim = false
    runtime = "runc"
    runtime_root = ""
    shim = "containerd-shim"
    shim_debug = false

  [plugins."io.containerd.runtime.v2.task"]
    platforms = ["linux/amd64"]
    sched_core = false

  [plugins."io.containerd.service.v1.diff-service"]
    default = ["walking"]

  [plugins."io.containerd.snapshotter.v1.overlayfs"]
    root_path = ""
    upperdir_label = false

[proxy_plugins]

[stream_processors]

[timeouts]
  "io.containerd.timeout.bolt.open" = "0s"
  "io.containerd.timeout.shim.cleanup" = "5s"
  "io.containerd.timeout.shim.load" = "5s"
  "io.containerd.timeout.shim.shutdown" = "3s"
  "io.containerd.timeout.task.state" = "2s"

[ttrpc]
  address = ""
  gid = 0
  uid = 0
`;
}

/** The config.toml the containerd.io rpm ships (CRI disabled: kubeadm users must replace it). */
export const STOCK_RPM_CONFIG = `#   Copyright 2018-2022 Docker Inc.

#   Licensed under the Apache License, Version 2.0 (the "License");
#   you may not use this file except in compliance with the License.
#   You may obtain a copy of the License at

#       http://www.apache.org/licenses/LICENSE-2.0

#   Unless required by applicable law or agreed to in writing, software
#   distributed under the License is distributed on an "AS IS" BASIS,
#   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#   See the License for the specific language governing permissions and
#   limitations under the License.

disabled_plugins = ["cri"]

#root = "/var/lib/containerd"
#state = "/run/containerd"
#subreaper = true
#oom_score = 0

#[grpc]
#  address = "/run/containerd/containerd.sock"
#  uid = 0
#  gid = 0

#[debug]
#  address = "/run/containerd/debug.sock"
#  uid = 0
#  gid = 0
#  level = "info"
`;
