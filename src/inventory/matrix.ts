/**
 * The version matrix (data/version-matrix.yaml), typed: what each Kubernetes minor needs.
 * Loaded once, validated with zod so a bad edit of the data file fails loudly.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { dataFile } from '../package-root.ts';
import type { Distro, KubeadmApi, Runtime, VersionInfo } from './model.ts';

const minorKey = z.string().regex(/^1\.\d+$/);
const vTag = z.string().regex(/^v\d+\.\d+\.\d+$/);

const imagesEntry = z.strictObject({
  since: z.number().int().min(0),
  pause: z.string().min(1),
  coredns: z.string().regex(/^v\d+\.\d+\.\d+$/),
  etcd: z.string().regex(/^\d+\.\d+\.\d+-\d+$/),
});

const minorEntry = z.strictObject({
  kubeadmApi: z.enum(['v1beta2', 'v1beta3', 'v1beta4']),
  defaultRuntime: z.enum(['docker', 'containerd']),
  packageRepo: z.enum(['legacy-el7', 'pkgs-k8s-io']),
  /** set for minors that are out of support: no patch release after it exists */
  lastPatch: z.number().int().min(0).optional(),
  calico: vTag,
  metricsServer: vTag,
  dockerCe: z.string().min(1),
  containerd: z.string().min(1),
  images: z.array(imagesEntry).min(1),
});

const range = z.strictObject({ from: minorKey, to: minorKey });

const matrixFile = z.strictObject({
  supported: range,
  packageVersionFormat: z.strictObject({ 'legacy-el7': z.string(), 'pkgs-k8s-io': z.string() }),
  criSocket: z.strictObject({ docker: z.string(), containerd: z.string() }),
  distroCaps: z.partialRecord(z.enum(['centos7', 'rocky8', 'rocky9']), z.strictObject({ containerd: z.string(), dockerCe: z.string() })),
  minors: z.record(minorKey, minorEntry),
  calicoCompat: z.record(minorKey.or(z.string().regex(/^3\.\d+$/)), range),
  metricsServerCompat: z.record(z.string().regex(/^0\.\d+$/), z.strictObject({ from: minorKey })),
});

export type MatrixFile = z.infer<typeof matrixFile>;
export type MinorEntry = z.infer<typeof minorEntry>;

let cached: MatrixFile | undefined;

/** The parsed matrix data file. */
export function matrix(): MatrixFile {
  if (!cached) {
    const text = readFileSync(dataFile('version-matrix.yaml'), 'utf8');
    cached = matrixFile.parse(parse(text));
  }
  return cached;
}

export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
}

/** "1.23.17" or "v1.23.17" -> parts; undefined when not a plain release version. */
export function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

const minorNumber = (minor: string): number => Number(minor.split('.')[1]);

/** Every supported minor, oldest first, e.g. ["1.23", ..., "1.35"]. */
export function supportedMinors(): string[] {
  const m = matrix();
  const out: string[] = [];
  for (let n = minorNumber(m.supported.from); n <= minorNumber(m.supported.to); n++) out.push(`1.${n}`);
  return out;
}

export function minorEntryOf(minor: string): MinorEntry | undefined {
  return matrix().minors[minor];
}

export function kubeadmApiFor(minor: string): KubeadmApi | undefined {
  return minorEntryOf(minor)?.kubeadmApi;
}

/** yum/dnf VERSION-RELEASE of kubeadm/kubelet/kubectl for a full version. */
export function packageVersionFor(version: string): string {
  const v = parseKubeVersion(version);
  if (!v) throw new Error(`not a Kubernetes release version: ${version}`);
  const entry = minorEntryOf(`${v.major}.${v.minor}`);
  if (!entry) throw new Error(`Kubernetes ${v.major}.${v.minor} is not in the version matrix`);
  return matrix().packageVersionFormat[entry.packageRepo].replace('{version}', `${v.major}.${v.minor}.${v.patch}`);
}

/**
 * Everything downstream needs to know about one Kubernetes version and runtime.
 * Throws for a version outside the matrix: callers validate first (semantic.ts).
 */
export function versionInfo(version: string, runtime?: Runtime): VersionInfo {
  const v = parseKubeVersion(version);
  if (!v) throw new Error(`not a Kubernetes release version: ${version}`);
  const minor = `${v.major}.${v.minor}`;
  const entry = minorEntryOf(minor);
  if (!entry) throw new Error(`Kubernetes ${minor} is not in the version matrix`);
  // the last images entry whose `since` is <= the patch release
  const images = [...entry.images].sort((a, b) => a.since - b.since).filter((i) => i.since <= v.patch).pop() ?? entry.images[0];
  const rt = runtime ?? entry.defaultRuntime;
  return {
    minor,
    kubeadmApi: entry.kubeadmApi,
    defaultRuntime: entry.defaultRuntime,
    criSocket: matrix().criSocket[rt],
    calicoVersion: entry.calico,
    metricsServerVersion: entry.metricsServer,
    packageRepo: entry.packageRepo,
    packageVersion: packageVersionFor(version),
    pauseVersion: images.pause,
    corednsVersion: images.coredns,
    etcdVersion: images.etcd,
    dockerVersion: entry.dockerCe,
    containerdVersion: entry.containerd,
  };
}

const semverLess = (a: string, b: string): boolean => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  return false;
};

/** Runtime package pins lowered to what the distro's docker-ce repo still builds (EL7 stops early). */
export function capRuntimeVersions(info: VersionInfo, distro: Distro): VersionInfo {
  const cap = matrix().distroCaps[distro];
  if (!cap) return info;
  return {
    ...info,
    containerdVersion: semverLess(cap.containerd, info.containerdVersion) ? cap.containerd : info.containerdVersion,
    dockerVersion: semverLess(cap.dockerCe, info.dockerVersion) ? cap.dockerCe : info.dockerVersion,
  };
}

/** The Kubernetes minors a Calico version is tested on, or undefined for an unknown Calico minor. */
export function calicoWindow(calicoVersion: string): { from: string; to: string } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(calicoVersion);
  if (!m) return undefined;
  return matrix().calicoCompat[`${m[1]}.${m[2]}`];
}

/** Is `kubeMinor` (e.g. "1.23") inside the window of `calicoVersion` (e.g. "v3.25.2")? */
export function calicoSupports(calicoVersion: string, kubeMinor: string): boolean {
  const w = calicoWindow(calicoVersion);
  if (!w) return false;
  const n = minorNumber(kubeMinor);
  return n >= minorNumber(w.from) && n <= minorNumber(w.to);
}

/** Calico minors known to support a Kubernetes minor, e.g. ["3.25", "3.26", "3.27"] for 1.24. */
export function calicoMinorsFor(kubeMinor: string): string[] {
  return Object.keys(matrix().calicoCompat).filter((c) => calicoSupports(`v${c}.0`, kubeMinor));
}

/** The oldest Kubernetes minor a metrics-server version supports, or undefined when unknown. */
export function metricsServerMinKube(msVersion: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(msVersion);
  if (!m) return undefined;
  return matrix().metricsServerCompat[`${m[1]}.${m[2]}`]?.from;
}

export const compareMinor = (a: string, b: string): number => minorNumber(a) - minorNumber(b);
