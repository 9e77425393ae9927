/** The texts yum 3 (EL7) and dnf 4 (EL9) print: repository failures, transaction tables. */
import type { RepoConf, UrlFailure } from './repos.ts';
import { evrText, nvra, type NevraLike } from './rpmver.ts';

const REASONS: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** urlgrabber's error text for one URL (EL7). */
export function yumUrlError(f: UrlFailure): string {
  switch (f.kind) {
    case 'http': return `${f.url}: [Errno 14] HTTP${f.url.startsWith('https') ? 'S' : ''} Error ${f.status} - ${REASONS[f.status ?? 0] ?? 'Error'}`;
    case 'dns': return `${f.url}: [Errno 14] curl#6 - "Could not resolve host: ${f.host}; Unknown error"`;
    case 'timeout': return `${f.url}: [Errno 12] Timeout on ${f.url}: (28, 'Connection timed out after 30001 milliseconds')`;
    case 'refused': return `${f.url}: [Errno 14] curl#7 - "Failed connect to ${f.host}:${f.port}; Connection refused"`;
    default: return `${f.url}: [Errno 14] curl#7 - "Failed connect to ${f.host}:${f.port}; Network is unreachable"`;
  }
}

/** the curl part alone (mirrorlist failures print it after "error was") */
export function yumCurlError(f: UrlFailure): string {
  switch (f.kind) {
    case 'http': return `14: HTTP${f.url.startsWith('https') ? 'S' : ''} Error ${f.status} - ${REASONS[f.status ?? 0] ?? 'Error'}`;
    case 'dns': return `14: curl#6 - "Could not resolve host: ${f.host}; Unknown error"`;
    case 'timeout': return `12: Timeout on ${f.url}: (28, 'Connection timed out after 30001 milliseconds')`;
    case 'refused': return `14: curl#7 - "Failed connect to ${f.host}:${f.port}; Connection refused"`;
    default: return `14: curl#7 - "Failed connect to ${f.host}:${f.port}; Network is unreachable"`;
  }
}

const fakeIp = (host: string): string => `203.0.113.${[...host].reduce((a, c) => (a + c.charCodeAt(0)) % 250, 0) + 1}`;

/** librepo's error line for one URL (EL9). */
export function dnfUrlError(f: UrlFailure): string {
  switch (f.kind) {
    case 'http': return `  - Status code: ${f.status} for ${f.url} (IP: ${fakeIp(f.host)})`;
    case 'dns': return `  - Curl error (6): Couldn't resolve host name for ${f.url} [Could not resolve host: ${f.host}]`;
    case 'timeout': return `  - Curl error (28): Timeout was reached for ${f.url} [Connection timed out after 30000 milliseconds]`;
    case 'refused': return `  - Curl error (7): Couldn't connect to server for ${f.url} [Failed to connect to ${f.host} port ${f.port}: Connection refused]`;
    default: return `  - Curl error (7): Couldn't connect to server for ${f.url} [Failed to connect to ${f.host} port ${f.port}: Network is unreachable]`;
  }
}

export function yumFailBox(name: string, id: string): string {
  return `

 One of the configured repositories failed (${name}),
 and yum doesn't have enough cached data to continue. At this point the only
 safe thing yum can do is fail. There are a few ways to work "fix" this:

     1. Contact the upstream for the repository and get them to fix the problem.

     2. Reconfigure the baseurl/etc. for the repository, to point to a working
        upstream. This is most often useful if you are using a newer
        distribution release than is supported by the repository (and the
        packages for the previous distribution release still work).

     3. Run the command with the repository temporarily disabled
            yum --disablerepo=${id} ...

     4. Disable the repository permanently, so yum won't use it by default. Yum
        will then just ignore the repository until you permanently enable it
        again or use --enablerepo for temporary usage:

            yum-config-manager --disable ${id}
        or
            subscription-manager repos --disable=${id}

     5. Configure the failing repository to be skipped, if it is unavailable.
        Note that yum will try to contact the repo. when it runs most commands,
        so will have to try and fail each time (and thus. yum will be be much
        slower). If it is a very temporary problem though, this is often a nice
        compromise:

            yum-config-manager --save --setopt=${id}.skip_if_unavailable=true

`;
}

