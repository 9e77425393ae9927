/**
 * Mirror probing from the hosts themselves (what matters is what THEY reach): for every
 * candidate of every class the run needs, the repository metadata (repodata/repomd.xml) of a
 * package mirror, or the manifest of an image the run pulls from a registry. One exec per host,
 * the curls in parallel with a short timeout.
 */
import { kubernetesRepoFor } from '../inventory/mirrors.ts';
import type { Cluster, Mirrors } from '../inventory/model.ts';
import type { HostFacts } from '../phases/types.ts';
import { shq } from '../hosts/host.ts';

export type ProbedClass = 'centosVault' | 'epel' | 'rocky' | 'dockerCe' | 'kubernetes' | 'kubernetesLegacy' | 'elrepo' | 'images' | 'calicoImages';

/** How each class is named to the user (the keys of mirrors.yaml). */
export const CLASS_NAMES: Record<ProbedClass, string> = {
  centosVault: 'centos-vault', epel: 'epel', rocky: 'rocky', dockerCe: 'docker-ce', kubernetes: 'kubernetes',
  kubernetesLegacy: 'kubernetes-legacy', elrepo: 'elrepo', images: 'images', calicoImages: 'calico-images',
};

export interface Probe {
  cls: ProbedClass;
  /** the candidate as configured (what the choice keeps) */
  candidate: string;
  /** what is fetched */
  url: string;
  /** registries answer 401 to anonymous manifest requests: that is a live registry */
  registry: boolean;
}

const slash = (u: string): string => u.replace(/\/*$/, '/');

/** Variables yum fills in, for a host of this family. */
function yumVars(url: string, family: HostFacts['family']): string {
  return url.replace(/\$basearch/g, 'x86_64').replace(/\$releasever/g, family.slice(2));
}

/** docker.io's API lives on registry-1.docker.io; other registries answer on their own name. */
function manifestUrl(prefix: string, image: string, tag: string): string {
  const [host, ...path] = prefix.split('/');
  const api = host === 'docker.io' ? 'registry-1.docker.io' : host;
  const repo = [...path, image].join('/');
  return `https://${api}/v2/${host === 'docker.io' && path.length === 0 ? `library/${repo}` : repo}/manifests/${tag}`;
}

/** The candidates of each class a host of this family needs, with the URL that proves each. */
export function probesFor(cluster: Cluster, family: HostFacts['family']): Probe[] {
  const m: Mirrors = cluster.mirrors;
  const out: Probe[] = [];
  const pkg = (cls: ProbedClass, list: string[], sub: (u: string) => string): void => {
    for (const c of list) out.push({ cls, candidate: c, url: yumVars(sub(c), family), registry: false });
  };
  if (family === 'el7') {
    pkg('centosVault', m.centosVault, (u) => `${slash(u)}os/$basearch/repodata/repomd.xml`);
    if (cluster.os.kernelUpgrade) pkg('elrepo', m.elrepo, (u) => `${slash(u)}repodata/repomd.xml`);
  } else {
    pkg('rocky', m.rocky, (u) => `${slash(u)}BaseOS/$basearch/os/repodata/repomd.xml`);
  }
  // docker-ce's repo also carries containerd.io: every runtime needs it
  pkg('dockerCe', m.dockerCe, (u) => `${slash(u)}repodata/repomd.xml`);
  if (cluster.cluster.version.packageRepo === 'legacy-el7') pkg('kubernetesLegacy', m.kubernetesLegacy, (u) => `${slash(u)}repodata/repomd.xml`);
  else pkg('kubernetes', m.kubernetes, (u) => `${slash(kubernetesRepoFor(u, cluster.cluster.version.minor))}repodata/repomd.xml`);
  // registries: an image every node pulls (kube-proxy) and Calico's node image
  const imageCandidates = cluster.cluster.imageRepository === m.images[0] ? m.images : [cluster.cluster.imageRepository];
  for (const c of imageCandidates) out.push({ cls: 'images', candidate: c, url: manifestUrl(c, 'kube-proxy', `v${cluster.cluster.kubernetesVersion}`), registry: true });
  for (const c of m.calicoImages) out.push({ cls: 'calicoImages', candidate: c, url: manifestUrl(c, 'node', cluster.cluster.cni.version), registry: true });
  return out;
}

/** One script: every probe in parallel, one marker line each: index, curl's exit code, HTTP status. */
export function probeScript(probes: Probe[], nonce: string): string {
  const lines = probes.map(
    (p, i) =>
      `( c=$(curl -s -o /dev/null -w '%{http_code}' --connect-timeout 3 -m 5 ${p.registry ? "-H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' " : ''}${shq(p.url)} 2>/dev/null); echo "@@kf:${nonce} ${i} $? \${c:-000}" ) &`,
  );
  return [...lines, 'wait', 'exit 0', ''].join('\n');
}

export interface ProbeResult {
  probe: Probe;
  ok: boolean;
  /** why it was skipped (HTTP 403, timed out, could not resolve host...) */
  reason?: string;
}

const CURL_REASONS: Record<number, string> = { 6: 'could not resolve host', 7: 'could not connect', 28: 'timed out', 35: 'TLS handshake failed', 60: 'certificate not trusted' };

export function parseProbes(stdout: string, probes: Probe[], nonce: string): ProbeResult[] {
  const seen = new Map<number, { exit: number; status: number }>();
  for (const m of stdout.matchAll(new RegExp(`^@@kf:${nonce} (\\d+) (\\d+) (\\d+)$`, 'gm'))) seen.set(Number(m[1]), { exit: Number(m[2]), status: Number(m[3]) });
  return probes.map((probe, i) => {
    const r = seen.get(i);
    if (!r) return { probe, ok: false, reason: 'no answer from the probe' };
    if (r.exit !== 0) return { probe, ok: false, reason: CURL_REASONS[r.exit] ?? `curl exit ${r.exit}` };
    if (r.status === 200 || (probe.registry && r.status === 401)) return { probe, ok: true };
    if (probe.registry && r.status === 404) return { probe, ok: false, reason: 'HTTP 404 (manifest unknown: the tag is missing)' };
    return { probe, ok: false, reason: `HTTP ${r.status}` };
  });
}
