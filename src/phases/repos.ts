/** repos: yum/dnf repository files (CentOS vault on el7, EPEL, docker-ce, kubernetes) and base packages. */
import type { Cluster } from '../inventory/model.ts';
import { basePackages, repoFiles, yumVars } from '../render/repos.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { fileFrom, makeStep, perHost } from './step.ts';
import type { Phase } from './types.ts';

export function reposPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'repos',
    title: 'Package repositories and base packages',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const files = repoFiles(ctx).map((rf) => fileFrom(ctx, rf.path, 'repo.hbs', { backup: rf.replacesStock, vars: { repoFile: rf } }));
      const packages = basePackages(ctx);
      const yum = yumVars(ctx);
      return [
        makeStep(ctx, { id: 'repos.files', title: 'repository files and metadata cache', files, vars: { repoPaths: files.map((f) => f.path), ...yum }, heavy: true }),
        makeStep(ctx, { id: 'repos.base-packages', title: `base packages (${packages.join(' ')})`, vars: { packages, ...yum }, heavy: true }),
      ];
    }),
  };
}
