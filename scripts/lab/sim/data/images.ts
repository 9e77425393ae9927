/**
 * Container registries and the images they hold, as the lab sees them: which registries a
 * host can reach (per LabOptions.registryView and LabFaults), which repositories and tags
 * exist (control plane per Kubernetes version, Calico, metrics-server), and the exact error
 * a runtime prints when a pull cannot succeed.
 */
import type { LabFaults, LabOptions } from '../api.ts';

/** kubeadm's default image versions per Kubernetes release (constants.go of each release). */
export interface KubeImageSet {
  pause: string;
  etcd: string;
  coredns: string;
}

/** Highest patch release per minor (the rpm table may hold fewer; these tags exist upstream). */
export const MAX_PATCH: Record<number, number> = {
  23: 17, 24: 17, 25: 16, 26: 15, 27: 16, 28: 15, 29: 15, 30: 14, 31: 14, 32: 10, 33: 6, 34: 2, 35: 0,
};
export const NEWEST_MINOR = 35;

/** [first patch, etcd tag] steps per minor, as kubeadm bumped etcd in patch releases. */
const ETCD_STEPS: Record<number, [number, string][]> = {
  23: [[0, '3.5.1-0'], [15, '3.5.6-0']],
  24: [[0, '3.5.3-0'], [9, '3.5.6-0']],
  25: [[0, '3.5.4-0'], [5, '3.5.6-0'], [15, '3.5.9-0']],
  26: [[0, '3.5.6-0'], [10, '3.5.9-0'], [13, '3.5.10-0']],
  27: [[0, '3.5.7-0'], [7, '3.5.9-0'], [10, '3.5.10-0'], [12, '3.5.12-0']],
  28: [[0, '3.5.9-0'], [6, '3.5.10-0'], [8, '3.5.12-0'], [14, '3.5.15-0']],
  29: [[0, '3.5.10-0'], [3, '3.5.12-0'], [9, '3.5.15-0']],
  30: [[0, '3.5.12-0'], [5, '3.5.15-0']],
  31: [[0, '3.5.15-0'], [6, '3.5.16-0']],
  32: [[0, '3.5.16-0'], [4, '3.5.21-0']],
  33: [[0, '3.5.21-0']],
  34: [[0, '3.6.4-0']],
  35: [[0, '3.6.5-0']],
};
const COREDNS_STEPS: Record<number, [number, string][]> = {
  23: [[0, 'v1.8.6']], 24: [[0, 'v1.8.6']], 25: [[0, 'v1.9.3']], 26: [[0, 'v1.9.3']],
  27: [[0, 'v1.10.1']], 28: [[0, 'v1.10.1']], 29: [[0, 'v1.11.1']], 30: [[0, 'v1.11.1'], [5, 'v1.11.3']],
  31: [[0, 'v1.11.1'], [1, 'v1.11.3']], 32: [[0, 'v1.11.3']], 33: [[0, 'v1.12.0']], 34: [[0, 'v1.12.1']],
  35: [[0, 'v1.13.1']],
};
const PAUSE: Record<number, string> = {
  23: '3.6', 24: '3.7', 25: '3.8', 26: '3.9', 27: '3.9', 28: '3.9', 29: '3.9', 30: '3.9', 31: '3.10', 32: '3.10',
  33: '3.10', 34: '3.10.1', 35: '3.10.1',
};

export function parseKubeVersion(v: string): { major: number; minor: number; patch: number } | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

const step = (steps: [number, string][], patch: number): string =>
  steps.filter(([p]) => p <= patch).at(-1)?.[1] ?? steps[0][1];

/** The pause/etcd/coredns tags kubeadm of version `v` uses (undefined outside 1.23..newest). */
export function kubeImageSet(v: string): KubeImageSet | undefined {
  const p = parseKubeVersion(v);
  if (!p || p.major !== 1 || !ETCD_STEPS[p.minor]) return undefined;
  return { pause: PAUSE[p.minor], etcd: step(ETCD_STEPS[p.minor], p.patch), coredns: step(COREDNS_STEPS[p.minor], p.patch) };
}

/** Every Kubernetes release whose images exist (1.23.0 .. newest). */
export function kubeReleases(): string[] {
  const out: string[] = [];
  for (const [minor, max] of Object.entries(MAX_PATCH)) for (let p = 0; p <= max; p++) out.push(`1.${minor}.${p}`);
  return out;
}

