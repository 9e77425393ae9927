/**
 * The optional kernel upgrade (os.kernelUpgrade): EL7's stock 3.10 kernel gets ELRepo's
 * long-term kernel-lt, made the boot default, and the host reboots into it. EL8/EL9 kernels
 * are recent enough and are left alone.
 */
import type { Cluster } from '../inventory/model.ts';
import type { HostContext } from '../render/context.ts';
import { kernelAtLeast } from '../render/kernel.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { fileFrom, makeStep } from './step.ts';
import type { HostFacts, HostStep } from './types.ts';

/** ELRepo's long-term kernel package and the oldest release of it that counts as upgraded. */
export const KERNEL_UPGRADE = { package: 'kernel-lt', repoId: 'elrepo-kernel', major: 5, minor: 4 } as const;

/** The release the modules and sysctl steps are rendered for while the upgrade is pending. */
export const UPGRADED_KERNEL_NOMINAL = `${KERNEL_UPGRADE.major}.${KERNEL_UPGRADE.minor}.0-1.el7.elrepo.x86_64`;

export const upgradeApplies = (cluster: Cluster, facts: HostFacts): boolean =>
  cluster.os.kernelUpgrade && facts.family === 'el7';

export const upgradePending = (cluster: Cluster, facts: HostFacts): boolean =>
  upgradeApplies(cluster, facts) && !kernelAtLeast(facts.kernel, KERNEL_UPGRADE.major, KERNEL_UPGRADE.minor);

/**
 * The facts the kernel phase renders with: while the upgrade is pending, the modules and
 * sysctl keys must be those of the kernel the host reboots into (nf_conntrack, no
 * tcp_tw_recycle), since the upgrade step runs first and they apply after the reboot.
 */
export const factsAfterUpgrade = (cluster: Cluster, facts: HostFacts): HostFacts =>
  upgradePending(cluster, facts) ? { ...facts, kernel: UPGRADED_KERNEL_NOMINAL } : facts;

const ELREPO_KEY = 'RPM-GPG-KEY-elrepo.org';

/** ELRepo publishes its key at the root of the tree the kernel repo hangs under. */
export function elrepoKeyUrl(baseurl: string): string {
  const i = baseurl.indexOf('/elrepo/');
  return i >= 0 ? `${baseurl.slice(0, i)}/elrepo/${ELREPO_KEY}` : `https://elrepo.org/${ELREPO_KEY}`;
}

export const ELREPO_REPO_FILE = `${HOST_PATHS.reposDir}/elrepo-kernel.repo`;

/** The kernel.upgrade step of an EL7 host (undefined when the upgrade does not apply). */
export function kernelUpgradeStep(ctx: HostContext): HostStep | undefined {
  if (!upgradeApplies(ctx.whole, ctx.facts)) return undefined;
  const baseurls = ctx.mirrors.elrepo;
  const keyUrls = [...new Set(baseurls.map(elrepoKeyUrl))];
  const vars = { baseurls, gpgkey: keyUrls[0] ?? '', keyUrls, ...KERNEL_UPGRADE, repoFile: ELREPO_REPO_FILE };
  return makeStep(ctx, {
    id: 'kernel.upgrade',
    title: `kernel upgrade to ELRepo ${KERNEL_UPGRADE.package} (>= ${KERNEL_UPGRADE.major}.${KERNEL_UPGRADE.minor}), reboot into it`,
    files: [fileFrom(ctx, ELREPO_REPO_FILE, 'elrepo-kernel.repo.hbs', { vars })],
    vars,
    heavy: true,
    reboot: true,
  });
}
