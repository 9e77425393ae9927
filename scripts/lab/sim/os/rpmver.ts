/** rpm version comparison (rpmvercmp) and name/version matching the way yum and dnf match arguments. */

/** rpmvercmp: compare two version (or release) strings segment by segment. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const seg = (s: string): string[] => s.match(/~|\^|[0-9]+|[a-zA-Z]+/g) ?? [];
  const x = seg(a);
  const y = seg(b);
  while (x.length || y.length) {
    const p = x.shift();
    const q = y.shift();
    if (p === '~' || q === '~') {
      if (p !== '~') return 1;
      if (q !== '~') return -1;
      continue;
    }
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d/.test(p);
    const qn = /^\d/.test(q);
    if (pn && !qn) return 1;
    if (!pn && qn) return -1;
    if (pn) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d > 0n ? 1 : -1;
    } else if (p !== q) return p > q ? 1 : -1;
  }
  return 0;
}

export interface Evr {
  epoch: number;
  version: string;
  release?: string;
}

export function parseEvr(s: string): Evr {
  const m = /^(?:(\d+):)?([^-]+)(?:-(.+))?$/.exec(s);
  if (!m) return { epoch: 0, version: s };
  return { epoch: Number(m[1] ?? 0), version: m[2], release: m[3] };
}

/** Compare two EVRs; a missing release on either side compares equal on release. */
export function evrcmp(a: Evr, b: Evr): number {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0 || a.release === undefined || b.release === undefined) return v;
  return rpmvercmp(a.release, b.release);
}

/** fnmatch-style glob (*, ?, [...]) as a RegExp. */
export function globRe(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface NevraLike {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

/** The spellings yum/dnf accept for a package: name, name.arch, name-ver, name-ver-rel, with epochs. */
export function spellings(p: NevraLike): string[] {
  const { name: n, epoch: e, version: v, release: r, arch: a } = p;
  return [
    n, `${n}.${a}`, `${n}-${v}`, `${n}-${v}-${r}`, `${n}-${v}-${r}.${a}`,
    `${n}-${e}:${v}`, `${n}-${e}:${v}-${r}`, `${n}-${e}:${v}-${r}.${a}`, `${e}:${n}-${v}-${r}.${a}`,
  ];
}

export function matchesArg(p: NevraLike, arg: string): boolean {
  const re = /[*?[]/.test(arg) ? globRe(arg) : undefined;
  return spellings(p).some((s) => (re ? re.test(s) : s === arg));
}

export const nvra = (p: NevraLike): string => `${p.name}-${p.version}-${p.release}.${p.arch}`;
export const evrText = (p: NevraLike): string => `${p.epoch ? p.epoch + ':' : ''}${p.version}-${p.release}`;