/** Calico releases whose images exist (on docker.io and quay.io). */
export const CALICO_VERSIONS: string[] = [
  ...[0, 1, 2, 3, 4, 5].map((p) => `v3.23.${p}`),
  ...[0, 1, 2, 3, 4, 5, 6].map((p) => `v3.24.${p}`),
  ...[0, 1, 2].map((p) => `v3.25.${p}`),
  ...[0, 1, 3, 4, 5].map((p) => `v3.26.${p}`),
  ...[0, 2, 3, 4, 5].map((p) => `v3.27.${p}`),
  ...[0, 1, 2, 3, 4, 5].map((p) => `v3.28.${p}`),
  ...[0, 1, 2, 3, 4, 5, 6].map((p) => `v3.29.${p}`),
  ...[0, 1, 2, 3, 4].map((p) => `v3.30.${p}`),
  ...[0, 1, 2].map((p) => `v3.31.${p}`),
];
/** pod2daemon-flexvol was dropped from the manifests after 3.28 but the image is published up to there. */
const CALICO_IMAGES = ['node', 'cni', 'kube-controllers', 'typha', 'apiserver', 'csi', 'node-driver-registrar'];
const hasFlexvol = (v: string): boolean => {
  const m = /^v3\.(\d+)\./.exec(v);
  return m !== null && Number(m[1]) <= 28;
};

export const METRICS_SERVER_VERSIONS = ['v0.5.2', 'v0.6.1', 'v0.6.2', 'v0.6.3', 'v0.6.4', 'v0.7.0', 'v0.7.1', 'v0.7.2', 'v0.8.0'];

/** A few plain images scripts pull to test a runtime. */
const LIBRARY: Record<string, string[]> = {
  'library/busybox': ['latest', '1.36', '1.35', '1.28'],
  'library/nginx': ['latest', '1.25', '1.27', 'alpine'],
  'library/hello-world': ['latest'],
  'library/alpine': ['latest', '3.18', '3.19', '3.20'],
};

/** registry host -> what it is (upstream or a mirror of one, and the path layout). */
type RegistryKind = 'k8s' | 'k8s-frozen' | 'aliyun-gc' | 'docker' | 'quay' | 'ghcr';
interface RegistryInfo {
  kind: RegistryKind;
  /** reachable in the 'cn' view (all known registries are reachable in 'global') */
  cn: boolean;
  /** for unreachable registries: the address a dial error names */
  ip: string;
  /** the host the v2 API is asked at (docker.io -> registry-1.docker.io) */
  apiHost?: string;
}
export const REGISTRIES: Record<string, RegistryInfo> = {
  'registry.k8s.io': { kind: 'k8s', cn: false, ip: '34.96.108.209' },
  'k8s.gcr.io': { kind: 'k8s-frozen', cn: false, ip: '142.250.157.82' },
  'docker.io': { kind: 'docker', cn: false, ip: '199.59.148.202', apiHost: 'registry-1.docker.io' },
  'quay.io': { kind: 'quay', cn: false, ip: '52.0.232.252' },
  'ghcr.io': { kind: 'ghcr', cn: false, ip: '140.82.112.33' },
  'registry.cn-hangzhou.aliyuncs.com': { kind: 'aliyun-gc', cn: true, ip: '120.55.105.209' },
  'registry.aliyuncs.com': { kind: 'aliyun-gc', cn: true, ip: '120.55.105.209' },
  'k8s.m.daocloud.io': { kind: 'k8s', cn: true, ip: '101.33.33.3' },
  'docker.m.daocloud.io': { kind: 'docker', cn: true, ip: '101.33.33.3' },
  'quay.m.daocloud.io': { kind: 'quay', cn: true, ip: '101.33.33.3' },
  'ghcr.m.daocloud.io': { kind: 'ghcr', cn: true, ip: '101.33.33.3' },
};

/** Releases published before k8s.gcr.io was frozen (2023-04): the old registry has no later tags. */
const FROZEN_MAX: Record<number, number> = { 23: 17, 24: 12, 25: 8, 26: 3, 27: 0 };

export interface ImageRef {
  /** registry host as written or defaulted (docker.io) */
  registry: string;
  /** repository path inside the registry (docker.io single names get library/) */
  repository: string;
  tag?: string;
  digest?: string;
  /** canonical form: registry/repository:tag (or @digest) */
  full: string;
  /** how docker shows it (docker.io and library/ dropped) */
  familiar: string;
}

/** Parse an image reference like docker/containerd do (docker.io default, library/, :latest). */
export function parseImageRef(ref: string): ImageRef | undefined {
  const s = ref.trim();
  if (!s || /[A-Z\s]/.test(s.split('@')[0].split(':')[0])) return undefined;
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift() as string;
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  let repository = parts.join('/');
  if (!repository || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repository)) return undefined;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!tag && !digest) tag = 'latest';
  const suffix = digest ? `@${digest}` : `:${tag}`;
  const full = `${registry}/${repository}${tag && digest ? `:${tag}` : ''}${suffix}`;
  let familiar = full;
  if (registry === 'docker.io') familiar = `${repository.replace(/^library\//, '')}${tag && digest ? `:${tag}` : ''}${suffix}`;
  return { registry, repository, tag, digest, full, familiar };
}