export const CENTOS_WIKI = `To address this issue please refer to the below wiki article

https://wiki.centos.org/yum-errors

If above article doesn't help to resolve this issue please use https://bugs.centos.org/.
`;

export interface TxItem {
  p: NevraLike;
  repo: string;
  /** why it is in the transaction */
  role: 'install' | 'dep' | 'upgrade' | 'downgrade' | 'remove' | 'depremove';
  /** the installed version it replaces */
  old?: NevraLike;
}

/** A stable fake size (bytes) per package. */
export const pkgSize = (p: NevraLike): number => 200_000 + ([...p.name, ...p.version].reduce((a, c) => (a * 33 + c.charCodeAt(0)) % 40_000_000, 5));

export function human(n: number, dnf: boolean): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} M`;
  return `${Math.round(n / 1024)} ${dnf ? 'k' : 'k'}`;
}

const eq = (dnf: boolean): string => '='.repeat(dnf ? 80 : 80);

/** The transaction table both print before asking. */
export function txTable(items: TxItem[], dnf: boolean): string {
  const groups: [string, TxItem[]][] = dnf
    ? [['Installing:', items.filter((i) => i.role === 'install')], ['Upgrading:', items.filter((i) => i.role === 'upgrade')], ['Downgrading:', items.filter((i) => i.role === 'downgrade')],
      ['Installing dependencies:', items.filter((i) => i.role === 'dep')], ['Removing:', items.filter((i) => i.role === 'remove')],
      ['Removing dependent packages:', items.filter((i) => i.role === 'depremove')]]
    : [['Installing:', items.filter((i) => i.role === 'install')], ['Updating:', items.filter((i) => i.role === 'upgrade')], ['Downgrading:', items.filter((i) => i.role === 'downgrade')],
      ['Installing for dependencies:', items.filter((i) => i.role === 'dep')], ['Removing:', items.filter((i) => i.role === 'remove')],
      ['Removing for dependencies:', items.filter((i) => i.role === 'depremove')]];
  const lines: string[] = [eq(dnf), dnf ? ' Package                  Architecture  Version                     Repository         Size'
    : ' Package                     Arch       Version                    Repository           Size', eq(dnf)];
  for (const [title, list] of groups) {
    if (!list.length) continue;
    lines.push(title);
    for (const i of list) {
      const ver = dnf ? evrText(i.p) : evrText(i.p);
      lines.push(dnf
        ? ` ${i.p.name.padEnd(24)} ${i.p.arch.padEnd(13)} ${ver.padEnd(27)} ${i.repo.padEnd(18)} ${human(pkgSize(i.p), true).padStart(4)}`
        : ` ${i.p.name.padEnd(27)} ${i.p.arch.padEnd(10)} ${ver.padEnd(26)} ${i.repo.padEnd(17)} ${human(pkgSize(i.p), false).padStart(7)}`);
    }
  }
  lines.push('', 'Transaction Summary', eq(dnf));
  const inst = items.filter((i) => i.role === 'install' || i.role === 'dep').length;
  const up = items.filter((i) => i.role === 'upgrade').length;
  const down = items.filter((i) => i.role === 'downgrade').length;
  const rm = items.filter((i) => i.role === 'remove' || i.role === 'depremove').length;
  if (dnf) {
    if (inst) lines.push(`Install  ${inst} Package${inst > 1 ? 's' : ''}`);
    if (up) lines.push(`Upgrade  ${up} Package${up > 1 ? 's' : ''}`);
    if (down) lines.push(`Downgrade  ${down} Package${down > 1 ? 's' : ''}`);
    if (rm) lines.push(`Remove  ${rm} Package${rm > 1 ? 's' : ''}`);
  } else {
    const main = items.filter((i) => i.role === 'install').length;
    const deps = items.filter((i) => i.role === 'dep').length;
    if (main || deps) lines.push(`Install  ${main} Package${main === 1 ? '' : 's'}${deps ? ` (+${deps} Dependent package${deps > 1 ? 's' : ''})` : ''}`);
    if (up) lines.push(`Upgrade  ${up} Package${up > 1 ? 's' : ''}`);
    if (down) lines.push(`Downgrade  ${down} Package${down > 1 ? 's' : ''}`);
    if (rm) lines.push(`Remove  ${rm} Package${rm > 1 ? 's' : ''}`);
  }
  lines.push('');
  const total = items.filter((i) => i.role !== 'remove' && i.role !== 'depremove').reduce((a, i) => a + pkgSize(i.p), 0);
  if (total) lines.push(`Total download size: ${human(total, dnf)}`, `Installed size: ${human(total * 3, dnf)}`);
  else lines.push(`Installed size: 0`);
  return lines.join('\n') + '\n';
}

/** The lines after the user said yes, to "Complete!". */
export function txRun(items: TxItem[], dnf: boolean): string {
  const n = items.length;
  const lines: string[] = [];
  const adds = items.filter((i) => i.role !== 'remove' && i.role !== 'depremove');
  if (adds.length) {
    lines.push(dnf ? 'Downloading Packages:' : 'Downloading packages:');
    adds.forEach((i, k) => {
      const file = `${nvra(i.p)}.rpm`;
      lines.push(dnf
        ? `(${k + 1}/${adds.length}): ${file.padEnd(44).slice(0, 44)} 10 MB/s | ${human(pkgSize(i.p), true).padStart(5)}     00:00`
        : `${file.padEnd(55).slice(0, 55)} | ${human(pkgSize(i.p), false).padStart(7)}  00:00:00`);
    });
  }
  lines.push('Running transaction check');
  if (dnf) lines.push('Transaction check succeeded.', 'Running transaction test', 'Transaction test succeeded.', 'Running transaction', '  Preparing        :                                                        1/1');
  else lines.push('Running transaction test', 'Transaction test succeeded', 'Running transaction');
  items.forEach((i, k) => {
    const verb = i.role === 'remove' || i.role === 'depremove' ? (dnf ? 'Erasing          ' : 'Erasing    ')
      : i.role === 'upgrade' ? (dnf ? 'Upgrading        ' : 'Updating   ')
        : i.role === 'downgrade' ? (dnf ? 'Downgrading      ' : 'Installing ') : (dnf ? 'Installing       ' : 'Installing ');
    lines.push(`  ${verb}: ${nvra(i.p).padEnd(dnf ? 50 : 60)} ${k + 1}/${n}`);
  });
  items.forEach((i, k) => lines.push(`  ${dnf ? 'Verifying        ' : 'Verifying  '}: ${nvra(i.p).padEnd(dnf ? 50 : 60)} ${k + 1}/${n}`));
  lines.push('');
  const section = (title: string, list: TxItem[]): void => {
    if (!list.length) return;
    lines.push(title);
    if (dnf) lines.push('  ' + list.map((i) => nvra(i.p)).join('  '));
    else lines.push('  ' + list.map((i) => `${i.p.name}.${i.p.arch} ${i.p.epoch}:${i.p.version}-${i.p.release}`).join('  '));
    lines.push('');
  };
  if (dnf) {
    section('Upgraded:', items.filter((i) => i.role === 'upgrade'));
    section('Downgraded:', items.filter((i) => i.role === 'downgrade'));
    section('Installed:', items.filter((i) => i.role === 'install' || i.role === 'dep'));
    section('Removed:', items.filter((i) => i.role === 'remove' || i.role === 'depremove'));
  } else {
    section('Installed:', items.filter((i) => i.role === 'install'));
    section('Dependency Installed:', items.filter((i) => i.role === 'dep'));
    section('Updated:', items.filter((i) => i.role === 'upgrade'));
    section('Removed:', items.filter((i) => i.role === 'downgrade').map((i) => ({ ...i, p: i.old ?? i.p })));
    section('Installed:', items.filter((i) => i.role === 'downgrade'));
    section('Removed:', items.filter((i) => i.role === 'remove'));
    section('Dependency Removed:', items.filter((i) => i.role === 'depremove'));
  }
  lines.push('Complete!');
  return lines.join('\n') + '\n';
}

/** yum's "repo id / repo name / status" table line. */
export function repolistLine(r: RepoConf, count: number | undefined, dnf: boolean, releasever: string): string {
  const id = dnf ? r.id : `${r.id}/${releasever}/x86_64`;
  if (dnf) return `${r.id.padEnd(30)} ${r.name}`;
  return `${id.padEnd(32)} ${r.name.padEnd(42).slice(0, 42)} ${count === undefined ? '' : count.toLocaleString('en-US').padStart(6)}`;
}
