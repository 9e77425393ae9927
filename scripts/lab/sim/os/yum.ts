/**
 * yum (3.4 on CentOS 7) and dnf (4 on Rocky 9, where `yum` is dnf): install/remove/list/
 * makecache/repolist/clean over the host's repo files and the lab's mirror table.
 * Every command that needs metadata reaches every enabled repository first, as the real
 * ones do (skip_if_unavailable=0): one dead repo fails the whole command.
 */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { channelPackages, type PackageDef } from '../data/packages.ts';
import { knownGpgKey } from '../data/mirrors.ts';
import { existsHost, hostZone, listHost, profile, readHost, strftime, writeHost } from './host.ts';
import { fetchUrl, loadRepos, mainConf, parseIni, reachRepo, type RepoConf } from './repos.ts';
import { asNevra, definitionOf, importedKeys, installedList, recordInstall, removePackage, writePackageFiles } from './rpmdb.ts';
import { evrcmp, evrText, globRe, matchesArg, nvra, parseEvr, rpmvercmp } from './rpmver.ts';
import { CENTOS_WIKI, dnfUrlError, repolistLine, txRun, txTable, yumCurlError, yumFailBox, yumUrlError, type TxItem } from './yumtext.ts';

interface Opts {
  yes: boolean;
  quiet: boolean;
  nogpgcheck: boolean;
  disableExcludes: string[];
  setopts: Record<string, string>;
  enable: string[];
  disable: string[];
  showDuplicates: boolean;
  excludes: string[];
  /** -c FILE: the config file instead of /etc/yum.conf or /etc/dnf/dnf.conf */
  config?: string;
  pos: string[];
}

function parseOpts(argv: string[]): Opts | undefined {
  const o: Opts = { yes: false, quiet: false, nogpgcheck: false, disableExcludes: [], setopts: {}, enable: [], disable: [], showDuplicates: false, excludes: [], pos: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (name: string): string | undefined => {
      if (a === name) return argv[++i];
      if (a.startsWith(name + '=')) return a.slice(name.length + 1);
      return undefined;
    };
    let v: string | undefined;
    if (a === '-y' || a === '--assumeyes') o.yes = true;
    else if (a === '-q' || a === '--quiet') o.quiet = true;
    else if (a === '--nogpgcheck') o.nogpgcheck = true;
    else if (a === '--showduplicates') o.showDuplicates = true;
    else if (['--nobest', '--best', '--allowerasing', '--noplugins', '-v', '--verbose', '--refresh', '--color=never', '--obsoletes', '--assumeno'].includes(a)) continue;
    else if ((v = val('--disableexcludes')) !== undefined) o.disableExcludes.push(...v.split(','));
    else if ((v = val('--setopt')) !== undefined) {
      const eq = v.indexOf('=');
      if (eq > 0) o.setopts[v.slice(0, eq)] = v.slice(eq + 1);
    } else if ((v = val('--config')) !== undefined || (v = val('-c')) !== undefined) o.config = v;
    else if ((v = val('--enablerepo')) !== undefined) o.enable.push(...v.split(','));
    else if ((v = val('--disablerepo')) !== undefined) o.disable.push(...v.split(','));
    else if ((v = val('--exclude')) !== undefined || (v = val('-x')) !== undefined) o.excludes.push(...v.split(','));
    else if ((v = val('--disableplugin')) !== undefined || (v = val('--enableplugin')) !== undefined || (v = val('-d')) !== undefined || (v = val('-e')) !== undefined || (v = val('--color')) !== undefined) continue;
    else if (/^-[dex]\d*$/.test(a)) continue;
    else if (a.startsWith('-')) return undefined;
    else o.pos.push(a);
  }
  return o;
}

interface Avail {
  def: PackageDef;
  repo: string;
}

interface Ctx {
  ctx: SimContext;
  dnf: boolean;
  o: Opts;
  out: string[];
  err: string[];
  repos: RepoConf[];
  avail: Avail[];
}

const matchAny = (name: string, pats: string[]): boolean => pats.some((p) => globRe(p).test(name));
const asN = (d: PackageDef): { name: string; epoch: number; version: string; release: string; arch: string } =>
  ({ name: d.name, epoch: d.epoch, version: d.version, release: d.release, arch: d.arch });

function enabledRepos(c: Ctx, all: RepoConf[]): RepoConf[] {
  return all.filter((r) => {
    let on = r.enabled;
    for (const p of c.o.disable) if (globRe(p).test(r.id)) on = false;
    for (const p of c.o.enable) if (globRe(p).test(r.id)) on = true;
    return on;
  });
}

