/**
 * The lab's package mirrors: every repository URL the lab knows, the channel of
 * packages it serves (data/packages.ts), the files it answers (repo metadata, GPG keys,
 * .repo files), and whether a site is reachable in each lab view.
 *
 * Decisions (what a host in a mainland-China lab sees, view 'cn'):
 * - mirrorlist.centos.org does not resolve and mirror.centos.org has no /7/ any more
 *   (404) in every view: an untouched CentOS 7 host cannot yum.
 * - vault.centos.org answers (the 403 it has been seen giving is the fault switch);
 *   the cn vault mirrors, CERN and kernel.org archives answer.
 * - dl.rockylinux.org and mirrors.rockylinux.org answer in both views (slow from China,
 *   but they work), so a fresh Rocky 9 host can dnf with its stock repos.
 * - pkgs.k8s.io answers in both views; download.docker.com and packages.cloud.google.com
 *   time out in the cn view; the Google yum repo is gone (404) in the global view.
 * - the cn mirrors (aliyun, tuna, ustc, huaweicloud, tencent) answer in both views.
 * LabFaults.mirrors (URL prefix -> 404/403/timeout/dns) overrides all of this.
 */
import type { LabFaults, MirrorFault } from '../api.ts';
import { K8S_MINOR_PATCHES, type Channel } from './packages.ts';

export interface MirrorRepo {
  /** scheme-less, with a trailing slash: mirrors.aliyun.com/centos-vault/7.9.2009/os/x86_64/ */
  key: string;
  channel: Channel;
}

/** What a URL answers, as the lab's network sees it. */
export interface MirrorAnswer {
  status: number;
  body: string;
  error?: 'dns' | 'timeout';
  /** the repository this URL belongs to, when it is one of the table's */
  repo?: MirrorRepo;
}

type SiteStatus = 'ok' | MirrorFault;

/** Reachability per site (host, or host + path prefix), per view. The longest match wins. */
const SITES: { prefix: string; cn: SiteStatus; global: SiteStatus }[] = [
  { prefix: 'mirrorlist.centos.org/', cn: 'dns', global: 'dns' },
  // aliyun's VPC-internal mirror names (in its Centos-7.repo): resolvable only inside aliyun
  { prefix: 'mirrors.aliyuncs.com/', cn: 'dns', global: 'dns' },
  { prefix: 'mirrors.cloud.aliyuncs.com/', cn: 'dns', global: 'dns' },
  { prefix: 'mirror.centos.org/', cn: 'ok', global: 'ok' },
  { prefix: 'vault.centos.org/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.aliyun.com/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.tuna.tsinghua.edu.cn/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.ustc.edu.cn/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.huaweicloud.com/', cn: 'ok', global: 'ok' },
  { prefix: 'repo.huaweicloud.com/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.cloud.tencent.com/', cn: 'ok', global: 'ok' },
  { prefix: 'linuxsoft.cern.ch/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.kernel.org/', cn: 'ok', global: 'ok' },
  { prefix: 'archives.fedoraproject.org/', cn: 'ok', global: 'ok' },
  { prefix: 'dl.fedoraproject.org/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.fedoraproject.org/', cn: 'ok', global: 'ok' },
  { prefix: 'dl.rockylinux.org/', cn: 'ok', global: 'ok' },
  { prefix: 'mirrors.rockylinux.org/', cn: 'ok', global: 'ok' },
  { prefix: 'download.docker.com/', cn: 'timeout', global: 'ok' },
  { prefix: 'pkgs.k8s.io/', cn: 'ok', global: 'ok' },
  { prefix: 'packages.cloud.google.com/', cn: 'timeout', global: 'ok' },
  { prefix: 'elrepo.org/', cn: 'ok', global: 'ok' },
  { prefix: 'www.elrepo.org/', cn: 'ok', global: 'ok' },
];

/** Paths that existed once and are gone: they answer 404. */
const GONE = [
  'mirror.centos.org/centos/7', 'mirror.centos.org/7', 'mirrors.aliyun.com/centos/7', 'mirrors.tuna.tsinghua.edu.cn/centos/7',
  'mirrors.ustc.edu.cn/centos/7', 'dl.fedoraproject.org/pub/epel/7', 'mirrors.aliyun.com/epel/7',
  'packages.cloud.google.com/yum', 'elrepo.org/linux/kernel/el7',
];

