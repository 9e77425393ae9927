/**
 * yum/dnf repository configuration of a host (/etc/yum.repos.d/*.repo, [main] of yum.conf /
 * dnf.conf, $variables) and reaching a repository through the lab's network: the mirror
 * table first, then other HTTP handlers, else the failure an unreachable address gives.
 */
import type { SimContext } from '../api.ts';
import { answerHttp } from '../registry.ts';
import { mirrorAnswer, mirrorlistTarget, repoFor, type MirrorRepo } from '../data/mirrors.ts';
import { listHost, profile, readHost } from './host.ts';

export interface RepoConf {
  id: string;
  name: string;
  file: string;
  baseurls: string[];
  mirrorlist?: string;
  metalink?: string;
  enabled: boolean;
  gpgcheck: boolean;
  repoGpgcheck: boolean;
  gpgkeys: string[];
  exclude: string[];
  includepkgs: string[];
  skipIfUnavailable: boolean;
}

export interface MainConf {
  gpgcheck: boolean;
  exclude: string[];
  skipIfUnavailable: boolean;
  /** directories of .repo files (reposdir=) */
  reposdir: string[];
  /** the config file read (-c FILE, else the system one): its own [sections] are repos too */
  file: string;
}

/** INI sections of a file: section -> key -> value (continuation lines joined with a space). */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split('\n')) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') {
      lastKey = undefined;
      continue;
    }
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      cur = {};
      out.set(sec[1].trim(), cur);
      lastKey = undefined;
      continue;
    }
    if (!cur) continue;
    if (/^\s/.test(raw) && lastKey) {
      cur[lastKey] += ' ' + raw.trim();
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    lastKey = raw.slice(0, eq).trim().toLowerCase();
    cur[lastKey] = raw.slice(eq + 1).trim();
  }
  return out;
}

const truthy = (v: string | undefined, dflt: boolean): boolean =>
  v === undefined ? dflt : ['1', 'yes', 'true', 'on'].includes(v.trim().toLowerCase());
const list = (v: string | undefined): string[] => (v ?? '').split(/[\s,]+/).filter(Boolean);

/** $variables: builtins + /etc/yum/vars, /etc/dnf/vars. */
export function repoVars(ctx: SimContext): Record<string, string> {
  const vars: Record<string, string> = { releasever: profile(ctx).releasever, basearch: 'x86_64', arch: 'x86_64' };
  for (const d of ['/etc/yum/vars', '/etc/dnf/vars']) {
    for (const f of listHost(ctx, d)) {
      const v = readHost(ctx, `${d}/${f}`);
      if (v !== undefined) vars[f] = v.split('\n')[0].trim();
    }
  }
  return vars;
}

export const substitute = (s: string, vars: Record<string, string>): string =>
  s.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a: string | undefined, b: string | undefined) => vars[(a ?? b) as string] ?? all);

export function mainConf(ctx: SimContext, setopts: Record<string, string>, configFile?: string): MainConf {
  const file = configFile ?? (profile(ctx).dnf ? '/etc/dnf/dnf.conf' : '/etc/yum.conf');
  const m = parseIni(readHost(ctx, file) ?? '').get('main') ?? {};
  const get = (k: string): string | undefined => setopts[k] ?? m[k];
  const dflt = profile(ctx).dnf ? ['/etc/yum.repos.d', '/etc/distro.repos.d'] : ['/etc/yum.repos.d', '/etc/yum/repos.d'];
  const dirs = get('reposdir');
  return {
    gpgcheck: truthy(get('gpgcheck'), false),
    exclude: list(get('exclude') ?? get('excludepkgs')),
    skipIfUnavailable: truthy(get('skip_if_unavailable'), false),
    reposdir: dirs === undefined ? dflt : list(dirs),
    file,
  };
}