const KUBE_TRIO = new Set(['kubeadm', 'kubelet', 'kubectl']);

/** A mirror that stopped syncing (lab fault stale-mirror): the newest Kubernetes version it has. */
function staleNewest(ctx: SimContext, baseurl: string): string | undefined {
  const hit = Object.entries(ctx.faults().staleMirrors).find(([prefix]) => baseurl.startsWith(prefix));
  return hit?.[1];
}

/** Reach every enabled repo; on a fatal failure, the command's output and exit code. */
async function loadMetadata(c: Ctx): Promise<CommandResult | undefined> {
  const { ctx, dnf } = c;
  const main = mainConf(ctx, c.o.setopts, c.o.config);
  c.repos = enabledRepos(c, loadRepos(ctx, c.o.setopts, main));
  const releasever = profile(ctx).releasever;
  for (const r of c.repos) {
    const reach = await reachRepo(ctx, r);
    if (reach.ok) {
      // mirrors that failed before one answered: yum 3 says so, dnf stays quiet
      if (!dnf) for (const f of reach.failures) c.err.push(`${yumUrlError(f)}\nTrying other mirror.`);
      const mainEx = c.o.disableExcludes.includes('all') || c.o.disableExcludes.includes('main') ? [] : [...main.exclude, ...c.o.excludes];
      const repoEx = c.o.disableExcludes.includes('all') || c.o.disableExcludes.includes(r.id) ? [] : r.exclude;
      const newest = staleNewest(ctx, reach.url);
      for (const def of channelPackages(reach.repo.channel)) {
        if (newest && KUBE_TRIO.has(def.name) && rpmvercmp(def.version, newest) > 0) continue;
        if (matchAny(def.name, mainEx) || matchAny(def.name, repoEx)) continue;
        if (r.includepkgs.length && !matchAny(def.name, r.includepkgs)) continue;
        c.avail.push({ def, repo: r.id });
      }
      if (dnf && !c.o.quiet) c.out.push(`${r.name.padEnd(48).slice(0, 48)} 1.2 MB/s | 2.3 MB     00:01    `);
      continue;
    }
    if (r.skipIfUnavailable) {
      if (dnf) c.err.push(`Ignoring repositories: ${r.id}`);
      else c.err.push(`${reach.failures.map(yumUrlError).join('\n')}\n Skipping unavailable repo: ${r.id}`.trim());
      continue;
    }
    if (dnf) {
      if (reach.badSignature) {
        return fail(1, `Error: Failed to download metadata for repo '${r.id}': repomd.xml GPG signature verification error: Bad GPG signature\n`);
      }
      if (reach.mirrorlistFailure) {
        const f = reach.mirrorlistFailure;
        return fail(1, `Error: Failed to download metadata for repo '${r.id}': Cannot prepare internal mirrorlist: ${dnfUrlError(f).replace(/^ {2}- /, '')}\n`);
      }
      if (reach.noBaseurl) return fail(1, `Error: Cannot find a valid baseurl for repo: ${r.id}\n`);
      c.out.push(`${r.name.padEnd(48).slice(0, 48)} 0.0  B/s |   0  B     00:00    `);
      return fail(1, `Errors during downloading metadata for repository '${r.id}':\n${reach.failures.map(dnfUrlError).join('\n')}\nError: Failed to download metadata for repo '${r.id}': Cannot download repomd.xml: Cannot download repodata/repomd.xml: All mirrors were tried\n`);
    }
    const stdout = '';
    if (reach.badSignature) {
      return fail(1, `${reach.url}: [Errno -1] repomd.xml signature could not be verified for ${r.id}\nTrying other mirror.\n${yumFailBox(r.name, r.id)}failure: repodata/repomd.xml from ${r.id}: [Errno 256] No more mirrors to try.\n${reach.url}: [Errno -1] repomd.xml signature could not be verified for ${r.id}\n`, stdout);
    }
    if (reach.noBaseurl && r.metalink && !r.mirrorlist) {
      return fail(1, `One of the configured repositories failed (${r.name}),\n and yum doesn't have enough cached data to continue.${yumFailBox(r.name, r.id).split('and yum doesn\'t have enough cached data to continue.')[1]}Cannot retrieve metalink for repository: ${r.id}/x86_64. Please verify its path and try again\n`, stdout);
    }
    if (reach.noBaseurl) {
      const ml = reach.mirrorlistFailure;
      const head = ml ? `Could not retrieve mirrorlist ${ml.url} error was\n${yumCurlError(ml)}\n` : '';
      return fail(1, `${head}${yumFailBox('Unknown', '<repoid>')}Cannot find a valid baseurl for repo: ${r.id}/${releasever}/x86_64\n`, stdout);
    }
    const lines = reach.failures.map(yumUrlError);
    return fail(1, `${lines.map((l, i) => `${l}\nTrying other mirror.\n${i === 0 ? CENTOS_WIKI : ''}`).join('')}${yumFailBox(r.name, r.id)}failure: repodata/repomd.xml from ${r.id}: [Errno 256] No more mirrors to try.\n${lines.join('\n')}\n`, stdout);
  }
  return undefined;
}

