/** kernel: modules (IPVS, br_netfilter, conntrack by kernel version) and sysctl settings. */
import type { Cluster } from '../inventory/model.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { kernelModules, sysctlEntries } from '../render/sysctl.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { fileFrom, makeStep, perHost } from './step.ts';
import type { Phase } from './types.ts';

export function kernelPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'kernel',
    title: 'Kernel modules and settings',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const modules = kernelModules(ctx);
      const sysctl = sysctlEntries(ctx);
      return [
        makeStep(ctx, {
          id: 'kernel.modules',
          title: `kernel modules (${modules.join(' ')})`,
          files: [fileFrom(ctx, HOST_PATHS.modulesFile, 'modules-load.conf.hbs', { vars: { modules } })],
          vars: { modules },
          // honest about what is not done rather than silently ignoring the setting
          notes: cluster.os.kernelUpgrade ? ['os.kernelUpgrade is set, but kubeforge does not upgrade kernels yet: the steps target the running kernel'] : undefined,
        }),
        makeStep(ctx, {
          id: 'kernel.sysctl',
          title: 'sysctl settings (keys this kernel lacks are skipped and reported)',
          files: [fileFrom(ctx, HOST_PATHS.sysctlFile, 'sysctl-k8s.conf.hbs', { vars: { sysctl } })],
        }),
      ];
    }),
  };
}
