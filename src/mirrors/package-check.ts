/**
 * Does the chosen Kubernetes mirror carry the pinned packages? Reachable is not enough: a
 * mirror that stopped syncing answers its metadata but has no build of a newer patch, and
 * yum would only say so at install time, after the OS was already changed. Asked with yum
 * itself (any repodata format) on one host that still needs the packages, through a private
 * config and cache; mirrors without the build are dropped, none left stops the run.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Host } from '../hosts/host.ts';
import { kubernetesRepoFor } from '../inventory/mirrors.ts';
import type { Cluster } from '../inventory/model.ts';
import type { HostFacts } from '../phases/types.ts';
import { render } from '../render/engine.ts';

const PACKAGE = 'kubeadm';
/** hosts tried when the first ones turn out to have the build installed already */
const MAX_HOSTS = 3;

export interface PackageCheck {
  /** the cluster with the Kubernetes mirror list narrowed to those that carry the build */
  cluster: Cluster;
  /** for the run log: what was checked where, and what was skipped */
  lines: string[];
  /** the refusal, when no mirror carries the build (empty when all is well) */
  missing: string[];
}

export interface CandidateAnswer {
  /** the mirror lists the build */
  has: boolean;
  /** every kubeadm version it lists (x.y.z) */
  versions: string[];
  /** yum failed for another reason: its last line */
  error?: string;
}

const repoClass = (c: Cluster): 'kubernetes' | 'kubernetesLegacy' => (c.cluster.version.packageRepo === 'legacy-el7' ? 'kubernetesLegacy' : 'kubernetes');
const baseurl = (c: Cluster, u: string): string => kubernetesRepoFor(u, c.cluster.version.minor);

/** The check script for these candidates (templates/probes/kube-packages.sh.hbs). */
export function packageCheckScript(c: Cluster, candidates: string[], nonce: string): string {
  return render('probes/kube-packages.sh.hbs', {
    package: PACKAGE,
    packageVersion: c.cluster.version.packageVersion,
    nonce,
    candidates: candidates.map((u) => baseurl(c, u)),
  });
}

/** Per candidate, from the script's output; undefined when the host has the build installed (no verdict there). */
export function parsePackageCheck(stdout: string, count: number, packageVersion: string, nonce: string): CandidateAnswer[] | undefined {
  if (stdout.split('\n').some((l) => l.trim() === `@@kf:${nonce} installed`)) return undefined;
  const out: CandidateAnswer[] = [];
  for (let i = 0; i < count; i++) {
    const m = new RegExp(`^@@kf:${nonce} begin ${i}\\n([\\s\\S]*?)^@@kf:${nonce} end ${i} (\\d+)$`, 'm').exec(stdout);
    if (!m) {
      out.push({ has: false, versions: [], error: 'no answer from the check' });
      continue;
    }
    const body = m[1];
    const rc = Number(m[2]);
    const builds = [...body.matchAll(new RegExp(`^${PACKAGE}\\.\\S+\\s+(?:\\d+:)?(\\S+)\\s+\\S+\\s*$`, 'gm'))].map((x) => x[1]);
    const versions = [...new Set(builds.map((b) => b.replace(/-[^-]*$/, '')))];
    if (builds.includes(packageVersion)) out.push({ has: true, versions });
    else if (rc === 0 || /No matching Packages|No matching packages/.test(body)) out.push({ has: false, versions });
    else out.push({ has: false, versions, error: body.trim().split('\n').filter(Boolean).pop() ?? `yum exit ${rc}` });
  }
  return out;
}

/** The newest version of the same minor (else of any), comparing the numbers of x.y.z. */
function newest(versions: string[], minor: string): string | undefined {
  const sameMinor = versions.filter((v) => v.startsWith(`${minor}.`));
  const pool = sameMinor.length ? sameMinor : versions;
  return [...pool].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop();
}

/** What the answers mean for the choice (pure: the unit tests drive it). */
export function judgePackages(c: Cluster, candidates: string[], answers: CandidateAnswer[], host: string): PackageCheck {
  const build = `${PACKAGE}-${c.cluster.version.packageVersion}`;
  const rows = candidates.map((u, i) => ({ u, url: baseurl(c, u), a: answers[i] }));
  const why = (a: CandidateAnswer): string => {
    if (a.error) return `could not check: ${a.error}`;
    const n = newest(a.versions, c.cluster.version.minor);
    return `no ${build}${n ? `; newest there: ${n}` : '; no kubeadm at all'}`;
  };
  const note = (r: (typeof rows)[number]): string => `${r.url} (${why(r.a)})`;
  // a mirror yum could not read now is kept (the probe found it healthy): only a definite "not there" drops one
  const kept = rows.filter((r) => r.a.has || r.a.error);
  const lacking = rows.filter((r) => !r.a.has && !r.a.error);
  if (kept.length === 0) {
    const pos = c.cluster.versionPos;
    const rel = pos ? path.relative(process.cwd(), pos.file) : '';
    const where = pos ? `${rel && !rel.startsWith('..') ? rel : pos.file}:${pos.line}: cluster.kubernetesVersion` : 'cluster.kubernetesVersion';
    const head = `${where}: ${c.cluster.kubernetesVersion} has no packages in the chosen mirror`;
    // one line, however many mirrors: the refusal reads at a glance
    const missing = lacking.length === 1
      ? [`${head} ${lacking[0].url} (${why(lacking[0].a)}; asked from ${host})`]
      : [`${head}s (asked from ${host}): ${lacking.map(note).join(', ')}`];
    return { cluster: c, lines: [], missing };
  }
  const unsure = rows.filter((r) => r.a.error);
  const preferred = kept[0] === rows[0] ? '' : ` (preferred ${rows[0].url} skipped)`;
  const line = `packages ${build}: in ${kept[0].url}${preferred} (asked from ${host})`
    + (lacking.length ? `; skipped ${lacking.map(note).join(', ')}` : '')
    + (unsure.length ? `; kept unchecked ${unsure.map(note).join(', ')}` : '');
  return { cluster: { ...c, mirrors: { ...c.mirrors, [repoClass(c)]: kept.map((r) => r.u) } }, lines: [line], missing: [] };
}

/**
 * Ask one host that still needs the packages (not a node yet, build not installed). Nothing
 * to ask when every host is a node already: the run installs no Kubernetes package then.
 */
export async function checkKubePackages(c: Cluster, facts: Record<string, HostFacts>, host: (name: string) => Host): Promise<PackageCheck> {
  const candidates = c.mirrors[repoClass(c)];
  const needy = c.hosts.filter((h) => facts[h.name] && !facts[h.name].isNode).slice(0, MAX_HOSTS);
  for (const h of needy) {
    const nonce = randomBytes(6).toString('hex');
    const target = host(h.name);
    if ('label' in target) (target as { label: string }).label = `package check (${candidates.length})`;
    let stdout: string;
    try {
      stdout = (await target.run(packageCheckScript(c, candidates, nonce), { timeoutMs: 180_000 })).stdout;
    } catch {
      continue; // the host went away: the run itself will say so
    }
    const answers = parsePackageCheck(stdout, candidates.length, c.cluster.version.packageVersion, nonce);
    if (answers) return judgePackages(c, candidates, answers, h.name);
  }
  return { cluster: c, lines: [], missing: [] };
}