const newest = (list: Avail[]): Avail | undefined =>
  list.reduce<Avail | undefined>((best, a) => (!best || evrcmp(asN(a.def), asN(best.def)) > 0 ? a : best), undefined);

function header(c: Ctx): void {
  if (c.o.quiet) return;
  if (!c.dnf) c.out.push('Loaded plugins: fastestmirror', 'Loading mirror speeds from cached hostfile');
}

function done(c: Ctx, code = 0): CommandResult {
  return { code, stdout: c.out.length ? c.out.join('\n') + '\n' : '', stderr: c.err.length ? c.err.join('\n') + '\n' : '' };
}

/** Ask "Is this ok"; -y or a `y` on stdin says yes. */
async function confirm(c: Ctx): Promise<boolean> {
  if (c.o.yes) return true;
  const answer = (await c.ctx.readStdin()).toString('utf8').trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/** Key ids and user ids of the distributions' own key files. */
const FILE_KEYS: Record<string, [string, string]> = {
  'RPM-GPG-KEY-CentOS-7': ['F4A80EB5', 'CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>'],
  'RPM-GPG-KEY-Rocky-9': ['350D275D', 'Rocky Enterprise Software Foundation - Release key 2022 <releng@rockylinux.org>'],
  'RPM-GPG-KEY-EPEL-7': ['352C64E5', 'Fedora EPEL (7) <epel@fedoraproject.org>'],
  'RPM-GPG-KEY-elrepo.org': ['BAADAE52', 'elrepo.org (RPM Signing Key for elrepo.org) <secure@elrepo.org>'],
  gpg: ['621E9F35', 'Docker Release (CE rpm) <docker@docker.com>'],
  'repomd.xml.key': ['9A296436', 'isv:kubernetes OBS Project <isv:kubernetes@build.opensuse.org>'],
};
const keyId = (k: string): string => Buffer.from(k).toString('hex').slice(-8).toUpperCase();
/** Which key a URL or file holds: the distributions' key files by name, mirrors' keys by the table. */
const keyIdentity = (u: string): string => FILE_KEYS[u.split('/').pop() as string]?.[0] ?? knownGpgKey(u) ?? u;

/** yum's GPG key checks and imports for the packages of a transaction. */
async function gpgCheck(c: Ctx, items: TxItem[]): Promise<string | undefined> {
  if (c.o.nogpgcheck) return undefined;
  const keys = importedKeys(c.ctx);
  for (const repoId of [...new Set(items.filter((i) => i.role !== 'remove' && i.role !== 'depremove').map((i) => i.repo))]) {
    const r = c.repos.find((x) => x.id === repoId);
    if (!r || !r.gpgcheck) continue;
    const first = items.find((i) => i.repo === repoId);
    if (r.gpgkeys.length === 0) {
      return c.dnf
        ? `warning: Unable to find a public key for ${first ? nvra(first.p) : repoId}.rpm\nError: GPG check FAILED\n`
        : `\n\nPublic key for ${first ? nvra(first.p) : repoId}.rpm is not installed\n\n\nFailing package is: ${first ? `${first.p.name}-${first.p.version}-${first.p.release}.${first.p.arch}` : ''}\n GPG Keys are configured as: \n\n`;
    }
    for (const k of r.gpgkeys) {
      // yum fetches a repo's gpgkey only when the signing key is not in the rpmdb yet: the same
      // key imported earlier from another URL (rpm --import from a mirror) counts
      if (keys[k] || Object.keys(keys).some((u) => keyIdentity(u) === keyIdentity(k))) continue;
      let name: string | undefined;
      if (k.startsWith('file://')) {
        const p = k.slice('file://'.length);
        if (!existsHost(c.ctx, p)) {
          return c.dnf
            ? `Curl error (37): Couldn't read a file:// file for ${k} [Couldn't open file ${p}]\nError: GPG check FAILED\n`
            : `\n\nGPG key retrieval failed: [Errno 14] curl#37 - "Couldn't open file ${p}"\n`;
        }
        name = FILE_KEYS[p.split('/').pop() as string]?.[1] ?? `${repoId} signing key`;
      } else {
        const f = await fetchUrl(c.ctx, k);
        const known = knownGpgKey(k);
        name = f.ok && known ? (FILE_KEYS[k.split('/').pop() as string]?.[1] ?? known) : undefined;
        if (!name) {
          const why = f.failure ? yumUrlError(f.failure).replace(`${k}: `, '') : '[Errno 14] HTTPS Error 404 - Not Found';
          return c.dnf ? `Curl error: ${why}\nError: GPG check FAILED\n` : `\n\nGPG key retrieval failed: ${why}\n`;
        }
      }
      const id = FILE_KEYS[k.split('/').pop() as string]?.[0] ?? keyId(k);
      c.out.push(`${c.dnf ? '' : `Retrieving key from ${k}\n`}Importing GPG key 0x${id}:`, ` Userid     : "${name}"`, ` From       : ${k.replace(/^file:\/\//, '')}`);
      if (!c.o.yes) return c.dnf ? 'Error: GPG check FAILED\n' : '\n\nGPG key retrieval failed: user declined\n';
      if (c.dnf) c.out.push('Key imported successfully');
      keys[k] = name;
    }
  }
  return undefined;
}

/** Resolve install arguments into a transaction (requested + dependencies). */
function resolveInstall(c: Ctx, args: string[], downgrade = false): { items: TxItem[]; missing: string[]; already: string[]; depError?: string } {
  const installed = c.ctx.persist().rpms;
  const items: TxItem[] = [];
  const missing: string[] = [];
  const already: string[] = [];
  const chosen = new Map<string, Avail>();
  for (const arg of args) {
    let matches = c.avail.filter((a) => matchesArg(asN(a.def), arg));
    // no package of that name: yum and dnf look for a package providing it
    if (!matches.length) matches = c.avail.filter((a) => (a.def.provides ?? []).includes(arg));
    const instMatch = installedList(c.ctx).filter((r) => matchesArg(asNevra(c.ctx, r), arg));
    if (!matches.length) {
      if (instMatch.length) {
        already.push(c.dnf ? `Package ${nvra(asNevra(c.ctx, instMatch[0]))} is already installed.` : `Package ${evrPrefix(asNevra(c.ctx, instMatch[0]))} already installed and latest version`);
      } else missing.push(arg);
      continue;
    }
    const byName = new Map<string, Avail[]>();
    for (const m of matches) byName.set(m.def.name, [...(byName.get(m.def.name) ?? []), m]);
    for (const [name, list] of byName) {
      const best = newest(list) as Avail;
      const cur = installed[name];
      if (cur) {
        const curN = asNevra(c.ctx, cur);
        const cmp = evrcmp(asN(best.def), curN);
        if (cmp === 0) {
          already.push(c.dnf ? `Package ${nvra(curN)} is already installed.` : `Package ${evrPrefix(curN)} already installed and latest version`);
          continue;
        }
        // dnf's install and both tools' downgrade go back; yum 3's install does not
        if (cmp < 0 && !downgrade && !c.dnf) {
          already.push(c.dnf ? `Package ${nvra(curN)} is already installed.` : `Package matching ${evrPrefix(asN(best.def))} already installed. Checking for update.`);
          continue;
        }
      }
      chosen.set(name, best);
    }
  }
  for (const [name, a] of chosen) {
    const cur = installed[name];
    const older = cur && evrcmp(asN(a.def), asNevra(c.ctx, cur)) < 0;
    if (downgrade && !cur) continue;
    items.push({ p: asN(a.def), repo: a.repo, role: older ? 'downgrade' : cur ? 'upgrade' : 'install', old: cur ? asNevra(c.ctx, cur) : undefined });
  }
  // dependencies: satisfied by what is installed or in the transaction, else the newest candidate
  const defOf = (x: TxItem): PackageDef | undefined =>
    c.avail.find((a) => a.def.name === x.p.name && a.def.version === x.p.version && a.def.release === x.p.release)?.def;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const def = defOf(it);
    for (const req of def?.requires ?? []) {
      const min = req.min ? parseEvr(req.min) : undefined;
      const ok = (n: { epoch: number; version: string; release?: string }): boolean => !min || evrcmp(n, min) >= 0;
      const provides = (d: PackageDef | undefined, n: string): boolean => !!d && (d.name === n || (d.provides ?? []).includes(n));
      const inTx = items.find((x) => x.p.name === req.name || provides(defOf(x), req.name));
      if (inTx && ok(inTx.p)) continue;
      const inst = installed[req.name] ?? installedList(c.ctx).find((r) => provides(definitionOf(c.ctx, r), req.name));
      if (inst && ok(asNevra(c.ctx, inst)) && !inTx) continue;
      const cand = newest(c.avail.filter((a) => provides(a.def, req.name) && ok(asN(a.def))));
      if (!cand) {
        const need = `${req.name}${req.min ? ` >= ${req.min}` : ''}`;
        const who = `${it.p.epoch ? it.p.epoch + ':' : ''}${nvra(it.p)}`;
        return {
          items, missing, already,
          depError: c.dnf
            ? `Error: \n Problem: cannot install the best candidate for the job\n  - nothing provides ${need} needed by ${it.p.name}-${it.p.epoch ? it.p.epoch + ':' : ''}${it.p.version}-${it.p.release}.${it.p.arch}\n(try to add '--skip-broken' to skip uninstallable packages or '--nobest' to use not only best candidate packages)\n`
            : `Error: Package: ${who} (${it.repo})\n           Requires: ${need}\n You could try using --skip-broken to work around the problem\n You could try running: rpm -Va --nofiles --nodigest\n`,
        };
      }
      if (inTx) continue;
      const upgrading = inst && inst.name === cand.def.name;
      items.push({ p: asN(cand.def), repo: cand.repo, role: upgrading ? 'upgrade' : 'dep', old: upgrading && inst ? asNevra(c.ctx, inst) : undefined });
    }
  }
  return { items, missing, already };
}