/** Tags that exist for a repository path in a registry of a given kind. */
function tagsOf(kind: RegistryKind, repo: string): string[] | undefined {
  const kube = (max: Record<number, number>) =>
    Object.entries(max).flatMap(([minor, m]) => Array.from({ length: m + 1 }, (_, p) => `v1.${minor}.${p}`));
  const allPause = [...new Set(['3.1', '3.2', '3.4.1', '3.5', ...Object.values(PAUSE)])];
  const allEtcd = [...new Set(['3.4.13-0', ...Object.values(ETCD_STEPS).flat().map(([, t]) => t)])];
  const allCoredns = [...new Set(['v1.8.0', 'v1.8.4', ...Object.values(COREDNS_STEPS).flat().map(([, t]) => t)])];
  const controlPlane = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'];
  const calicoTags = (name: string): string[] | undefined => {
    const m = /^calico\/(.+)$/.exec(repo);
    if (!m) return undefined;
    if (m[1] === 'pod2daemon-flexvol') return CALICO_VERSIONS.filter(hasFlexvol);
    return CALICO_IMAGES.includes(m[1]) ? CALICO_VERSIONS : undefined;
  };
  switch (kind) {
    case 'k8s':
    case 'k8s-frozen': {
      const max = kind === 'k8s' ? MAX_PATCH : FROZEN_MAX;
      if (controlPlane.includes(repo)) return kube(max);
      if (repo === 'pause') return allPause;
      if (repo === 'etcd') return allEtcd;
      // upstream keeps coredns one level deeper (coredns/coredns) since 1.21
      if (repo === 'coredns/coredns') return allCoredns;
      if (repo === 'metrics-server/metrics-server') return METRICS_SERVER_VERSIONS;
      return undefined;
    }
    case 'aliyun-gc': {
      const m = /^google_containers\/(.+)$/.exec(repo);
      if (!m) return undefined;
      const name = m[1];
      if (controlPlane.includes(name)) return kube(MAX_PATCH);
      if (name === 'pause') return allPause;
      if (name === 'etcd') return allEtcd;
      // the mirror is flat: google_containers/coredns:v1.8.6, there is no google_containers/coredns/coredns
      if (name === 'coredns') return allCoredns;
      if (name === 'metrics-server') return METRICS_SERVER_VERSIONS;
      return undefined;
    }
    case 'docker':
      return calicoTags(repo) ?? LIBRARY[repo];
    case 'quay':
      return calicoTags(repo);
    case 'ghcr':
      return undefined;
  }
}

export type PullCheck =
  | { ok: true; ref: ImageRef; digest: string }
  | { ok: false; ref: ImageRef | undefined; reason: 'invalid' | 'dns' | 'timeout' | 'not-found' | 'denied'; registry: string; ip?: string };

const matchesDown = (down: string[], ref: ImageRef): boolean =>
  down.some((d) => {
    const x = d.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    return x === ref.registry || `${ref.registry}/${ref.repository}`.startsWith(x + '/') || `${ref.registry}/${ref.repository}` === x;
  });

/** A stable fake digest per image (what `docker images --digests` would show). */
export function imageDigest(full: string): string {
  let h1 = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 8; round++) {
    for (const c of `${round}:${full}`) h1 = Math.imul(h1 ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h1.toString(16).padStart(8, '0');
  }
  return `sha256:${out}`;
}

/** Can this image be pulled from a lab host now? */
export function checkPull(ref: string, options: LabOptions, faults: LabFaults): PullCheck {
  const r = parseImageRef(ref);
  if (!r) return { ok: false, ref: undefined, reason: 'invalid', registry: '' };
  const info = REGISTRIES[r.registry];
  if (!info) return { ok: false, ref: r, reason: 'dns', registry: r.registry };
  const view = options.registryView ?? 'cn';
  if ((view === 'cn' && !info.cn) || matchesDown(faults.registriesDown, r)) {
    return { ok: false, ref: r, reason: 'timeout', registry: r.registry, ip: info.ip };
  }
  const missing = faults.missingTags.some((m) => {
    const p = parseImageRef(m);
    return p !== undefined && p.full === r.full;
  });
  const tags = tagsOf(info.kind, r.repository);
  if (!tags) return { ok: false, ref: r, reason: info.kind === 'docker' || info.kind === 'aliyun-gc' ? 'denied' : 'not-found', registry: r.registry };
  if (missing) return { ok: false, ref: r, reason: 'not-found', registry: r.registry };
  if (r.digest) return { ok: true, ref: r, digest: r.digest };
  if (!r.tag || !tags.includes(r.tag)) return { ok: false, ref: r, reason: 'not-found', registry: r.registry };
  return { ok: true, ref: r, digest: imageDigest(r.full) };
}

