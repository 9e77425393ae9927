/**
 * /etc/docker/daemon.json as dockerd reads it: JSON with known directives only, the cgroup
 * driver from exec-opts, registry mirrors. Errors are dockerd's startup errors.
 */
import type { OsProfile } from '../api.ts';

export interface DockerConfig {
  cgroupDriver: 'systemd' | 'cgroupfs';
  registryMirrors: string[];
  insecureRegistries: string[];
  storageDriver: string;
  logDriver: string;
  dataRoot: string;
}

/** dockerd's configuration directives (daemon.json keys) of the 20.10 - 26.x lines. */
const KNOWN_KEYS = new Set([
  'allow-nondistributable-artifacts', 'api-cors-header', 'authorization-plugins', 'bip', 'bip6', 'bridge', 'builder',
  'cgroup-parent', 'cluster-advertise', 'cluster-store', 'cluster-store-opts', 'containerd', 'containerd-namespace',
  'containerd-plugin-namespace', 'cdi-spec-dirs', 'data-root', 'debug', 'default-address-pools', 'default-cgroupns-mode',
  'default-gateway', 'default-gateway-v6', 'default-ipc-mode', 'default-network-opts', 'default-runtime',
  'default-shm-size', 'default-ulimits', 'dns', 'dns-opts', 'dns-search', 'exec-opts', 'exec-root', 'experimental',
  'features', 'fixed-cidr', 'fixed-cidr-v6', 'group', 'hosts', 'host-gateway-ip', 'icc', 'init', 'init-path',
  'insecure-registries', 'ip', 'ip-forward', 'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'labels', 'live-restore',
  'log-driver', 'log-format', 'log-level', 'log-opts', 'max-concurrent-downloads', 'max-concurrent-uploads',
  'max-download-attempts', 'metrics-addr', 'mtu', 'no-new-privileges', 'node-generic-resources', 'oom-score-adjust',
  'pidfile', 'raw-logs', 'registry-mirrors', 'runtimes', 'seccomp-profile', 'selinux-enabled', 'shutdown-timeout',
  'storage-driver', 'storage-opts', 'swarm-default-advertise-addr', 'tls', 'tlscacert', 'tlscert', 'tlskey',
  'tlsverify', 'userland-proxy', 'userland-proxy-path', 'userns-remap', 'proxies',
]);

/** Go's encoding/json wording for the first syntax error, found from JSON.parse's position. */
export function goJsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    if (!m || /end of (JSON|data) input/i.test(msg)) return 'unexpected end of JSON input';
    const pos = Number(m[1]);
    if (pos >= text.length) return 'unexpected end of JSON input';
    const ch = text[pos];
    let prev = pos - 1;
    while (prev >= 0 && /\s/.test(text[prev])) prev--;
    const p = prev >= 0 ? text[prev] : '';
    const shown = ch === "'" ? "'\\''" : `'${ch}'`;
    if (p === ',' && ch === '}') return `invalid character '}' looking for beginning of object key string`;
    if (p === '{' || p === ',') {
      // inside an object after { or , only a key may follow (arrays would have been fine)
      let depth = 0;
      for (let i = prev; i >= 0; i--) {
        const c = text[i];
        if (c === '}' || c === ']') depth++;
        if (c === '{' || c === '[') {
          if (depth === 0) {
            if (c === '{') return `invalid character ${shown} looking for beginning of object key string`;
            break;
          }
          depth--;
        }
      }
      return `invalid character ${shown} looking for beginning of value`;
    }
    if (p === ':' || p === '[') return `invalid character ${shown} looking for beginning of value`;
    if (p === '"' || /[0-9a-z\]}]/.test(p)) {
      // after a complete value inside an object or array
      return `invalid character ${shown} after object key:value pair`;
    }
    return `invalid character ${shown} looking for beginning of value`;
  }
}

export function parseDockerConfig(text: string | undefined, os: OsProfile): { config?: DockerConfig; error?: string } {
  const file = '/etc/docker/daemon.json';
  // cgroup v2 hosts (EL9) default to the systemd driver, cgroup v1 (EL7) to cgroupfs
  const config: DockerConfig = {
    cgroupDriver: os === 'rocky9' ? 'systemd' : 'cgroupfs',
    registryMirrors: [],
    insecureRegistries: [],
    storageDriver: 'overlay2',
    logDriver: 'json-file',
    dataRoot: '/var/lib/docker',
  };
  if (text === undefined) return { config };
  const prefix = `unable to configure the Docker daemon with file ${file}: `;
  const jsonErr = goJsonError(text);
  if (jsonErr) return { error: prefix + jsonErr };
  const obj: unknown = JSON.parse(text);
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { error: prefix + `json: cannot unmarshal ${Array.isArray(obj) ? 'array' : typeof obj} into Go value of type map[string]interface {}` };
  }
  const rec = obj as Record<string, unknown>;
  const unknown = Object.keys(rec).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) return { error: prefix + `the following directives don't match any configuration option: ${unknown.join(', ')}` };
  const strList = (k: string): string[] | { error: string } => {
    const v = rec[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      return { error: prefix + `json: cannot unmarshal ${Array.isArray(v) ? 'number' : typeof v} into Go struct field Config.${k} of type []string` };
    }
    return v as string[];
  };
  const execOpts = strList('exec-opts');
  if ('error' in execOpts) return { error: execOpts.error };
  for (const o of execOpts) {
    const m = /^native\.cgroupdriver=(.*)$/.exec(o);
    if (!m) continue;
    if (m[1] !== 'systemd' && m[1] !== 'cgroupfs') return { error: `native.cgroupdriver option ${m[1]} not supported` };
    config.cgroupDriver = m[1];
  }
  const mirrors = strList('registry-mirrors');
  if ('error' in mirrors) return { error: mirrors.error };
  for (const m of mirrors) {
    if (!/^https?:\/\/[^/]+\/?$/.test(m)) return { error: prefix + `invalid mirror: path, query, or fragment at end of the URI "${m}"` };
  }
  config.registryMirrors = mirrors;
  const insecure = strList('insecure-registries');
  if ('error' in insecure) return { error: insecure.error };
  config.insecureRegistries = insecure;
  if (typeof rec['storage-driver'] === 'string') config.storageDriver = rec['storage-driver'];
  if (typeof rec['log-driver'] === 'string') config.logDriver = rec['log-driver'];
  if (typeof rec['data-root'] === 'string') config.dataRoot = rec['data-root'];
  if (config.storageDriver !== 'overlay2' && config.storageDriver !== 'overlay' && config.storageDriver !== 'devicemapper') {
    return { error: `error initializing graphdriver: driver not supported: ${config.storageDriver}` };
  }
  return { config };
}