const evrPrefix = (p: { name: string; epoch: number; version: string; release: string; arch: string }): string =>
  `${p.epoch ? p.epoch + ':' : ''}${nvra(p)}`;

async function install(c: Ctx, args: string[], isUpdate: boolean, downgrade = false): Promise<CommandResult> {
  const { ctx, dnf } = c;
  if (args.some((a) => a.includes('/') || a.endsWith('.rpm'))) return unsupported(ctx);
  const failed = await loadMetadata(c);
  if (failed) return { ...failed, stdout: (c.out.length ? c.out.join('\n') + '\n' : '') + String(failed.stdout ?? '') };
  if (isUpdate && args.length === 0) {
    if (dnf) c.out.push('Dependencies resolved.', 'Nothing to do.', 'Complete!');
    else c.out.push('No packages marked for update');
    return done(c);
  }
  if (dnf && !c.o.quiet) c.out.push(`Last metadata expiration check: 0:00:01 ago on ${strftime('%a %d %b %Y %I:%M:%S %p %Z', hostZone(ctx), ctx.now())}.`);
  const r = resolveInstall(c, args, downgrade);
  for (const a of r.already) c.out.push(a);
  if (r.missing.length) {
    if (dnf) {
      for (const m of r.missing) c.out.push(`No match for argument: ${m}`);
      c.err.push(`Error: Unable to find a match: ${r.missing.join(' ')}`);
      return done(c, 1);
    }
    for (const m of r.missing) c.out.push(`No package ${m} available.`);
  }
  if (r.depError) {
    if (!dnf) c.out.push('Resolving Dependencies', '--> Running transaction check', '--> Finished Dependency Resolution');
    c.err.push(r.depError.trimEnd());
    return done(c, 1);
  }
  if (r.items.length === 0) {
    if (dnf) {
      c.out.push('Dependencies resolved.', 'Nothing to do.', 'Complete!');
      return done(c);
    }
    if (r.missing.length && !r.already.length) {
      c.err.push('Error: Nothing to do');
      return done(c, 1);
    }
    c.out.push('Nothing to do');
    return done(c);
  }
  if (ctx.uid !== 0) return rootOnly(c);
  if (!dnf) {
    c.out.push('Resolving Dependencies', '--> Running transaction check');
    for (const it of r.items) c.out.push(`---> Package ${it.p.name}.${it.p.arch} ${it.p.epoch}:${it.p.version}-${it.p.release} will be ${it.role === 'upgrade' ? 'an update' : it.role === 'downgrade' ? 'a downgrade' : 'installed'}`);
    c.out.push('--> Finished Dependency Resolution', '', 'Dependencies Resolved', '');
  } else c.out.push('Dependencies resolved.');
  c.out.push(txTable(r.items, dnf).trimEnd());
  if (!(await confirm(c))) {
    c.out.push(dnf ? 'Is this ok [y/N]: Operation aborted.' : 'Is this ok [y/d/N]: Exiting on user command', ...(dnf ? [] : ['Your transaction was saved, rerun it with:', ' yum load-transaction /tmp/yum_save_tx.2026-01-01.00-00.kflab.yumtx']));
    return done(c, 1);
  }
  const gpg = await gpgCheck(c, r.items);
  if (gpg) {
    c.err.push(gpg.trimEnd());
    return done(c, 1);
  }
  await ctx.heavyDelay();
  for (const it of r.items) {
    const def = c.avail.find((a) => a.def.name === it.p.name && a.def.version === it.p.version && a.def.release === it.p.release)?.def;
    if (!def) continue;
    writePackageFiles(ctx, def);
    recordInstall(ctx, def, it.repo);
  }
  c.out.push(txRun(r.items, dnf).trimEnd());
  return done(c);
}

