/**
 * The rpm database of a host (persist().rpms) and what installing / removing a package
 * does to the host's files: command links to the lab client, unit files, config files.
 */
import type { InstalledRpm, SimContext } from '../api.ts';
import { basePackages, findDefinition, UNIT_FILES, type PackageDef } from '../data/packages.ts';
import { CLIENT, existsHost, linkHost, persistExtra, readHost, removeHost, writeHost } from './host.ts';
import { removeKernelFiles, writeGrubCfg, writeKernelFiles } from './kernel-files.ts';
import { findUnit, stopUnit, enableLinks } from './units.ts';
import type { NevraLike } from './rpmver.ts';

export const installedList = (ctx: SimContext): InstalledRpm[] => Object.values(ctx.persist().rpms);

/** Definition of an installed package (for its epoch, requires, files). */
export function definitionOf(ctx: SimContext, r: InstalledRpm): PackageDef | undefined {
  return findDefinition(r.name, r.version, r.release, ctx.host.os);
}

export function asNevra(ctx: SimContext, r: InstalledRpm): NevraLike {
  return { name: r.name, epoch: definitionOf(ctx, r)?.epoch ?? 0, version: r.version, release: r.release, arch: r.arch };
}

/** Imported GPG keys (rpm --import, yum's key import): URL or file path -> key name. */
export const importedKeys = (ctx: SimContext): Record<string, string> => persistExtra(ctx, 'gpgKeys', () => ({}));

/** Kernels installed (boot entries), newest last. */
export const installedKernels = (ctx: SimContext): string[] =>
  persistExtra(ctx, 'kernels', () => [ctx.persist().defaultKernel]);

/** Write a package's files on the host. */
export function writePackageFiles(ctx: SimContext, def: PackageDef): void {
  for (const c of def.commands) linkHost(ctx, CLIENT, c);
  for (const u of def.units) if (UNIT_FILES[u] && !existsHost(ctx, `/usr/lib/systemd/system/${u}`)) writeHost(ctx, `/usr/lib/systemd/system/${u}`, UNIT_FILES[u], 0o644);
  for (const f of def.files) {
    if (f.config && readHost(ctx, f.path) !== undefined) continue;
    writeHost(ctx, f.path, f.content, f.mode ?? 0o644);
  }
}

export function recordInstall(ctx: SimContext, def: PackageDef, repo: string): void {
  ctx.persist().rpms[def.name] = {
    name: def.name, version: def.version, release: def.release, arch: def.arch, repo, installedAt: ctx.now(),
  };
  if (def.kernel) {
    const ks = installedKernels(ctx);
    if (!ks.includes(def.kernel)) ks.push(def.kernel);
    writeKernelFiles(ctx, def.kernel);
    writeGrubCfg(ctx, ks);
  }
}

/** Remove a package: stop and disable its services, remove its files (edited configs are kept as .rpmsave). */
export async function removePackage(ctx: SimContext, name: string): Promise<void> {
  const r = ctx.persist().rpms[name];
  if (!r) return;
  const def = definitionOf(ctx, r);
  if (def) {
    for (const u of def.units) {
      const unit = findUnit(ctx, u);
      if (unit && !unit.masked) {
        await stopUnit(ctx, unit);
        for (const l of enableLinks(unit)) removeHost(ctx, l);
      }
      removeHost(ctx, `/usr/lib/systemd/system/${u}`);
    }
    for (const c of def.commands) removeHost(ctx, c);
    for (const f of def.files) {
      const cur = readHost(ctx, f.path);
      if (cur === undefined) continue;
      if (f.config && cur !== f.content) writeHost(ctx, `${f.path}.rpmsave`, cur);
      removeHost(ctx, f.path);
    }
    if (def.kernel) {
      const ks = installedKernels(ctx);
      const i = ks.indexOf(def.kernel);
      if (i >= 0) ks.splice(i, 1);
      removeKernelFiles(ctx, def.kernel);
      writeGrubCfg(ctx, ks);
    }
  }
  delete ctx.persist().rpms[name];
}

/** Base packages of the profile into an empty rpmdb (first boot), with their unit files. */
export function ensureBaseRpmdb(ctx: SimContext): void {
  const rpms = ctx.persist().rpms;
  if (Object.keys(rpms).length > 0) return;
  for (const def of basePackages(ctx.host.os)) {
    rpms[def.name] = { name: def.name, version: def.version, release: def.release, arch: def.arch, repo: 'anaconda', installedAt: ctx.now() };
    for (const u of def.units) if (UNIT_FILES[u] && !existsHost(ctx, `/usr/lib/systemd/system/${u}`)) writeHost(ctx, `/usr/lib/systemd/system/${u}`, UNIT_FILES[u], 0o644);
  }
  // the installer's kernel, with its /boot and /usr/lib/modules files
  for (const k of installedKernels(ctx)) writeKernelFiles(ctx, k);
  writeGrubCfg(ctx, installedKernels(ctx));
}
