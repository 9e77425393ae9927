/** kernel: the optional kernel upgrade, modules (IPVS, br_netfilter, conntrack by kernel version) and sysctl settings. */
import type { Cluster } from '../inventory/model.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { kernelModules, sysctlEntries } from '../render/sysctl.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { factsAfterUpgrade, kernelUpgradeStep, upgradeApplies, upgradePending } from './kernel-upgrade.ts';
import { fileFrom, makeStep, perHost } from './step.ts';
import type { HostStep, Phase } from './types.ts';

export function kernelPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'kernel',
    title: 'Kernel modules and settings',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const hostFacts = facts[h.name];
      if (!hostFacts) throw new Error(`no facts for host ${h.name}`);
      const plain = ctxFor(cluster, facts, h);
      // a host that is already a node is never rebooted behind the cluster's back (no drain, and
      // every master at once would take the control plane down): the upgrade is left to the user
      const onNode = upgradePending(cluster, hostFacts) && hostFacts.isNode;
      const pending = upgradePending(cluster, hostFacts) && !onNode;
      // while an upgrade is pending, modules and sysctl are those of the kernel the host reboots into
      const ctx = pending ? ctxFor(cluster, { [h.name]: factsAfterUpgrade(cluster, hostFacts) }, h) : plain;
      const modules = kernelModules(ctx);
      const sysctl = sysctlEntries(ctx);
      const upgrade = onNode ? undefined : kernelUpgradeStep(plain);
      const notes: string[] = [];
      if (upgrade && pending) notes.push(`for the upgraded kernel (running ${hostFacts.kernel} until kernel.upgrade reboots the host)`);
      if (onNode) {
        notes.push(`os.kernelUpgrade: ${h.name} is already a node running ${hostFacts.kernel}; kubeforge does not reboot running nodes: drain it, upgrade and reboot it yourself, then re-run up`);
      }
      if (cluster.os.kernelUpgrade && !upgradeApplies(cluster, hostFacts)) {
        notes.push(`os.kernelUpgrade: ${hostFacts.family} kernel ${hostFacts.kernel} is recent enough, no upgrade`);
      }
      const steps: HostStep[] = upgrade ? [upgrade] : [];
      steps.push(
        makeStep(ctx, {
          id: 'kernel.modules',
          title: `kernel modules (${modules.join(' ')})`,
          files: [fileFrom(ctx, HOST_PATHS.modulesFile, 'modules-load.conf.hbs', { vars: { modules } })],
          vars: { modules },
          notes,
        }),
        makeStep(ctx, {
          id: 'kernel.sysctl',
          title: 'sysctl settings (keys this kernel lacks are skipped and reported)',
          files: [fileFrom(ctx, HOST_PATHS.sysctlFile, 'sysctl-k8s.conf.hbs', { vars: { sysctl } })],
        }),
      );
      return steps;
    }),
  };
}