function rootOnly(c: Ctx): CommandResult {
  if (c.dnf) return fail(1, 'Error: This command has to be run with superuser privileges (under the root user on most systems).\n');
  return { code: 1, stdout: c.o.quiet ? '' : 'Loaded plugins: fastestmirror\n', stderr: 'You need to be root to perform this command.\n' };
}

async function remove(c: Ctx, args: string[]): Promise<CommandResult> {
  const { ctx, dnf } = c;
  if (ctx.uid !== 0) return rootOnly(c);
  const names = new Set<string>();
  for (const a of args) {
    const m = installedList(ctx).filter((r) => matchesArg(asNevra(ctx, r), a));
    if (!m.length) c.out.push(dnf ? `No match for argument: ${a}` : `No Match for argument: ${a}`);
    for (const r of m) names.add(r.name);
  }
  if (names.size === 0) {
    if (dnf) {
      c.err.push('Error: No packages marked for removal.');
      return done(c, 1);
    }
    c.out.push('No Packages marked for removal');
    return done(c, 1);
  }
  // installed packages requiring a removed one go too
  const items: TxItem[] = [...names].map((n) => ({ p: asNevra(ctx, ctx.persist().rpms[n]), repo: `@${ctx.persist().rpms[n].repo}`, role: 'remove' as const }));
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of installedList(ctx)) {
      if (names.has(r.name)) continue;
      const def = definitionOf(ctx, r);
      if (def?.requires.some((q) => names.has(q.name) && !installedList(ctx).some((o) => o.name === q.name && !names.has(o.name)))) {
        names.add(r.name);
        items.push({ p: asNevra(ctx, r), repo: `@${r.repo}`, role: 'depremove' });
        grew = true;
      }
    }
  }
  if (!dnf) c.out.push('Resolving Dependencies', '--> Running transaction check', ...items.map((i) => `---> Package ${i.p.name}.${i.p.arch} ${i.p.epoch}:${i.p.version}-${i.p.release} will be erased`), '--> Finished Dependency Resolution', '', 'Dependencies Resolved', '');
  else c.out.push('Dependencies resolved.');
  c.out.push(txTable(items, dnf).trimEnd());
  if (!(await confirm(c))) {
    c.out.push(dnf ? 'Is this ok [y/N]: Operation aborted.' : 'Is this ok [y/N]: Exiting on user command');
    return done(c, 1);
  }
  for (const i of items) await removePackage(ctx, i.p.name);
  c.out.push(txRun(items, dnf).trimEnd());
  return done(c);
}

