import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { initMasterOf, mastersOf, workersOf } from '../../../src/inventory/model.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const example = (name: string): string => path.join(root, 'inventories', name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kf-inv-'));
const write = (name: string, text: string): string => {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
};
const minimal = (extra = ''): string => `cluster:
  kubernetesVersion: 1.30.2
${extra}hosts:
  - { name: m1, address: 192.168.174.110, role: master }
  - { name: w1, address: 192.168.174.120, role: worker }
`;

describe('example inventories', () => {
  it('loads the seed lab: CentOS 7.9, 1.23.17 on docker, cn mirrors', () => {
    const c = loadInventory(example('lab.yaml'));
    expect(c.file).toBe(example('lab.yaml'));
    expect(c.cluster.kubernetesVersion).toBe('1.23.17');
    expect(c.cluster.containerRuntime).toBe('docker');
    expect(c.cluster.version.kubeadmApi).toBe('v1beta3');
    expect(c.cluster.version.criSocket).toBe('unix:///var/run/dockershim.sock');
    expect(c.cluster.version.packageRepo).toBe('legacy-el7');
    expect(c.cluster.controlPlaneEndpoint).toBe('192.168.174.110:6443');
    expect(c.cluster.imageRepository).toBe('registry.cn-hangzhou.aliyuncs.com/google_containers');
    expect([c.cluster.podSubnet, c.cluster.serviceSubnet, c.cluster.kubeProxyMode]).toEqual(['172.168.0.0/16', '10.96.0.0/12', 'ipvs']);
    expect(c.cluster.cni).toEqual({ plugin: 'calico', version: 'v3.25.2' });
    expect(c.mirrors.preset).toBe('cn');
    expect(c.os.distro).toBe('centos7');
    expect(c.hosts.map((h) => [h.name, h.address, h.role])).toEqual([
      ['k8s-master01', '192.168.174.110', 'master'],
      ['k8s-node01', '192.168.174.120', 'worker'],
      ['k8s-node02', '192.168.174.121', 'worker'],
    ]);
    expect(initMasterOf(c).name).toBe('k8s-master01');
    // each host remembers where it is written, for later messages about it
    expect(c.hosts.map((h) => h.pos)).toEqual([30, 31, 32].map((line) => ({ file: example('lab.yaml'), line })));
    expect(c.hosts[0].ssh.privateKeyPath).toBe(path.join(os.homedir(), '.ssh/id_rsa'));
  });

  it('loads the EL9 example: Rocky 9, containerd, kubeadm v1beta4', () => {
    const c = loadInventory(example('el9-containerd.yaml'));
    expect(c.os.distro).toBe('rocky9');
    expect(c.cluster.containerRuntime).toBe('containerd');
    expect(c.cluster.version.kubeadmApi).toBe('v1beta4');
    expect(c.cluster.version.criSocket).toBe('unix:///var/run/containerd/containerd.sock');
    expect(c.cluster.version.packageRepo).toBe('pkgs-k8s-io');
    expect(c.cluster.version.packageVersion).toMatch(/-150500\.1\.1$/);
    expect(c.os.firewall).toBe('open-ports');
    expect(c.cluster.version.containerdVersion).toMatch(/^1\.7\./);
  });

  it('loads the HA example: 3 masters (the first inits), 2 workers, a VIP endpoint, per-host ssh port', () => {
    const c = loadInventory(example('ha.yaml'));
    expect(mastersOf(c)).toHaveLength(3);
    expect(workersOf(c)).toHaveLength(2);
    expect(c.hosts.filter((h) => h.initMaster).map((h) => h.name)).toEqual(['k8s-master01']);
    expect(c.cluster.controlPlaneEndpoint).toBe('192.168.174.100:6443');
    expect(c.cluster.certSANs).toContain('192.168.174.100');
    expect(c.hosts.find((h) => h.name === 'k8s-node02')?.ssh.port).toBe(2222);
    expect(c.hosts.find((h) => h.name === 'k8s-node01')?.ssh.port).toBe(22);
    expect(c.mirrors.images).toEqual(['registry.cn-hangzhou.aliyuncs.com/google_containers', 'k8s.m.daocloud.io']);
    expect(c.cluster.version.kubeadmApi).toBe('v1beta3');
  });

  it('loads the reference inventory that documents every key', () => {
    const c = loadInventory(example('reference.yaml'));
    expect(c.mirrors.centosVault).toEqual(['https://mirrors.aliyun.com/centos-vault/7.9.2009/', 'https://vault.centos.org/7.9.2009/']);
    expect(c.mirrors.epel).toEqual(['https://mirrors.aliyun.com/epel-archive/7/$basearch/']);
    expect(c.hosts[2].ssh).toMatchObject({ port: 2222, user: 'ops', sudoPasswordEnv: 'KF_SUDO_PASSWORD' });
    expect(c.hosts[0].ssh).toMatchObject({ port: 22, user: 'root' });
    expect(c.hosts[0].ssh.sudoPasswordEnv).toBeUndefined();
  });
});

