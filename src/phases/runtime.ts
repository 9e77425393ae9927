/** runtime: docker (<= 1.23, dockershim) or containerd, with the systemd cgroup driver. */
import type { Cluster } from '../inventory/model.ts';
import type { HostContext } from '../render/context.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { yumVars } from '../render/repos.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { fileFrom, makeStep, perHost } from './step.ts';
import type { Phase, StepFile } from './types.ts';

/** Docker Hub pull-through mirrors implied by the calico image mirrors (docker.m.daocloud.io/calico -> https://docker.m.daocloud.io). */
function dockerHubMirrors(ctx: HostContext): string[] {
  const hosts = ctx.mirrors.calicoImages.map((p) => p.split('/')[0]).filter((h) => h.startsWith('docker.') && h !== 'docker.io');
  return [...new Set(hosts)].map((h) => `https://${h}`);
}

export function runtimePackages(ctx: HostContext): string[] {
  const v = ctx.cluster.version;
  const containerd = `containerd.io-${v.containerdVersion}`;
  return ctx.docker ? [`docker-ce-${v.dockerVersion}`, `docker-ce-cli-${v.dockerVersion}`, containerd] : [containerd];
}

export function runtimePhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'runtime',
    title: `Container runtime (${cluster.cluster.containerRuntime})`,
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const packages = runtimePackages(ctx);
      const service = ctx.docker ? 'docker' : 'containerd';
      const pauseImage = `${cluster.cluster.imageRepository}/pause:${cluster.cluster.version.pauseVersion}`;
      const hubMirrors = dockerHubMirrors(ctx);
      const files: StepFile[] = ctx.docker
        ? [fileFrom(ctx, HOST_PATHS.dockerDaemon, 'docker-daemon.json.hbs', { backup: true, vars: { registryMirrors: hubMirrors } })]
        : [
            fileFrom(ctx, HOST_PATHS.containerdConfig, 'containerd-config.toml.hbs', {
              backup: true,
              // containerd 2.x reads config version 3 (new plugin names); 1.6/1.7 version 2
              vars: { pauseImage, configV3: /^2\./.test(cluster.cluster.version.containerdVersion) },
            }),
            fileFrom(ctx, HOST_PATHS.crictlConfig, 'crictl.yaml.hbs'),
            // Docker Hub pulls through its mirrors, as docker's registry-mirrors does
            ...(hubMirrors.length
              ? [fileFrom(ctx, '/etc/containerd/certs.d/docker.io/hosts.toml', 'containerd-hosts.toml.hbs', {
                  vars: { registry: 'docker.io', server: 'https://registry-1.docker.io', mirrors: hubMirrors },
                })]
              : []),
          ];
      return [
        makeStep(ctx, { id: 'runtime.packages', title: `runtime packages (${packages.join(' ')})`, vars: { packages, ...yumVars(ctx) }, heavy: true }),
        makeStep(ctx, {
          id: 'runtime.config',
          title: `${service} configured (systemd cgroup driver) and running`,
          files,
          vars: { service, filePaths: files.map((f) => f.path) },
        }),
      ];
    }),
  };
}