async function list(c: Ctx, args: string[]): Promise<CommandResult> {
  const { ctx } = c;
  let which = 'all';
  if (['installed', 'available', 'all', 'updates', 'extras'].includes(args[0] ?? '')) which = args.shift() as string;
  const pats = args;
  const inst = installedList(ctx).map((r) => asNevra(ctx, r));
  const instRows = which === 'available' ? [] : inst.filter((p) => !pats.length || pats.some((a) => matchesArg(p, a)));
  let availRows: { p: ReturnType<typeof asN>; repo: string }[] = [];
  if (which !== 'installed') {
    const failed = await loadMetadata(c);
    if (failed) return { ...failed, stdout: (c.out.length ? c.out.join('\n') + '\n' : '') + String(failed.stdout ?? '') };
    let cands = c.avail.filter((a) => !pats.length || pats.some((p) => matchesArg(asN(a.def), p)));
    // installed exact versions are not "available"
    cands = cands.filter((a) => !inst.some((p) => p.name === a.def.name && p.version === a.def.version && p.release === a.def.release));
    if (!c.o.showDuplicates) {
      const best = new Map<string, Avail>();
      for (const a of cands) {
        const b = best.get(a.def.name);
        if (!b || evrcmp(asN(a.def), asN(b.def)) > 0) best.set(a.def.name, a);
      }
      // without --showduplicates only versions newer than the installed one show
      cands = [...best.values()].filter((a) => {
        const i = inst.find((p) => p.name === a.def.name);
        return !i || evrcmp(asN(a.def), i) > 0;
      });
    }
    availRows = cands.map((a) => ({ p: asN(a.def), repo: a.repo }))
      .sort((x, y) => x.p.name.localeCompare(y.p.name) || evrcmp(x.p, y.p));
  }
  if (!instRows.length && !availRows.length) {
    c.err.push('Error: No matching Packages to list');
    return done(c, 1);
  }
  const row = (p: { name: string; arch: string; epoch: number; version: string; release: string }, repo: string): string => {
    const na = `${p.name}.${p.arch}`;
    const evr = evrText(p);
    return c.dnf ? `${na.padEnd(38)} ${evr.padEnd(28)} ${repo}` : `${na.padEnd(33)} ${evr.padEnd(27)} ${repo}`;
  };
  if (instRows.length) {
    c.out.push('Installed Packages');
    for (const p of instRows.sort((a, b) => a.name.localeCompare(b.name))) c.out.push(row(p, `@${ctx.persist().rpms[p.name].repo}`));
  }
  if (availRows.length) {
    c.out.push('Available Packages');
    for (const r of availRows) c.out.push(row(r.p, r.repo));
  }
  return done(c);
}