describe('defaults', () => {
  it('fills a minimal inventory from the matrix and the presets', () => {
    const c = loadInventory(write('min.yaml', minimal()));
    expect(c.cluster.name).toBe('min');
    expect(c.cluster.containerRuntime).toBe('containerd');
    expect(c.cluster.controlPlaneEndpoint).toBe('192.168.174.110:6443');
    expect(c.cluster.podSubnet).toBe('10.244.0.0/16');
    expect(c.cluster.serviceSubnet).toBe('10.96.0.0/12');
    expect(c.cluster.cni.version).toBe(c.cluster.version.calicoVersion);
    expect(c.cluster.metricsServer).toEqual({ enabled: true, version: c.cluster.version.metricsServerVersion });
    expect(c.cluster.imageRepository).toBe('registry.cn-hangzhou.aliyuncs.com/google_containers');
    expect(c.cluster.dnsDomain).toBe('cluster.local');
    expect(c.os).toMatchObject({ distro: 'centos7', firewall: 'disable', selinux: 'disabled', kernelUpgrade: false });
    const ssh = c.hosts[0].ssh;
    expect(ssh).toMatchObject({ user: 'root', port: 22, knownHosts: 'strict', useAgent: true });
    expect(ssh.knownHostsFile).toBe(path.join(os.homedir(), '.ssh', 'known_hosts'));
  });

  it('takes imageRepository from the first images candidate of the chosen mirrors', () => {
    expect(loadInventory(write('up.yaml', minimal('mirrors: upstream\n'))).cluster.imageRepository).toBe('registry.k8s.io');
    expect(loadInventory(write('own.yaml', minimal('mirrors: { preset: upstream, images: harbor.lab.local/k8s }\n'))).cluster.imageRepository).toBe(
      'harbor.lab.local/k8s',
    );
  });

  it('makes the first master the init master even when a worker is listed first', () => {
    const f = write('order.yaml', `cluster: { kubernetesVersion: 1.23.17 }
hosts:
  - { name: w1, address: 192.168.174.120, role: worker }
  - { name: m1, address: 192.168.174.110, role: master }
  - { name: m2, address: 192.168.174.111, role: master }
`);
    const c = loadInventory(f);
    expect(initMasterOf(c).name).toBe('m1');
    expect(c.cluster.controlPlaneEndpoint).toBe('192.168.174.110:6443');
    expect(c.cluster.containerRuntime).toBe('docker');
  });

  it('expands ~ in key paths, resolves relative ones against the inventory, and merges per-host ssh', () => {
    const f = write('ssh.yaml', minimal(`ssh:
  user: admin
  privateKeyPath: ~/.ssh/lab_ed25519
  knownHostsFile: keys/known_hosts
  password: { env: KF_SSH_PASSWORD }
  sudoPasswordEnv: KF_SUDO
`).replace('role: worker }', 'role: worker, ssh: { user: root, privateKeyPath: ./w1.key } }'));
    const c = loadInventory(f);
    const [m, w] = c.hosts;
    expect(m.ssh).toMatchObject({
      user: 'admin',
      privateKeyPath: path.join(os.homedir(), '.ssh/lab_ed25519'),
      knownHostsFile: path.join(tmp, 'keys/known_hosts'),
      passwordEnv: 'KF_SSH_PASSWORD',
      sudoPasswordEnv: 'KF_SUDO',
      useAgent: false,
    });
    expect(w.ssh).toMatchObject({ user: 'root', privateKeyPath: path.join(tmp, 'w1.key'), passwordEnv: 'KF_SSH_PASSWORD' });
  });
});

describe('errors', () => {
  it('lists all problems, one per line, in file order, as an InputError with exit code 2', () => {
    const f = write('many.yaml', `cluster:
  kubernetesVersion: 1.24.17
  containerRuntime: docker
  podSubnet: 172.168.0.0/16
hosts:
  - { name: Master, address: 172.168.0.1, role: master }
`);
    let err: unknown;
    try {
      loadInventory(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe(`3 problems in ${f}:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${f}:3: cluster\\.containerRuntime: docker needs dockershim`)),
      expect.stringMatching(new RegExp(`^${f}:6: hosts\\[0\\]\\.name: "Master" is not a valid node name`)),
      expect.stringMatching(new RegExp(`^${f}:6: hosts\\[0\\]\\.address: 172\\.168\\.0\\.1 lies inside podSubnet`)),
    ]);
  });

  it('explains the { } trap of a {minor} URL inside a [ ] list', () => {
    const f = write('braces.yaml', minimal('mirrors: { preset: cn, kubernetes: [https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/] }\n'));
    expect(() => loadInventory(f)).toThrow(/braces\.yaml:3: YAML: .*must be quoted/);
    const quoted = write('quoted.yaml', minimal("mirrors: { preset: cn, kubernetes: ['https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/'] }\n"));
    expect(loadInventory(quoted).mirrors.kubernetes).toEqual(['https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/']);
  });

  it('says when the file is missing or empty', () => {
    expect(() => loadInventory(path.join(tmp, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read the inventory \(no such file\)/);
    expect(() => loadInventory(write('empty.yaml', '# nothing\n'))).toThrow(/empty\.yaml:1: \(top level\): the inventory is empty/);
    expect(() => loadInventory(write('list.yaml', '- a\n- b\n'))).toThrow(/the inventory is not a mapping/);
  });
});
