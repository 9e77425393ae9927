/**
 * yum/dnf repository definitions from the mirror candidates: which repos a host gets and
 * their baseurls. The .repo text itself is templates/files/repo.hbs.
 */
import { kubernetesRepoFor } from '../inventory/mirrors.ts';
import type { HostContext } from './context.ts';
import { HOST_PATHS } from './paths.ts';

export interface RepoDef {
  id: string;
  name: string;
  /** first is preferred; yum on el7 fails over down the list (failovermethod=priority) */
  baseurls: string[];
  gpgcheck: boolean;
  gpgkey?: string;
  exclude?: string;
  /** set when there are several baseurls */
  failover?: boolean;
  /** an optional repo: yum goes on without it when none of its mirrors answers */
  optional?: boolean;
}

export interface RepoFile {
  path: string;
  /** replaces a stock file (CentOS-Base.repo, rocky.repo): back the original up */
  replacesStock: boolean;
  repos: RepoDef[];
}

/** The packages pkgs.k8s.io repo files exclude: installs must say --disableexcludes=kubernetes. */
export const KUBE_EXCLUDES = 'kubelet kubeadm kubectl cri-tools kubernetes-cni';

const under = (root: string, sub: string): string => root.replace(/\/*$/, '/') + sub;

/** A repo with every healthy candidate, before the file picks what it names. */
interface RepoSource extends Omit<RepoDef, 'baseurls' | 'gpgkey' | 'failover'> {
  candidates: string[];
  /** the key that goes with a candidate (some live beside the packages) */
  gpgkeyFor?: (baseurl: string) => string;
}

interface RepoFileSource extends Omit<RepoFile, 'repos'> {
  repos: RepoSource[];
}

function repoSources(ctx: HostContext): RepoFileSource[] {
  const m = ctx.mirrors;
  const files: RepoFileSource[] = [];
  if (ctx.el7) {
    const key = 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7';
    files.push({
      path: `${HOST_PATHS.reposDir}/CentOS-Base.repo`,
      replacesStock: true,
      repos: [
        // CentOS 7 is end of life: mirror.centos.org is gone, 7.9.2009 lives in the vault
        { id: 'base', name: 'CentOS-7.9.2009 - Base (vault)', candidates: m.centosVault.map((r) => under(r, 'os/$basearch/')), gpgcheck: true, gpgkeyFor: () => key },
        { id: 'updates', name: 'CentOS-7.9.2009 - Updates (vault)', candidates: m.centosVault.map((r) => under(r, 'updates/$basearch/')), gpgcheck: true, gpgkeyFor: () => key },
        { id: 'extras', name: 'CentOS-7.9.2009 - Extras (vault)', candidates: m.centosVault.map((r) => under(r, 'extras/$basearch/')), gpgcheck: true, gpgkeyFor: () => key },
      ],
    });
    files.push({
      path: `${HOST_PATHS.reposDir}/epel.repo`,
      replacesStock: true,
      // the EPEL 7 archive ships no key locally without epel-release; nothing kubeforge installs
      // needs EPEL, so a dead EPEL mirror must not stop every yum command
      repos: [{ id: 'epel', name: 'Extra Packages for Enterprise Linux 7 (archive)', candidates: m.epel, gpgcheck: false, optional: true }],
    });
  } else {
    const rel = ctx.el9 ? '9' : '8';
    const key = ctx.el9 ? 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9' : 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-rockyofficial';
    files.push({
      path: `${HOST_PATHS.reposDir}/rocky.repo`,
      replacesStock: true,
      repos: [
        { id: 'baseos', name: `Rocky Linux ${rel} - BaseOS`, candidates: m.rocky.map((r) => under(r, 'BaseOS/$basearch/os/')), gpgcheck: true, gpgkeyFor: () => key },
        { id: 'appstream', name: `Rocky Linux ${rel} - AppStream`, candidates: m.rocky.map((r) => under(r, 'AppStream/$basearch/os/')), gpgcheck: true, gpgkeyFor: () => key },
      ],
    });
    files.push({
      path: `${HOST_PATHS.reposDir}/rocky-extras.repo`,
      replacesStock: true,
      repos: [{ id: 'extras', name: `Rocky Linux ${rel} - Extras`, candidates: m.rocky.map((r) => under(r, 'extras/$basearch/os/')), gpgcheck: true, gpgkeyFor: () => key }],
    });
  }
  files.push({
    path: `${HOST_PATHS.reposDir}/docker-ce.repo`,
    replacesStock: false,
    repos: [{
      id: 'docker-ce-stable',
      name: 'Docker CE Stable - $basearch',
      candidates: m.dockerCe,
      gpgcheck: true,
      // the key sits beside the per-release trees: .../linux/centos/gpg
      gpgkeyFor: (u) => u.replace(/\$releasever\/\$basearch\/stable\/?$/, 'gpg'),
    }],
  });
  const legacy = ctx.cluster.version.packageRepo === 'legacy-el7';
  files.push({
    path: `${HOST_PATHS.reposDir}/kubernetes.repo`,
    replacesStock: false,
    repos: [{
      id: 'kubernetes',
      name: legacy ? 'Kubernetes (legacy el7 repo)' : `Kubernetes v${ctx.cluster.version.minor}`,
      candidates: legacy ? m.kubernetesLegacy : m.kubernetes.map((u) => kubernetesRepoFor(u, ctx.cluster.version.minor)),
      // the legacy mirror's repo metadata signatures are unusable; pkgs.k8s.io signs repomd.xml
      gpgcheck: !legacy,
      gpgkeyFor: legacy ? undefined : (u) => under(u, 'repodata/repomd.xml.key'),
      exclude: KUBE_EXCLUDES,
    }],
  });
  return files;
}

export function repoFiles(ctx: HostContext): RepoFile[] {
  // el7's yum tries extra baseurl lines in order (failovermethod=priority); on el8+ the file names
  // the chosen mirror only and kubeforge moves to the others itself (mirrorAttempts)
  return repoSources(ctx).map((f) => ({
    ...f,
    repos: f.repos.map(({ candidates, gpgkeyFor, ...r }) => {
      const baseurls = ctx.el7 ? candidates : candidates.slice(0, 1);
      const def: RepoDef = { ...r, baseurls };
      if (r.gpgcheck && gpgkeyFor) def.gpgkey = gpgkeyFor(baseurls[0]);
      if (baseurls.length > 1) def.failover = true;
      return def;
    }),
  }));
}

/** One way to run yum/dnf: the repo files as written, or with other mirrors through --setopt. */
export interface MirrorAttempt {
  /** the baseurls this attempt uses (for the log and the final error) */
  urls: string[];
  /** `repoid.option=value` for --setopt */
  setopts: string[];
}

/**
 * The chosen mirrors first, then each further healthy candidate in turn (every repo moves to
 * its next one; a repo with no more candidates stays on its chosen one). el7 gets one attempt: its
 * repo files carry the fallbacks and yum walks them itself.
 */
export function mirrorAttempts(ctx: HostContext): MirrorAttempt[] {
  const repos = repoSources(ctx).flatMap((f) => f.repos);
  const first: MirrorAttempt = { urls: [...new Set(repos.map((r) => r.candidates[0]))], setopts: [] };
  if (ctx.el7) return [first];
  const most = Math.max(...repos.map((r) => r.candidates.length));
  const out = [first];
  for (let k = 1; k < most; k++) {
    const moved = repos.filter((r) => r.candidates.length > k);
    const setopts = moved.flatMap((r) => {
      const u = r.candidates[k];
      return [`${r.id}.baseurl=${u}`, ...(r.gpgcheck && r.gpgkeyFor ? [`${r.id}.gpgkey=${r.gpgkeyFor(u)}`] : [])];
    });
    out.push({ urls: [...new Set(moved.map((r) => r.candidates[k]))], setopts });
  }
  return out;
}

/**
 * Template values of the package steps: `yum` is the command they run (kf_yum, the fallback
 * wrapper of templates/partials/yum.hbs, only when there is somewhere to fall back to).
 */
export function yumVars(ctx: HostContext): { yumAttempts: MirrorAttempt[]; yumFallback: boolean; yum: string } {
  const yumAttempts = mirrorAttempts(ctx);
  const yumFallback = yumAttempts.length > 1;
  return { yumAttempts, yumFallback, yum: yumFallback ? 'kf_yum' : ctx.pkg };
}

/** Packages every node needs besides the runtime and kube packages. */
export function basePackages(ctx: HostContext): string[] {
  const common = ['ipvsadm', 'ipset', 'conntrack-tools', 'socat', 'sysstat', 'libseccomp', 'chrony', 'curl', 'tar'];
  // el7: yum-config-manager; el8+: kubeadm's preflight wants tc (iproute-tc is separate there)
  return ctx.el7 ? [...common, 'yum-utils'] : [...common, 'iproute-tc', 'dnf-plugins-core'];
}