async function repolist(c: Ctx, args: string[]): Promise<CommandResult> {
  const { ctx, dnf } = c;
  const all = args.includes('all');
  if (all || args.includes('disabled') || dnf) {
    const main = mainConf(ctx, c.o.setopts, c.o.config);
    const repos = loadRepos(ctx, c.o.setopts, main);
    const en = enabledRepos(c, repos);
    const shown = all ? repos : args.includes('disabled') ? repos.filter((r) => !en.includes(r)) : en;
    if (dnf) {
      c.out.push(`${'repo id'.padEnd(30)} repo name${all ? '                                    status' : ''}`);
      for (const r of shown) c.out.push(`${repolistLine(r, undefined, true, '')}${all ? (en.includes(r) ? ' enabled' : ' disabled') : ''}`);
      return done(c);
    }
  }
  const failed = await loadMetadata(c);
  if (failed) return { ...failed, stdout: (c.out.length ? c.out.join('\n') + '\n' : '') + String(failed.stdout ?? '') };
  c.out.push(`${'repo id'.padEnd(32)} ${'repo name'.padEnd(42)} status`);
  let total = 0;
  for (const r of c.repos) {
    const n = c.avail.filter((a) => a.repo === r.id).length;
    total += n;
    c.out.push(repolistLine(r, n, false, profile(ctx).releasever));
  }
  c.out.push(`repolist: ${total.toLocaleString('en-US')}`);
  return done(c);
}

export async function yum(ctx: SimContext): Promise<CommandResult> {
  const dnf = profile(ctx).dnf;
  const o = parseOpts(ctx.argv.slice(1));
  if (!o) return unsupported(ctx);
  const c: Ctx = { ctx, dnf, o, out: [], err: [], repos: [], avail: [] };
  const [cmd, ...args] = o.pos;
  if (!cmd) return unsupported(ctx);
  if (o.config !== undefined && !existsHost(ctx, o.config)) {
    return dnf ? fail(1, `Config error: Config file "${o.config}" does not exist\n`) : fail(1, `Config Error: Error accessing file for config file:///${o.config.replace(/^\//, '')}\n`);
  }
  if (['install', 'update', 'upgrade', 'remove', 'erase', 'reinstall', 'downgrade'].includes(cmd) && !dnf && ctx.uid !== 0) {
    header(c);
    return rootOnly(c);
  }
  switch (cmd) {
    case 'downgrade':
      if (dnf && ctx.uid !== 0) return rootOnly(c);
      if (args.length === 0) return fail(1, 'Error: Need to pass a list of pkgs to downgrade\n');
      header(c);
      return install(c, args, false, true);
    case 'install':
    case 'update':
    case 'upgrade':
      if (dnf && ctx.uid !== 0) return rootOnly(c);
      if (cmd === 'install' && args.length === 0) {
        return fail(1, dnf ? 'Error: Need to pass a list of pkgs to install\n' : 'Error: Need to pass a list of pkgs to install\n Mini usage:\n\ninstall PACKAGE...\n\nInstall a package or packages on your system\n\naliases: install-n, install-na, install-nevra\n');
      }
      header(c);
      return install(c, args, cmd !== 'install');
    case 'remove':
    case 'erase':
      header(c);
      return remove(c, args);
    case 'list':
      header(c);
      return list(c, args);
    case 'makecache': {
      if (args.some((a) => a !== 'fast' && a !== 'timer')) return unsupported(ctx);
      header(c);
      const failed = await loadMetadata(c);
      if (failed) return { ...failed, stdout: (c.out.length ? c.out.join('\n') + '\n' : '') + String(failed.stdout ?? '') };
      c.out.push(dnf ? 'Metadata cache created.' : 'Metadata Cache Created');
      return done(c);
    }
    case 'repolist':
      header(c);
      return repolist(c, args);
    case 'clean': {
      if (!['all', 'metadata', 'packages', 'expire-cache', 'dbcache'].includes(args[0] ?? '')) return unsupported(ctx);
      header(c);
      const repos = enabledRepos(c, loadRepos(ctx, o.setopts, mainConf(ctx, o.setopts, o.config)));
      if (dnf) c.out.push(`${repos.length * 7} files removed`);
      else c.out.push(`Cleaning repos: ${repos.map((r) => r.id).join(' ')}`, ...(args[0] === 'all' ? ['Cleaning up list of fastest mirrors'] : []));
      return done(c);
    }
    case 'check-update': {
      header(c);
      const failed = await loadMetadata(c);
      if (failed) return { ...failed, stdout: (c.out.length ? c.out.join('\n') + '\n' : '') + String(failed.stdout ?? '') };
      return done(c);
    }
    default:
      return unsupported(ctx);
  }
}