const CENTOS_VAULT_ROOTS = [
  'vault.centos.org/7.9.2009/', 'vault.centos.org/centos/7.9.2009/', 'vault.centos.org/centos/7/',
  'mirrors.aliyun.com/centos-vault/7.9.2009/', 'mirrors.tuna.tsinghua.edu.cn/centos-vault/7.9.2009/',
  'mirrors.ustc.edu.cn/centos-vault/7.9.2009/', 'mirrors.huaweicloud.com/centos-vault/7.9.2009/',
  'mirrors.cloud.tencent.com/centos-vault/7.9.2009/',
  'linuxsoft.cern.ch/centos-vault/7.9.2009/', 'mirrors.kernel.org/centos-vault/7.9.2009/',
];
const EPEL7 = [
  'archives.fedoraproject.org/pub/archive/epel/7/x86_64/', 'dl.fedoraproject.org/pub/archive/epel/7/x86_64/',
  'mirrors.aliyun.com/epel-archive/7/x86_64/', 'mirrors.tuna.tsinghua.edu.cn/epel-archive/7/x86_64/',
];
const ROCKY_ROOTS = [
  'dl.rockylinux.org/pub/rocky/', 'dl.rockylinux.org/vault/rocky/', 'mirrors.aliyun.com/rockylinux/',
  'mirrors.tuna.tsinghua.edu.cn/rocky/', 'mirrors.ustc.edu.cn/rocky/', 'mirrors.huaweicloud.com/rockylinux/',
];
const DOCKER_ROOTS = [
  'download.docker.com/', 'mirrors.aliyun.com/docker-ce/', 'mirrors.tuna.tsinghua.edu.cn/docker-ce/',
  'mirrors.ustc.edu.cn/docker-ce/', 'mirrors.huaweicloud.com/docker-ce/', 'mirrors.cloud.tencent.com/docker-ce/',
];
const K8S_LEGACY = [
  'mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/', 'repo.huaweicloud.com/kubernetes/yum/repos/kubernetes-el7-x86_64/',
  'mirrors.huaweicloud.com/kubernetes/yum/repos/kubernetes-el7-x86_64/', 'packages.cloud.google.com/yum/repos/kubernetes-el7-x86_64/',
];
/** per-minor repo roots; `{minor}` is e.g. 1.30 */
const K8S_MINOR = [
  'pkgs.k8s.io/core:/stable:/v{minor}/rpm/', 'mirrors.aliyun.com/kubernetes-new/core/stable/v{minor}/rpm/',
  'mirrors.tuna.tsinghua.edu.cn/kubernetes/core:/stable:/v{minor}/rpm/', 'mirrors.ustc.edu.cn/kubernetes/core:/stable:/v{minor}/rpm/',
];
const ELREPO_EL7 = ['mirrors.tuna.tsinghua.edu.cn/elrepo/kernel/el7/x86_64/', 'mirrors.aliyun.com/elrepo/archive/kernel/el7/x86_64/', 'elrepo.org/linux/kernel/el7/x86_64/'];

function buildRepos(): MirrorRepo[] {
  const out: MirrorRepo[] = [];
  for (const r of CENTOS_VAULT_ROOTS) {
    out.push({ key: `${r}os/x86_64/`, channel: 'centos7-os' });
    out.push({ key: `${r}updates/x86_64/`, channel: 'centos7-updates' });
    out.push({ key: `${r}extras/x86_64/`, channel: 'centos7-extras' });
  }
  for (const r of EPEL7) out.push({ key: r, channel: 'epel7' });
  for (const r of ROCKY_ROOTS) {
    for (const rel of ['9', '9.4']) {
      out.push({ key: `${r}${rel}/BaseOS/x86_64/os/`, channel: 'rocky9-baseos' });
      out.push({ key: `${r}${rel}/AppStream/x86_64/os/`, channel: 'rocky9-appstream' });
      out.push({ key: `${r}${rel}/extras/x86_64/os/`, channel: 'rocky9-extras' });
    }
  }
  for (const r of DOCKER_ROOTS) {
    out.push({ key: `${r}linux/centos/7/x86_64/stable/`, channel: 'docker-ce-el7' });
    out.push({ key: `${r}linux/centos/9/x86_64/stable/`, channel: 'docker-ce-el9' });
  }
  for (const r of K8S_LEGACY) out.push({ key: r, channel: 'k8s-legacy-el7' });
  for (const minor of Object.keys(K8S_MINOR_PATCHES)) {
    for (const r of K8S_MINOR) out.push({ key: r.replace('{minor}', minor), channel: `k8s-v${minor}` });
  }
  for (const r of ELREPO_EL7) out.push({ key: r, channel: 'elrepo-kernel-el7' });
  return out;
}

