/** The lab fleet as a kubeforge inventory (DESIGN.md format): first host master, the rest workers. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { LabHost } from './sim/api.ts';
import { projectRoot, type LabPaths } from './paths.ts';

const KUBERNETES_VERSION = '1.23.17';

/** Calico and metrics-server defaults of a minor, from the version matrix. */
function addonVersions(minor: string): { calico?: string; metricsServer?: string } {
  try {
    const m = YAML.parse(fs.readFileSync(path.join(projectRoot, 'src/inventory/data/version-matrix.yaml'), 'utf8')) as {
      minors?: Record<string, { calico?: string; metricsServer?: string }>;
    };
    return m.minors?.[minor] ?? {};
  } catch {
    return {};
  }
}

/** The project's own small manifest for an addon version, when there is one. */
function localManifest(name: string, version: string | undefined): string | undefined {
  if (!version) return undefined;
  const f = path.join(projectRoot, 'templates', 'manifests', `${name}-${version}.yaml`);
  return fs.existsSync(f) ? f : undefined;
}

export function inventoryYaml(lab: LabPaths, hosts: LabHost[]): string {
  const v = addonVersions(KUBERNETES_VERSION.split('.').slice(0, 2).join('.'));
  const calico = localManifest('calico', v.calico);
  const ms = localManifest('metrics-server', v.metricsServer);
  const doc = {
    cluster: {
      name: 'lab',
      kubernetesVersion: KUBERNETES_VERSION,
      containerRuntime: 'docker',
      imageRepository: 'registry.cn-hangzhou.aliyuncs.com/google_containers',
      podSubnet: '172.168.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      kubeProxyMode: 'ipvs',
      cni: { plugin: 'calico', ...(calico ? { version: v.calico, manifest: calico } : {}) },
      metricsServer: { enabled: true, ...(ms ? { version: v.metricsServer, manifest: ms } : {}) },
    },
    mirrors: 'cn',
    os: {
      distro: hosts[0]?.os ?? 'centos7',
      timezone: 'Asia/Shanghai',
      ntpServers: ['ntp.aliyun.com'],
      firewall: 'disable',
      selinux: 'disabled',
      kernelUpgrade: false,
    },
    ssh: {
      user: 'root',
      port: 22,
      privateKeyPath: lab.key,
      knownHosts: 'strict',
      knownHostsFile: lab.knownHosts,
    },
    hosts: hosts.map((h, i) => ({ name: h.name, address: h.address, role: i === 0 ? 'master' : 'worker' })),
  };
  const d = new YAML.Document(doc);
  // one line per host, as in the DESIGN.md example
  const list = d.get('hosts');
  if (YAML.isSeq(list)) for (const item of list.items) if (YAML.isMap(item)) item.flow = true;
  return `# the kubeforge lab fleet (written by \`kubeforge lab up\`)\n${d.toString()}`;
}