/** yum-config-manager (yum-utils) / `dnf config-manager`: --add-repo URL, --enable/--disable ID, --save --setopt. */
export async function yumConfigManager(ctx: SimContext, args: string[]): Promise<CommandResult> {
  const dnf = profile(ctx).dnf;
  const head = dnf ? '' : 'Loaded plugins: fastestmirror\n';
  if (ctx.uid !== 0) return dnf ? fail(1, 'Error: This command has to be run with superuser privileges (under the root user on most systems).\n') : fail(1, 'You need to be root to perform this command.\n', head);
  const addIdx = args.findIndex((a) => a === '--add-repo' || a.startsWith('--add-repo='));
  if (addIdx >= 0) {
    const url = args[addIdx].includes('=') ? args[addIdx].split('=').slice(1).join('=') : args[addIdx + 1];
    if (!url) return fail(1, 'Error: --add-repo needs an argument\n', head);
    const file = url.split('/').pop() as string;
    const f = await fetchUrl(ctx, url);
    if (!f.ok) {
      if (dnf) return fail(1, `Error: Configuration of repo failed\n${dnfUrlError(f.failure ?? { url, kind: 'dns', host: url, port: 0 })}\n`, `Adding repo from: ${url}\n`);
      return fail(1, `Could not fetch/save url ${url} to file /etc/yum.repos.d/${file}: ${yumUrlError(f.failure ?? { url, kind: 'dns', host: url, port: 0 }).replace(`${url}: `, '')}\n`, `${head}adding repo from: ${url}\ngrabbing file ${url} to /etc/yum.repos.d/${file}\n`);
    }
    writeHost(ctx, `/etc/yum.repos.d/${file}`, f.body, 0o644);
    return ok(dnf ? `Adding repo from: ${url}\n` : `${head}adding repo from: ${url}\ngrabbing file ${url} to /etc/yum.repos.d/${file}\nrepo saved to /etc/yum.repos.d/${file}\n`);
  }
  const enable = args.includes('--enable') || args.includes('--set-enabled');
  const disable = args.includes('--disable') || args.includes('--set-disabled');
  const ids = args.filter((a) => !a.startsWith('-'));
  if ((enable || disable) && ids.length) {
    for (const f of listHost(ctx, '/etc/yum.repos.d')) {
      const p = `/etc/yum.repos.d/${f}`;
      const text = readHost(ctx, p) ?? '';
      const secs = parseIni(text);
      if (![...secs.keys()].some((id) => ids.some((g) => globRe(g).test(id)))) continue;
      let cur: string | undefined;
      const out: string[] = [];
      const pending = new Set<string>();
      for (const line of text.split('\n')) {
        const s = /^\s*\[([^\]]+)\]/.exec(line);
        if (s) {
          if (cur && pending.has(cur)) out.push(`enabled=${enable ? 1 : 0}`);
          cur = s[1];
          if (ids.some((g) => globRe(g).test(cur as string))) pending.add(cur);
          out.push(line);
          continue;
        }
        if (cur && pending.has(cur) && /^\s*enabled\s*=/.test(line)) {
          out.push(`enabled=${enable ? 1 : 0}`);
          pending.delete(cur);
          continue;
        }
        out.push(line);
      }
      if (cur && pending.has(cur)) out.push(`enabled=${enable ? 1 : 0}`);
      writeHost(ctx, p, out.join('\n'));
    }
    return ok(head);
  }
  return unsupported(ctx);
}