/** Every repo defined on the host, with --setopt values (`repoid.key=value`, globs allowed) applied. */
export function loadRepos(ctx: SimContext, setopts: Record<string, string>, main: MainConf): RepoConf[] {
  const vars = repoVars(ctx);
  const out: RepoConf[] = [];
  // repos of the config file itself ([main] aside), then of every reposdir
  const files = [main.file, ...main.reposdir.flatMap((d) => listHost(ctx, d).filter((f) => f.endsWith('.repo')).sort().map((f) => `${d.replace(/\/$/, '')}/${f}`))];
  for (const file of files) {
    for (const [id, kv] of parseIni(readHost(ctx, file) ?? '')) {
      if (id === 'main') continue;
      const o: Record<string, string> = { ...kv };
      for (const [k, v] of Object.entries(setopts)) {
        const dot = k.lastIndexOf('.');
        if (dot < 0) continue;
        const pat = k.slice(0, dot);
        if (new RegExp(`^${pat.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(id)) o[k.slice(dot + 1)] = v;
      }
      const sub = (s: string | undefined): string | undefined => (s === undefined ? undefined : substitute(s, vars));
      out.push({
        id,
        name: sub(o.name) ?? id,
        file,
        baseurls: list(sub(o.baseurl)),
        mirrorlist: sub(o.mirrorlist),
        metalink: sub(o.metalink),
        enabled: truthy(o.enabled, true),
        gpgcheck: truthy(o.gpgcheck, main.gpgcheck),
        repoGpgcheck: truthy(o.repo_gpgcheck, false),
        gpgkeys: list(sub(o.gpgkey)),
        exclude: list(o.exclude ?? o.excludepkgs),
        includepkgs: list(o.includepkgs),
        skipIfUnavailable: truthy(o.skip_if_unavailable, main.skipIfUnavailable),
      });
    }
  }
  return out;
}

/** One URL's failure, in the terms curl/urlgrabber/librepo report it. */
export interface UrlFailure {
  url: string;
  kind: 'http' | 'dns' | 'timeout' | 'refused' | 'unreachable';
  status?: number;
  host: string;
  port: number;
}

export interface Fetched {
  ok: boolean;
  status: number;
  body: string;
  repo?: MirrorRepo;
  failure?: UrlFailure;
}

const isIp = (h: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(h);
const inLab = (h: string): boolean => /^198\.(18|19)\./.test(h) || /^127\./.test(h);

/** GET a URL from this host through the lab's network. */
export async function fetchUrl(ctx: SimContext, url: string): Promise<Fetched> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 0, body: '', failure: { url, kind: 'dns', host: url, port: 0 } };
  }
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const fail = (kind: UrlFailure['kind'], status?: number): Fetched =>
    ({ ok: false, status: status ?? 0, body: '', failure: { url, kind, status, host: u.hostname, port } });
  if (!ctx.runtime().networkUp && !/^127\./.test(u.hostname) && u.hostname !== 'localhost') {
    return isIp(u.hostname) ? fail('unreachable') : fail('dns');
  }
  const m = mirrorAnswer(url, ctx.options.registryView, ctx.faults());
  if (m) {
    if (m.error) return fail(m.error);
    if (m.status >= 400) return { ...fail('http', m.status), body: m.body };
    return { ok: true, status: m.status, body: m.body, repo: m.repo };
  }
  const a = await answerHttp(ctx, u, 'GET');
  if (a) {
    if (a.error) return fail(a.error === 'refused' ? 'refused' : a.error);
    if (a.status >= 400) return { ...fail('http', a.status), body: a.body };
    return { ok: true, status: a.status, body: a.body };
  }
  if (!isIp(u.hostname) && u.hostname !== 'localhost') return fail('dns');
  if (u.hostname === 'localhost' || inLab(u.hostname)) return fail('refused');
  return fail('unreachable');
}

export type RepoReach =
  | { ok: true; repo: MirrorRepo; url: string; failures: UrlFailure[] }
  | { ok: false; failures: UrlFailure[]; mirrorlistFailure?: UrlFailure; noBaseurl?: boolean; badSignature?: boolean; url?: string };

/** Reach a repository's metadata (repodata/repomd.xml) through its baseurls / mirrorlist, in order. */
export async function reachRepo(ctx: SimContext, r: RepoConf): Promise<RepoReach> {
  let urls = r.baseurls;
  let mirrorlistFailure: UrlFailure | undefined;
  if (urls.length === 0 && (r.mirrorlist || r.metalink)) {
    const ml = (r.mirrorlist ?? r.metalink) as string;
    const f = await fetchUrl(ctx, ml);
    if (!f.ok) mirrorlistFailure = f.failure;
    else {
      const target = mirrorlistTarget(ml);
      urls = target ? [`https://${target}`] : f.body.split('\n').map((l) => l.trim()).filter((l) => /^https?:\/\//.test(l));
    }
    if (urls.length === 0) return { ok: false, failures: [], mirrorlistFailure, noBaseurl: true };
  }
  if (urls.length === 0) return { ok: false, failures: [], noBaseurl: true };
  const failures: UrlFailure[] = [];
  for (const base of urls) {
    const b = base.endsWith('/') ? base : `${base}/`;
    const f = await fetchUrl(ctx, `${b}repodata/repomd.xml`);
    if (f.ok) {
      const repo = f.repo ?? repoFor(b);
      if (!repo) {
        failures.push({ url: `${b}repodata/repomd.xml`, kind: 'http', status: 404, host: new URL(b).hostname, port: 443 });
        continue;
      }
      // the frozen legacy Kubernetes repo's repomd.xml signature no longer verifies with its published key
      if (r.repoGpgcheck && repo.channel === 'k8s-legacy-el7') return { ok: false, failures, badSignature: true, url: `${b}repodata/repomd.xml` };
      return { ok: true, repo, url: b, failures };
    }
    if (f.failure) failures.push(f.failure);
  }
  return { ok: false, failures };
}