const apiHost = (registry: string): string => REGISTRIES[registry]?.apiHost ?? registry;
const manifestUrl = (r: ImageRef): string => `https://${apiHost(r.registry)}/v2/${r.repository}/manifests/${r.digest ?? r.tag}`;
const dnsError = (host: string): string => `dial tcp: lookup ${host} on 127.0.0.1:53: read udp 127.0.0.1:41384->127.0.0.1:53: read: connection refused`;

/** `docker pull X` failing (the daemon's message, as the CLI prints it). */
export function dockerPullError(c: Extract<PullCheck, { ok: false }>, asTyped: string): string {
  const r = c.ref;
  if (!r) return `invalid reference format`;
  const host = apiHost(r.registry);
  switch (c.reason) {
    case 'invalid':
      return 'invalid reference format';
    case 'dns':
      return `Error response from daemon: Get "https://${host}/v2/": ${dnsError(host)}`;
    case 'timeout':
      return `Error response from daemon: Get "https://${host}/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`;
    case 'denied':
      return `Error response from daemon: pull access denied for ${r.familiar.replace(/[:@].*$/, '')}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
    case 'not-found':
      return `Error response from daemon: manifest for ${asTyped.includes(':') || asTyped.includes('@') ? asTyped : `${asTyped}:latest`} not found: manifest unknown: manifest unknown`;
  }
}

/** containerd's resolver error (ctr, crictl and the CRI all wrap this text). */
export function containerdResolveError(c: Extract<PullCheck, { ok: false }>): string {
  const r = c.ref;
  if (!r) return 'invalid reference format';
  const ref = r.full;
  const host = apiHost(r.registry);
  switch (c.reason) {
    case 'invalid':
      return `failed to resolve reference "${ref}": invalid reference format`;
    case 'dns':
      return `failed to resolve reference "${ref}": failed to do request: Head "${manifestUrl(r)}": ${dnsError(host)}`;
    case 'timeout':
      return `failed to resolve reference "${ref}": failed to do request: Head "${manifestUrl(r)}": dial tcp ${c.ip ?? '0.0.0.0'}:443: i/o timeout`;
    case 'denied':
      return `failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
    case 'not-found':
      return `failed to resolve reference "${ref}": ${ref}: not found`;
  }
}

/** What the CRI (containerd) answers to a PullImage that fails: crictl and the kubelet show it. */
export function criPullError(c: Extract<PullCheck, { ok: false }>): string {
  const ref = c.ref?.full ?? '';
  const code = c.reason === 'not-found' ? 'NotFound' : 'Unknown';
  return `rpc error: code = ${code} desc = failed to pull and unpack image "${ref}": ${containerdResolveError(c)}`;
}

/**
 * The lab's answer to registry v2 probes (curl https://REG/v2/NAME/manifests/TAG), used as a
 * registerHttp handler: 200 with a manifest, 404 MANIFEST_UNKNOWN, or a network error.
 */
export function registryHttp(url: URL, options: LabOptions, faults: LabFaults): import('../registry.ts').HttpAnswer | undefined {
  const byApi = Object.entries(REGISTRIES).find(([name, info]) => name === url.hostname || info.apiHost === url.hostname);
  if (!byApi) return undefined;
  const [registry, info] = byApi;
  const view = options.registryView ?? 'cn';
  const down = faults.registriesDown.some((d) => d.replace(/^https?:\/\//, '').split('/')[0] === registry);
  if ((view === 'cn' && !info.cn) || down) return { status: 0, body: '', error: 'timeout' };
  if (url.pathname === '/v2/' || url.pathname === '/v2') {
    return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}\n', headers: { 'content-type': 'application/json' } };
  }
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
  if (!m) return { status: 404, body: '404 page not found\n' };
  const ref = m[2].startsWith('sha256:') ? `${registry}/${m[1]}@${m[2]}` : `${registry}/${m[1]}:${m[2]}`;
  const c = checkPull(ref, options, faults);
  if (c.ok) {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: imageDigest(`${c.ref.full}#amd64`), size: 527, platform: { architecture: 'amd64', os: 'linux' } }],
    });
    return { status: 200, body, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.list.v2+json', 'docker-content-digest': c.digest } };
  }
  if (c.reason === 'denied') {
    return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Class":"","Name":"' + m[1] + '","Action":"pull"}]}]}\n', headers: { 'content-type': 'application/json' } };
  }
  return { status: 404, body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"${m[2]}"}}]}\n`, headers: { 'content-type': 'application/json' } };
}
