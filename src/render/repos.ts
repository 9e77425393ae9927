/**
 * yum/dnf repository definitions from the mirror candidates: which repos a host gets and
 * their baseurls. The .repo text itself is templates/files/repo.hbs.
 */
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

export function repoFiles(ctx: HostContext): RepoFile[] {
  const m = ctx.mirrors;
  // el7's yum tries extra baseurl lines in order; on el8+ the first candidate is used
  const pick = (urls: string[]): string[] => (ctx.el7 ? urls : urls.slice(0, 1));
  const files: RepoFile[] = [];
  if (ctx.el7) {
    const key = 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7';
    files.push({
      path: `${HOST_PATHS.reposDir}/CentOS-Base.repo`,
      replacesStock: true,
      repos: [
        // CentOS 7 is end of life: mirror.centos.org is gone, 7.9.2009 lives in the vault
        { id: 'base', name: 'CentOS-7.9.2009 - Base (vault)', baseurls: pick(m.centosVault.map((r) => under(r, 'os/$basearch/'))), gpgcheck: true, gpgkey: key },
        { id: 'updates', name: 'CentOS-7.9.2009 - Updates (vault)', baseurls: pick(m.centosVault.map((r) => under(r, 'updates/$basearch/'))), gpgcheck: true, gpgkey: key },
        { id: 'extras', name: 'CentOS-7.9.2009 - Extras (vault)', baseurls: pick(m.centosVault.map((r) => under(r, 'extras/$basearch/'))), gpgcheck: true, gpgkey: key },
      ],
    });
    files.push({
      path: `${HOST_PATHS.reposDir}/epel.repo`,
      replacesStock: true,
      // the EPEL 7 archive ships no key locally without epel-release; nothing kubeforge installs
      // needs EPEL, so a dead EPEL mirror must not stop every yum command
      repos: [{ id: 'epel', name: 'Extra Packages for Enterprise Linux 7 (archive)', baseurls: pick(m.epel), gpgcheck: false, optional: true }],
    });
  } else {
    const rel = ctx.el9 ? '9' : '8';
    const key = ctx.el9 ? 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9' : 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-rockyofficial';
    files.push({
      path: `${HOST_PATHS.reposDir}/rocky.repo`,
      replacesStock: true,
      repos: [
        { id: 'baseos', name: `Rocky Linux ${rel} - BaseOS`, baseurls: pick(m.rocky.map((r) => under(r, 'BaseOS/$basearch/os/'))), gpgcheck: true, gpgkey: key },
        { id: 'appstream', name: `Rocky Linux ${rel} - AppStream`, baseurls: pick(m.rocky.map((r) => under(r, 'AppStream/$basearch/os/'))), gpgcheck: true, gpgkey: key },
      ],
    });
    files.push({
      path: `${HOST_PATHS.reposDir}/rocky-extras.repo`,
      replacesStock: true,
      repos: [{ id: 'extras', name: `Rocky Linux ${rel} - Extras`, baseurls: pick(m.rocky.map((r) => under(r, 'extras/$basearch/os/'))), gpgcheck: true, gpgkey: key }],
    });
  }
  const docker = pick(m.dockerCe);
  files.push({
    path: `${HOST_PATHS.reposDir}/docker-ce.repo`,
    replacesStock: false,
    repos: [{
      id: 'docker-ce-stable',
      name: 'Docker CE Stable - $basearch',
      baseurls: docker,
      gpgcheck: true,
      // the key sits beside the per-release trees: .../linux/centos/gpg
      gpgkey: docker[0].replace(/\$releasever\/\$basearch\/stable\/?$/, 'gpg'),
    }],
  });
  const legacy = ctx.cluster.version.packageRepo === 'legacy-el7';
  const kube = legacy ? pick(m.kubernetesLegacy) : pick(m.kubernetes.map((u) => u.replaceAll('{minor}', ctx.cluster.version.minor)));
  files.push({
    path: `${HOST_PATHS.reposDir}/kubernetes.repo`,
    replacesStock: false,
    repos: [{
      id: 'kubernetes',
      name: legacy ? 'Kubernetes (legacy el7 repo)' : `Kubernetes v${ctx.cluster.version.minor}`,
      baseurls: kube,
      // the legacy mirror's repo metadata signatures are unusable; pkgs.k8s.io signs repomd.xml
      gpgcheck: !legacy,
      gpgkey: legacy ? undefined : under(kube[0], 'repodata/repomd.xml.key'),
      exclude: KUBE_EXCLUDES,
    }],
  });
  for (const f of files) for (const r of f.repos) if (r.baseurls.length > 1) r.failover = true;
  return files;
}

/** Packages every node needs besides the runtime and kube packages. */
export function basePackages(ctx: HostContext): string[] {
  const common = ['ipvsadm', 'ipset', 'conntrack-tools', 'socat', 'sysstat', 'libseccomp', 'chrony', 'curl', 'tar'];
  // el7: yum-config-manager; el8+: kubeadm's preflight wants tc (iproute-tc is separate there)
  return ctx.el7 ? [...common, 'yum-utils'] : [...common, 'iproute-tc', 'dnf-plugins-core'];
}