export const MIRROR_REPOS: MirrorRepo[] = buildRepos();
const repoByKey = new Map(MIRROR_REPOS.map((r) => [r.key, r]));

const KEY_BODY = (name: string): string =>
  `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2\n\n${Buffer.from(`kflab key ${name}`).toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`;

/** GPG keys the table serves (scheme-less URL -> key name). */
const GPG_KEYS: Record<string, string> = {
  'mirrors.aliyun.com/kubernetes/yum/doc/yum-key.gpg': 'Google Cloud Packages Automatic Signing Key',
  'mirrors.aliyun.com/kubernetes/yum/doc/rpm-package-key.gpg': 'Google Cloud Packages RPM Signing Key',
  'mirrors.aliyun.com/epel/RPM-GPG-KEY-EPEL-7': 'Fedora EPEL (7)',
  'archives.fedoraproject.org/pub/archive/epel/RPM-GPG-KEY-EPEL-7': 'Fedora EPEL (7)',
  'mirrors.aliyun.com/centos-vault/RPM-GPG-KEY-CentOS-7': 'CentOS-7 Key',
  'vault.centos.org/RPM-GPG-KEY-CentOS-7': 'CentOS-7 Key',
  'dl.rockylinux.org/pub/rocky/RPM-GPG-KEY-Rocky-9': 'Rocky Enterprise Software Foundation - Release key 2022',
  'mirrors.aliyun.com/rockylinux/RPM-GPG-KEY-Rocky-9': 'Rocky Enterprise Software Foundation - Release key 2022',
  'mirrors.tuna.tsinghua.edu.cn/elrepo/RPM-GPG-KEY-elrepo.org': 'elrepo.org (RPM Signing Key for elrepo.org)',
  'mirrors.aliyun.com/elrepo/RPM-GPG-KEY-elrepo.org': 'elrepo.org (RPM Signing Key for elrepo.org)',
  'elrepo.org/RPM-GPG-KEY-elrepo.org': 'elrepo.org (RPM Signing Key for elrepo.org)',
  // the guides' first line: rpm --import https://www.elrepo.org/RPM-GPG-KEY-elrepo.org
  'www.elrepo.org/RPM-GPG-KEY-elrepo.org': 'elrepo.org (RPM Signing Key for elrepo.org)',
};
for (const r of DOCKER_ROOTS) GPG_KEYS[`${r}linux/centos/gpg`] = 'Docker Release (CE rpm)';
for (const minor of Object.keys(K8S_MINOR_PATCHES)) {
  for (const r of K8S_MINOR) GPG_KEYS[`${r.replace('{minor}', minor)}repodata/repomd.xml.key`] = 'isv:kubernetes OBS Project';
}

/** The docker-ce.repo file each docker mirror publishes (the cn mirrors point it at themselves). */
function dockerRepoFile(root: string): string {
  const base = `https://${root}linux/centos`;
  return `[docker-ce-stable]
name=Docker CE Stable - $basearch
baseurl=${base}/$releasever/$basearch/stable
enabled=1
gpgcheck=1
gpgkey=${base}/gpg

[docker-ce-stable-debuginfo]
name=Docker CE Stable - Debuginfo $basearch
baseurl=${base}/$releasever/debug-$basearch/stable
enabled=0
gpgcheck=1
gpgkey=${base}/gpg

[docker-ce-stable-source]
name=Docker CE Stable - Sources
baseurl=${base}/$releasever/source/stable
enabled=0
gpgcheck=1
gpgkey=${base}/gpg
`;
}

