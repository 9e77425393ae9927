import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { buildPhases } from '../../../src/phases/index.ts';
import type { HostStep, Phase } from '../../../src/phases/types.ts';
import { inventory, phasesOf, stepIds, stepOf } from '../render/helpers.ts';

const lab = inventory('lab.yaml');
const el9 = inventory('el9-containerd.yaml');
const ha = inventory('ha.yaml');
const labPhases = phasesOf(lab);
const el9Phases = phasesOf(el9);
const haPhases = phasesOf(ha);
const fileOf = (s: HostStep, p: string): string => {
  const f = s.files.find((x) => x.path === p);
  if (!f) throw new Error(`${s.id} has no file ${p}`);
  return f.content;
};
const allSteps = (ps: Phase[]): HostStep[] => ps.flatMap((p) => Object.values(p.steps).flat());

describe('phases of the seed lab (CentOS 7, 1.23.17, docker)', () => {
  it('come in the order of up, each with its hosts', () => {
    expect(labPhases.map((p) => p.id)).toEqual(['preflight', 'os', 'repos', 'kernel', 'runtime', 'kube-packages', 'images', 'init', 'join', 'cni', 'metrics-server', 'kube-proxy', 'verify']);
    expect(labPhases.find((p) => p.id === 'init')?.hosts).toEqual(['k8s-master01']);
    expect(labPhases.find((p) => p.id === 'join')?.hosts).toEqual(['k8s-node01', 'k8s-node02']);
    // every host pulls ahead of init/join: masters all control-plane images, workers the node ones
    expect(labPhases.find((p) => p.id === 'images')?.hosts).toEqual(['k8s-master01', 'k8s-node01', 'k8s-node02']);
    expect(stepIds(labPhases, 'k8s-node01').filter((id) => id.startsWith('images.'))).toEqual(['images.node']);
  });

  it('every step belongs to its phase and host, with both scripts', () => {
    for (const p of labPhases) {
      expect(Object.keys(p.steps)).toEqual(p.hosts);
      for (const [host, steps] of Object.entries(p.steps)) {
        for (const s of steps) {
          expect(s.phase).toBe(p.id);
          expect(s.host).toBe(host);
          expect(s.id.startsWith(`${p.id}.`)).toBe(true);
          expect(s.check).toMatch(/^#!\/bin\/bash\n/);
          expect(s.apply).toMatch(/^#!\/bin\/bash\n/);
        }
      }
    }
  });

  it('loads nf_conntrack_ipv4 on the 3.10 kernel and writes no NetworkManager rule on EL7', () => {
    const mods = stepOf(labPhases, 'k8s-node01', 'kernel.modules');
    expect(fileOf(mods, '/etc/modules-load.d/k8s.conf').split('\n').filter((l) => l && !l.startsWith('#')))
      .toEqual(['overlay', 'br_netfilter', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack_ipv4']);
    expect(stepIds(labPhases, 'k8s-node01')).not.toContain('os.networkmanager');
  });

  it('picks nf_conntrack when the facts report an upgraded kernel', () => {
    const facts = assumedFactsAll(lab);
    facts['k8s-node01'] = { ...facts['k8s-node01'], kernel: '5.4.278-1.el7.elrepo.x86_64' };
    const mods = stepOf(buildPhases(lab, facts), 'k8s-node01', 'kernel.modules');
    expect(fileOf(mods, '/etc/modules-load.d/k8s.conf')).toMatch(/\nnf_conntrack\n/);
    expect(fileOf(stepOf(buildPhases(lab, facts), 'k8s-node01', 'kernel.sysctl'), '/etc/sysctl.d/k8s.conf')).not.toContain('tcp_tw_recycle');
  });

  it('replaces the dead CentOS-Base.repo with vault mirrors (failover) and pins the legacy kubernetes repo', () => {
    const repos = stepOf(labPhases, 'k8s-master01', 'repos.files');
    const base = repos.files.find((f) => f.path === '/etc/yum.repos.d/CentOS-Base.repo');
    expect(base?.backup).toBe(true);
    expect(base?.content).toMatch(/\[base\]\nname=.*\nbaseurl=https:\/\/mirrors\.aliyun\.com\/centos-vault\/7\.9\.2009\/os\/\$basearch\/\n {8}https:\/\/\S+\/os\/\$basearch\//);
    expect(base?.content).toContain('failovermethod=priority');
    expect(base?.content).not.toContain('mirror.centos.org');
    const kube = fileOf(repos, '/etc/yum.repos.d/kubernetes.repo');
    expect(kube).toContain('baseurl=https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/');
    expect(kube).toContain('exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni');
    expect(fileOf(repos, '/etc/yum.repos.d/docker-ce.repo')).toContain('gpgkey=https://mirrors.aliyun.com/docker-ce/linux/centos/gpg');
    const install = stepOf(labPhases, 'k8s-master01', 'kube-packages.install');
    expect(install.apply).toContain('yum install -y --disableexcludes=kubernetes kubeadm-1.23.17-0 kubelet-1.23.17-0 kubectl-1.23.17-0');
    expect(install.check).toContain('rpm -q kubeadm-1.23.17-0 kubelet-1.23.17-0 kubectl-1.23.17-0');
  });

  it('configures docker 20.10 with the systemd cgroup driver', () => {
    const pk = stepOf(labPhases, 'k8s-node02', 'runtime.packages');
    expect(pk.apply).toMatch(/yum install -y docker-ce-20\.10\.\d+ docker-ce-cli-20\.10\.\d+ containerd\.io-/);
    const cfg = stepOf(labPhases, 'k8s-node02', 'runtime.config');
    const daemon = JSON.parse(fileOf(cfg, '/etc/docker/daemon.json')) as Record<string, unknown>;
    expect(daemon['exec-opts']).toEqual(['native.cgroupdriver=systemd']);
    expect(daemon['log-opts']).toEqual({ 'max-size': '100m', 'max-file': '5' });
    expect(cfg.apply).toContain('systemctl restart docker');
    expect(cfg.check).toContain("grep -q 'Cgroup Driver: systemd'");
  });

  it('init writes the kubeadm config and runs kubeadm init once (admin.conf)', () => {
    const init = stepOf(labPhases, 'k8s-master01', 'init.kubeadm-init');
    expect(init.files.map((f) => [f.path, f.mode])).toEqual([['/etc/kubeforge/kubeadm-init.yaml', 0o600]]);
    expect(init.check).toContain('test -f /etc/kubernetes/admin.conf');
    expect(init.apply).toContain('kubeadm init --config /etc/kubeforge/kubeadm-init.yaml');
    // single master: no certificate upload
    expect(stepIds(labPhases, 'k8s-master01')).not.toContain('init.upload-certs');
    expect(stepOf(labPhases, 'k8s-master01', 'images.pull').apply).toContain('kubeadm config images pull --config /etc/kubeforge/kubeadm-init.yaml');
  });

  it('kube-proxy: the ConfigMap on the init master, the proxyMode answer on every node', () => {
    expect(stepOf(labPhases, 'k8s-master01', 'kube-proxy.configmap').apply).toContain('delete pod -l k8s-app=kube-proxy');
    for (const h of lab.hosts) expect(stepOf(labPhases, h.name, 'kube-proxy.mode').check).toContain('curl -s -m 3 http://127.0.0.1:10249/proxyMode)" = ipvs ]');
  });
});

describe('phases of EL9 + containerd', () => {
  const [master, worker] = el9.hosts;

  it('loads nf_conntrack and tells NetworkManager to leave Calico interfaces alone', () => {
    expect(fileOf(stepOf(el9Phases, worker.name, 'kernel.modules'), '/etc/modules-load.d/k8s.conf')).toMatch(/\nnf_conntrack\n/);
    const nm = stepOf(el9Phases, worker.name, 'os.networkmanager');
    expect(fileOf(nm, '/etc/NetworkManager/conf.d/calico.conf')).toContain('unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico');
    expect(nm.apply).not.toMatch(/systemctl (stop|disable)/);
  });

  it('configures containerd with SystemdCgroup and the mirrored sandbox image', () => {
    const cfg = stepOf(el9Phases, worker.name, 'runtime.config');
    const toml = fileOf(cfg, '/etc/containerd/config.toml');
    expect(toml).toContain('SystemdCgroup = true');
    expect(toml).toContain(`"${el9.cluster.imageRepository}/pause:${el9.cluster.version.pauseVersion}"`);
    expect(fileOf(cfg, '/etc/crictl.yaml')).toContain('runtime-endpoint: unix:///var/run/containerd/containerd.sock');
    expect(stepOf(el9Phases, worker.name, 'runtime.packages').apply).toMatch(/^kf_yum install -y containerd\.io-\S+$/m);
  });

  it('uses the per-minor pkgs.k8s.io repo (mirror) with its key and exclude', () => {
    const kube = fileOf(stepOf(el9Phases, master.name, 'repos.files'), '/etc/yum.repos.d/kubernetes.repo');
    const minor = el9.cluster.version.minor;
    expect(kube).toMatch(new RegExp(`baseurl=\\S+/v${minor.replace('.', '\\.')}/rpm/\\n`));
    expect(kube).toMatch(new RegExp(`gpgkey=\\S+/v${minor.replace('.', '\\.')}/rpm/repodata/repomd\\.xml\\.key`));
    expect(kube).toContain('exclude=');
    expect(kube).not.toContain('failovermethod');
    expect(stepOf(el9Phases, master.name, 'repos.files').files.map((f) => f.path)).toContain('/etc/yum.repos.d/rocky.repo');
  });

  it('opens the firewall ports by role instead of disabling firewalld', () => {
    const m = stepOf(el9Phases, master.name, 'os.firewall-ports');
    const w = stepOf(el9Phases, worker.name, 'os.firewall-ports');
    expect(m.apply).toContain('for p in 6443/tcp 2379-2380/tcp 10250/tcp 10257/tcp 10259/tcp');
    expect(w.apply).not.toContain('6443/tcp');
    expect(w.apply).toContain('30000-32767/tcp');
    expect(w.apply).toContain('for p in 4; do');
  });
});

describe('phases of the HA inventory (certificate key flow)', () => {
  const masters = ha.hosts.filter((h) => h.role === 'master');
  const init = masters.find((h) => h.initMaster);
  const others = masters.filter((h) => !h.initMaster);
  const workers = ha.hosts.filter((h) => h.role === 'worker');
  if (!init) throw new Error('no init master');

  it('uploads the certificates with the run-time key after init, on the init master', () => {
    const ids = stepIds(haPhases, init.name);
    expect(ids.indexOf('init.upload-certs')).toBe(ids.indexOf('init.kubeconfig') + 1);
    const up = stepOf(haPhases, init.name, 'init.upload-certs');
    expect(up.env).toEqual(['KF_CERT_KEY']);
    expect(up.apply).toContain('kubeadm init phase upload-certs --upload-certs --certificate-key "$KF_CERT_KEY"');
    expect(up.check).toContain(`get nodes ${others.map((h) => h.name).join(' ')}`);
  });

  it('control planes join with the certificate key and get a kubeconfig; workers without it', () => {
    for (const m of others) {
      const j = stepOf(haPhases, m.name, 'join.kubeadm-join');
      expect(j.env).toEqual(['KF_JOIN_TOKEN', 'KF_JOIN_CA_CERT_HASH', 'KF_CERT_KEY']);
      expect(j.apply).toContain('certificateKey: "${KF_CERT_KEY}"');
      expect(stepIds(haPhases, m.name)).toContain('join.kubeconfig');
      expect(stepOf(haPhases, m.name, 'images.pull').files[0].path).toBe('/etc/kubeforge/kubeadm-images.yaml');
    }
    for (const w of workers) {
      const j = stepOf(haPhases, w.name, 'join.kubeadm-join');
      expect(j.env).toEqual(['KF_JOIN_TOKEN', 'KF_JOIN_CA_CERT_HASH']);
      expect(j.apply).not.toContain('certificateKey');
    }
    expect(haPhases.find((p) => p.id === 'images')?.hosts).toEqual(haPhases.find((p) => p.id === 'os')?.hosts);
    for (const w of workers) expect(stepOf(haPhases, w.name, 'images.node').files[0].path).toBe('/etc/kubeforge/kubeadm-images.yaml');
  });

  it('the join script writes a config from the environment, runs kubeadm join with it, and removes it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-join-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(path.join(dir, 'bin', 'kubeadm'), `#!/bin/bash\necho "kubeadm $*" > "${dir}/argv"\ncp "$3" "${dir}/captured.yaml"\n`, { mode: 0o755 });
      const script = stepOf(haPhases, others[0].name, 'join.kubeadm-join').apply
        .replaceAll('/etc/kubeforge', path.join(dir, 'etc'))
        .replaceAll('/etc/kubernetes', path.join(dir, 'k8s'));
      const env = {
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        KF_JOIN_TOKEN: 'abcdef.0123456789abcdef',
        KF_JOIN_CA_CERT_HASH: `sha256:${'a'.repeat(64)}`,
        KF_CERT_KEY: 'b'.repeat(64),
      };
      const r = await execa('bash', ['-c', script], { env, reject: false });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'argv'), 'utf8')).toBe(`kubeadm join --config ${path.join(dir, 'etc', 'kubeadm-join.yaml')}\n`);
      expect(fs.existsSync(path.join(dir, 'etc', 'kubeadm-join.yaml'))).toBe(false);
      const cfg = YAML.parse(fs.readFileSync(path.join(dir, 'captured.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
      expect(cfg.discovery.bootstrapToken).toEqual({ apiServerEndpoint: ha.cluster.controlPlaneEndpoint, token: env.KF_JOIN_TOKEN, caCertHashes: [env.KF_JOIN_CA_CERT_HASH] });
      expect(cfg.controlPlane.certificateKey).toBe(env.KF_CERT_KEY);
      // without the values it refuses to run
      const bare = await execa('bash', ['-c', script], { env: { PATH: env.PATH }, extendEnv: false, reject: false });
      expect(bare.exitCode).not.toBe(0);
      expect(bare.stderr).toContain('KF_JOIN_TOKEN: set by kubeforge when it runs this step');
      // a join that stopped halfway (CA present, no kubelet.conf) is reported, not retried blindly
      fs.rmSync(path.join(dir, 'argv'));
      fs.mkdirSync(path.join(dir, 'k8s', 'pki'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'k8s', 'pki', 'ca.crt'), 'x');
      const half = await execa('bash', ['-c', script], { env, reject: false });
      expect(half.exitCode).toBe(1);
      expect(half.stderr).toContain(`${others[0].name}: an earlier join stopped halfway`);
      expect(fs.existsSync(path.join(dir, 'argv'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every rendered script', () => {
  it('is valid bash (bash -n) in all three inventories', async () => {
    const scripts = new Set<string>();
    for (const s of [...allSteps(labPhases), ...allSteps(el9Phases), ...allSteps(haPhases)]) {
      scripts.add(s.check);
      scripts.add(s.apply);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bashn-'));
    try {
      const files = [...scripts].map((s, i) => {
        const f = path.join(dir, `${i}.sh`);
        fs.writeFileSync(f, s);
        return f;
      });
      // one bash checks them all: a syntax error names its file
      const r = await execa('bash', ['-c', 'for f in "$@"; do bash -n "$f" || echo "BAD $f"; done', '_', ...files], { reject: false });
      expect(r.stdout + r.stderr).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never contains a join token or certificate key, only the variable names', () => {
    for (const s of [...allSteps(labPhases), ...allSteps(haPhases)]) {
      const text = s.check + s.apply + s.files.map((f) => f.content).join('');
      expect(text).not.toMatch(/[a-z0-9]{6}\.[a-z0-9]{16}/);
      expect(text).not.toMatch(/\b[0-9a-f]{64}\b/);
    }
  });
});

describe('registry mirrors for Docker Hub', () => {
  it('docker gets registry-mirrors and containerd a certs.d hosts.toml, from the calico image mirror host', () => {
    const hub = lab.mirrors.calicoImages[0].split('/')[0];
    expect(hub.startsWith('docker.')).toBe(true);
    const daemon = JSON.parse(fileOf(stepOf(labPhases, 'k8s-node01', 'runtime.config'), '/etc/docker/daemon.json')) as Record<string, unknown>;
    expect(daemon['registry-mirrors']).toEqual([`https://${hub}`]);
    const hosts = fileOf(stepOf(el9Phases, el9.hosts[1].name, 'runtime.config'), '/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(hosts).toContain('server = "https://registry-1.docker.io"');
    expect(hosts).toContain(`[host."https://${hub}"]\n  capabilities = ["pull", "resolve"]`);
  });
});

describe('control-plane endpoint', () => {
  it('notes on init when the endpoint is a load balancer (no master has that address)', () => {
    const ha2 = { ...ha, cluster: { ...ha.cluster, controlPlaneEndpoint: '192.168.174.100:6443' } };
    const init = ha2.hosts.find((h) => h.initMaster)?.name ?? '';
    expect(stepOf(phasesOf(ha2), init, 'init.kubeadm-init').notes?.[0]).toMatch(/^controlPlaneEndpoint 192\.168\.174\.100:6443 is not a master: a load balancer/);
    expect(stepOf(labPhases, 'k8s-master01', 'init.kubeadm-init').notes).toBeUndefined();
  });
});

describe('shared file renders', () => {
  it('a cluster that differs only in its mirrors gets its own repo files', () => {
    const other = { ...lab, mirrors: { ...lab.mirrors, kubernetesLegacy: ['https://example.invalid/k8s-el7/'] } };
    expect(fileOf(stepOf(phasesOf(other), 'k8s-node01', 'repos.files'), '/etc/yum.repos.d/kubernetes.repo')).toContain('baseurl=https://example.invalid/k8s-el7/\n');
    expect(fileOf(stepOf(labPhases, 'k8s-node01', 'repos.files'), '/etc/yum.repos.d/kubernetes.repo')).not.toContain('example.invalid');
  });
});