/** Repo files mirrors publish for `wget -O /etc/yum.repos.d/...` (aliyun's still name the dead /centos/7 tree). */
const REPO_FILES: Record<string, string> = {
  'mirrors.aliyun.com/repo/Centos-7.repo': ['base', 'updates', 'extras'].map((r) => `[${r}]
name=CentOS-$releasever - ${r[0].toUpperCase()}${r.slice(1)} - mirrors.aliyun.com
failovermethod=priority
baseurl=http://mirrors.aliyun.com/centos/$releasever/${r === 'base' ? 'os' : r}/$basearch/
        http://mirrors.aliyuncs.com/centos/$releasever/${r === 'base' ? 'os' : r}/$basearch/
        http://mirrors.cloud.aliyuncs.com/centos/$releasever/${r === 'base' ? 'os' : r}/$basearch/
gpgcheck=1
gpgkey=http://mirrors.aliyun.com/centos/RPM-GPG-KEY-CentOS-7
`).join('\n'),
  'mirrors.aliyun.com/repo/epel-7.repo': `[epel]
name=Extra Packages for Enterprise Linux 7 - $basearch
baseurl=http://mirrors.aliyun.com/epel/7/$basearch
failovermethod=priority
enabled=1
gpgcheck=0
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7
`,
};

/** The repo a mirrorlist / metalink URL hands out, or undefined when it hands out none. */
export function mirrorlistTarget(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.hostname === 'mirrors.rockylinux.org') {
    const m = /^(BaseOS|AppStream|extras)-(9(?:\.\d+)?)$/.exec(u.searchParams.get('repo') ?? '');
    if (m) return `dl.rockylinux.org/pub/rocky/${m[2]}/${m[1]}/${u.searchParams.get('arch') ?? 'x86_64'}/os/`;
  }
  return undefined;
}

export const schemeless = (url: string): string => url.replace(/^[a-z]+:\/\//i, '').replace(/\/{2,}/g, '/');

function longest<T extends { prefix: string }>(list: T[], key: string): T | undefined {
  let best: T | undefined;
  for (const e of list) if (key.startsWith(e.prefix) && (!best || e.prefix.length > best.prefix.length)) best = e;
  return best;
}

/** Is this host name one the mirror table answers for? */
export const knownMirrorHost = (host: string): boolean => SITES.some((s) => s.prefix.split('/')[0] === host.toLowerCase());

/** The repository whose baseurl this is (after variable substitution), if the lab knows it. */
export function repoFor(baseurl: string): MirrorRepo | undefined {
  let key = schemeless(baseurl);
  if (!key.endsWith('/')) key += '/';
  return repoByKey.get(key);
}

/** How the lab answers a GET of this URL (mirror sites only; undefined for other hosts). */
export function mirrorAnswer(url: string, view: 'cn' | 'global', faults: LabFaults): MirrorAnswer | undefined {
  const key = schemeless(url);
  const host = key.split('/')[0].toLowerCase();
  if (!knownMirrorHost(host)) return undefined;
  const fault = Object.entries(faults.mirrors)
    .map(([prefix, f]) => ({ prefix: schemeless(prefix), f }))
    .filter((e) => key.startsWith(e.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0]?.f;
  const site = longest(SITES, key);
  const status: SiteStatus = fault ?? (site ? site[view] : 'ok');
  if (status === 'dns') return { status: 0, body: '', error: 'dns' };
  if (status === 'timeout') return { status: 0, body: '', error: 'timeout' };
  if (status === '403') return { status: 403, body: '<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>\n' };
  if (status === '404' || GONE.some((g) => key.startsWith(g))) {
    return { status: 404, body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n' };
  }
  if (GPG_KEYS[key]) return { status: 200, body: KEY_BODY(GPG_KEYS[key]) };
  if (REPO_FILES[key]) return { status: 200, body: REPO_FILES[key] };
  const dockerRepo = DOCKER_ROOTS.find((r) => key === `${r}linux/centos/docker-ce.repo`);
  if (dockerRepo) return { status: 200, body: dockerRepoFile(dockerRepo) };
  const target = mirrorlistTarget(url);
  if (target) return { status: 200, body: `https://${target}\n` };
  for (const r of MIRROR_REPOS) {
    if (!key.startsWith(r.key)) continue;
    const rest = key.slice(r.key.length);
    if (rest === 'repodata/repomd.xml') {
      return { status: 200, repo: r, body: `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1700000000</revision><data type="primary"><location href="repodata/primary.xml.gz"/></data></repomd>\n` };
    }
    if (rest === '' || rest === 'repodata/') return { status: 200, repo: r, body: `<html><head><title>Index of /${r.key}</title></head><body><h1>Index of /${r.key}</h1></body></html>\n` };
  }
  return { status: 404, body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n' };
}

/** GPG key URL known to the table (for yum's gpgcheck and rpm --import). */
export const knownGpgKey = (url: string): string | undefined => GPG_KEYS[schemeless(url)];
