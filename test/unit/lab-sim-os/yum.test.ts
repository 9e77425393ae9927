import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { freshLab, K8S_LEGACY_REPO, k8sMinorRepo, VAULT_REPO } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

/** A CentOS 7 host whose stock repos are replaced by the aliyun vault + the given repo files. */
async function vaultHost(extra: Record<string, string> = {}): Promise<TestLab> {
  const l = await freshLab();
  l.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
  for (const [name, text] of Object.entries(extra)) l.write('h1', `/etc/yum.repos.d/${name}`, text);
  return l;
}

describe('yum on CentOS 7', () => {
  it('fails on the stock repos (dead mirrorlist) and works after a vault repo file', async () => {
    lab = await freshLab();
    const bad = await lab.sh('h1', ['yum', 'install', '-y', 'wget']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Could not resolve host: mirrorlist.centos.org; Unknown error');
    expect(bad.stderr).toContain('Cannot find a valid baseurl for repo: base/7/x86_64');
    expect(lab.read('h1', '/usr/bin/wget')).toBeUndefined();

    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    const good = await lab.sh('h1', ['yum', 'install', '-y', 'wget']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('Complete!');
    expect((await lab.sh('h1', ['rpm', '-q', 'wget'])).stdout).toBe('wget-1.14-18.el7_6.1.x86_64\n');
    const again = await lab.sh('h1', ['yum', 'install', '-y', 'wget']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Package wget-1.14-18.el7_6.1.x86_64 already installed and latest version');
    expect(again.stdout).toContain('Nothing to do');
  });

  it('says "No package X available." and "Error: Nothing to do" for unknown packages', async () => {
    lab = await vaultHost();
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'no-such-thing']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('No package no-such-thing available.');
    expect(r.stderr).toContain('Error: Nothing to do');
  });

  it('refuses a non-root install', async () => {
    lab = await vaultHost();
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'wget'], { uid: 1000, user: 'ops' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('You need to be root to perform this command.\n');
  });

  it('pins versions and globs, and pulls the newest dependency as yum does', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.23.17', 'kubelet-1.23*', 'kubectl-1.23.17-0']);
    expect(r.code, r.stderr).toBe(0);
    const q = await lab.sh('h1', ['rpm', '-q', 'kubeadm', 'kubelet', 'kubectl', 'kubernetes-cni', 'cri-tools', 'socat', 'conntrack-tools']);
    expect(q.stdout.split('\n').slice(0, 3)).toEqual(['kubeadm-1.23.17-0.x86_64', 'kubelet-1.23.17-0.x86_64', 'kubectl-1.23.17-0.x86_64']);
    expect(q.code).toBe(0);
    expect(lab.read('h1', '/usr/lib/systemd/system/kubelet.service')).toContain('kubelet: The Kubernetes Node Agent');
    expect(lab.read('h1', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf')).toContain('KUBELET_KUBEADM_ARGS');
    expect(lab.read('h1', '/etc/sysconfig/kubelet')).toBe('KUBELET_EXTRA_ARGS=\n');

    // only kubeadm pinned: kubelet comes in at the repo's newest, the classic trap
    const lab2 = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    try {
      expect((await lab2.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.23.17'])).code).toBe(0);
      expect((await lab2.sh('h1', ['rpm', '-q', 'kubelet'])).stdout).toBe('kubelet-1.28.2-0.x86_64\n');
    } finally {
      lab2.cleanup();
    }
  });

  it('yum install does not go back a version; yum downgrade does', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.23.17']);
    const back = await lab.sh('h1', ['yum', 'install', '-y', 'kubelet-1.23.17']);
    expect(back.stdout).toContain('Package matching kubelet-1.23.17-0.x86_64 already installed. Checking for update.');
    expect((await lab.sh('h1', ['rpm', '-q', 'kubelet'])).stdout).toBe('kubelet-1.28.2-0.x86_64\n');
    const down = await lab.sh('h1', ['yum', 'downgrade', '-y', 'kubelet-1.23.17', 'kubectl-1.23.17']);
    expect(down.code, down.stderr).toBe(0);
    expect((await lab.sh('h1', ['rpm', '-q', 'kubelet', 'kubectl'])).stdout).toBe('kubelet-1.23.17-0.x86_64\nkubectl-1.23.17-0.x86_64\n');
  });

  it('lists duplicates and installed packages', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    const l = await lab.sh('h1', ['yum', 'list', '--showduplicates', 'kubeadm']);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/kubeadm\.x86_64\s+1\.23\.17-0\s+kubernetes/);
    expect(l.stdout).toMatch(/kubeadm\.x86_64\s+1\.28\.2-0\s+kubernetes/);
    await lab.sh('h1', ['yum', 'install', '-y', 'socat']);
    const inst = await lab.sh('h1', ['yum', 'list', 'installed', 'socat']);
    expect(inst.stdout).toMatch(/Installed Packages\nsocat\.x86_64\s+1\.7\.3\.2-2\.el7\s+@base/);
    const none = await lab.sh('h1', ['yum', 'list', 'installed', 'docker-ce']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Error: No matching Packages to list');
  });

  it('honours exclude= and --disableexcludes', async () => {
    lab = await vaultHost({ 'kubernetes.repo': k8sMinorRepo('1.30') });
    const ex = await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.30.2']);
    expect(ex.stdout).toContain('No package kubeadm-1.30.2 available.');
    expect(ex.code).toBe(1);
    const ok = await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.30.2', 'kubelet-1.30.2', 'kubectl-1.30.2', '--disableexcludes=kubernetes']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Importing GPG key 0x9A296436');
    expect((await lab.sh('h1', ['rpm', '-q', 'kubeadm', 'cri-tools'])).stdout).toBe('kubeadm-1.30.2-150500.1.1.x86_64\ncri-tools-1.30.0-150500.1.1.x86_64\n');
  });

  it('reports a missing dependency (docker-ce without extras) like yum', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO.split('[extras]')[0]);
    lab.write('h1', '/etc/yum.repos.d/docker-ce.repo', '[docker-ce-stable]\nname=Docker CE Stable - $basearch\nbaseurl=https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable\nenabled=1\ngpgcheck=1\ngpgkey=https://mirrors.aliyun.com/docker-ce/linux/centos/gpg\n');
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'docker-ce-20.10.24']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Package: 3:docker-ce-20.10.24-3.el7.x86_64 (docker-ce-stable)\n           Requires: container-selinux >= 2:2.74');
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    const ok = await lab.sh('h1', ['yum', 'install', '-y', 'docker-ce-20.10.24', 'docker-ce-cli-20.10.24', 'containerd.io']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(lab.read('h1', '/etc/containerd/config.toml')).toContain('disabled_plugins = ["cri"]');
    expect(lab.read('h1', '/etc/docker/daemon.json')).toBeUndefined();
    expect((await lab.sh('h1', ['rpm', '-q', 'docker-ce'])).stdout).toBe('docker-ce-20.10.24-3.el7.x86_64\n');
  });

  it('makes mirror faults fail the way yum shows them', async () => {
    lab = await vaultHost();
    const cases: [string, string][] = [
      ['404', '[Errno 14] HTTPS Error 404 - Not Found'],
      ['403', '[Errno 14] HTTPS Error 403 - Forbidden'],
      ['timeout', "[Errno 12] Timeout on https://mirrors.aliyun.com/centos-vault/7.9.2009/os/x86_64/repodata/repomd.xml: (28, 'Connection timed out after 30001 milliseconds')"],
      ['dns', 'curl#6 - "Could not resolve host: mirrors.aliyun.com; Unknown error"'],
    ];
    for (const [fault, text] of cases) {
      lab.faultsValue.mirrors = { 'https://mirrors.aliyun.com/centos-vault/': fault as '404' };
      const r = await lab.sh('h1', ['yum', 'makecache', 'fast']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(text);
      expect(r.stderr).toContain('failure: repodata/repomd.xml from base: [Errno 256] No more mirrors to try.');
    }
    lab.faultsValue.mirrors = {};
    const ok = await lab.sh('h1', ['yum', 'makecache', 'fast']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Metadata Cache Created');
  });

  it('falls over to the next baseurl of a repo (failovermethod=priority)', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', '[base]\nname=CentOS-7 - Base\nbaseurl=https://vault.centos.org/7.9.2009/os/$basearch/\n        https://mirrors.tuna.tsinghua.edu.cn/centos-vault/7.9.2009/os/$basearch/\nfailovermethod=priority\ngpgcheck=0\n');
    lab.faultsValue.mirrors = { 'https://vault.centos.org/7.9.2009/': '403' };
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'socat']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('https://vault.centos.org/7.9.2009/os/x86_64/repodata/repomd.xml: [Errno 14] HTTPS Error 403 - Forbidden\nTrying other mirror.\n');
    lab.faultsValue.mirrors['https://mirrors.tuna.tsinghua.edu.cn/'] = 'dns';
    const both = await lab.sh('h1', ['yum', 'install', '-y', 'ipset']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('failure: repodata/repomd.xml from base: [Errno 256] No more mirrors to try.\nhttps://vault.centos.org/7.9.2009/os/x86_64/repodata/repomd.xml: [Errno 14] HTTPS Error 403 - Forbidden\nhttps://mirrors.tuna.tsinghua.edu.cn/centos-vault/7.9.2009/os/x86_64/repodata/repomd.xml: [Errno 14] curl#6 - "Could not resolve host: mirrors.tuna.tsinghua.edu.cn; Unknown error"');
  });

  it('removes packages with their dependents and their files', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.23.17', 'kubelet-1.23.17', 'kubectl-1.23.17']);
    const r = await lab.sh('h1', ['yum', 'remove', '-y', 'kubelet']);
    expect(r.code).toBe(0);
    expect((await lab.sh('h1', ['rpm', '-q', 'kubelet', 'kubeadm'])).code).toBe(2);
    expect(lab.read('h1', '/usr/lib/systemd/system/kubelet.service')).toBeUndefined();
  });

  it('rpm -q says "package X is not installed" with exit 1', async () => {
    lab = await freshLab();
    const r = await lab.sh('h1', ['rpm', '-q', 'docker-ce']);
    expect(r).toMatchObject({ code: 1, stdout: 'package docker-ce is not installed\n' });
    expect((await lab.sh('h1', ['rpm', '-qa'])).stdout).toContain('firewalld-0.6.3-13.el7_9.noarch');
    expect((await lab.sh('h1', ['rpm', '-q', '--qf', '%{VERSION}\\n', 'kernel'])).stdout).toBe('3.10.0\n');
  });
});

describe('dnf on Rocky 9', () => {
  it('installs from the stock repos and uses dnf texts', async () => {
    lab = await freshLab([{ name: 'r1', os: 'rocky9' }]);
    const miss = await lab.sh('r1', ['yum', 'install', '-y', 'nope']);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toContain('No match for argument: nope');
    expect(miss.stderr).toContain('Error: Unable to find a match: nope');
    const r = await lab.sh('r1', ['dnf', 'install', '-y', 'ipvsadm', 'ipset']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Complete!');
    const again = await lab.sh('r1', ['dnf', 'install', '-y', 'ipvsadm']);
    expect(again.stdout).toContain('Package ipvsadm-1.31-6.el9.x86_64 is already installed.');
    expect(again.stdout).toContain('Nothing to do.');
    const nonroot = await lab.sh('r1', ['dnf', 'install', '-y', 'socat'], { uid: 1000, user: 'ops' });
    expect(nonroot.stderr).toBe('Error: This command has to be run with superuser privileges (under the root user on most systems).\n');
  });

  it('shows librepo errors for a dead repo', async () => {
    lab = await freshLab([{ name: 'r1', os: 'rocky9' }]);
    lab.write('r1', '/etc/yum.repos.d/docker-ce.repo', '[docker-ce-stable]\nname=Docker CE Stable - $basearch\nbaseurl=https://download.docker.com/linux/centos/$releasever/$basearch/stable\nenabled=1\ngpgcheck=1\ngpgkey=https://download.docker.com/linux/centos/gpg\n');
    const r = await lab.sh('r1', ['dnf', 'makecache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Errors during downloading metadata for repository 'docker-ce-stable':\n  - Curl error (28): Timeout was reached for https://download.docker.com/linux/centos/9/x86_64/stable/repodata/repomd.xml");
    expect(r.stderr).toContain("Error: Failed to download metadata for repo 'docker-ce-stable': Cannot download repomd.xml: Cannot download repodata/repomd.xml: All mirrors were tried");
  });
});

describe('yum -c and a mirror that stopped syncing', () => {
  const aliyun130 = 'https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.30/rpm/';
  const privateConf = (cache: string): string =>
    `[main]\ncachedir=${cache}\nreposdir=/nonexistent\ngpgcheck=0\n\n[check]\nname=check\nbaseurl=${aliyun130}\nenabled=1\ngpgcheck=0\n`;

  it('reads only the given config and its own repos with -c (reposdir= elsewhere)', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO });
    lab.write('h1', '/tmp/check.conf', privateConf('/tmp/check-cache'));
    const r = await lab.sh('h1', ['yum', '-c', '/tmp/check.conf', '-q', '--showduplicates', 'list', 'available', 'kubeadm']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('kubeadm.x86_64'));
    // only the 1.30 repo of the private config: no legacy "-0" builds from /etc/yum.repos.d
    expect(rows.length).toBe(15);
    expect(rows.every((l) => / 1\.30\.\d+-150500\.1\.1 +check$/.test(l))).toBe(true);
    const missing = await lab.sh('h1', ['yum', '-c', '/tmp/nope.conf', 'list', 'kubeadm']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Config Error: Error accessing file for config file:///tmp/nope.conf\n');
  });

  it('lists no kubeadm newer than a stale mirror has, and yum install says there is none', async () => {
    lab = await vaultHost({ 'kubernetes.repo': K8S_LEGACY_REPO.replace('https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/', aliyun130) });
    lab.faultsValue = { ...lab.faultsValue, staleMirrors: { 'https://mirrors.aliyun.com/kubernetes-new/': '1.30.2' } };
    lab.write('h1', '/tmp/check.conf', privateConf('/tmp/c'));
    const r = await lab.sh('h1', ['yum', '-c', '/tmp/check.conf', '-q', '--showduplicates', 'list', 'available', 'kubeadm']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('kubeadm.')).map((l) => l.split(/\s+/)[1])).toEqual(['1.30.0-150500.1.1', '1.30.1-150500.1.1', '1.30.2-150500.1.1']);
    const inst = await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.30.14-150500.1.1']);
    expect(inst.code).toBe(1);
    expect(inst.stdout).toContain('No package kubeadm-1.30.14-150500.1.1 available.');
    // other mirrors of the same minor still have it
    lab.faultsValue = { ...lab.faultsValue, staleMirrors: {} };
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.30.14-150500.1.1'])).code).toBe(0);
  });
});

describe('dnf -c', () => {
  it('says a missing config file the way dnf does', async () => {
    lab = await freshLab([{ name: 'h1', os: 'rocky9' }]);
    const r = await lab.sh('h1', ['yum', '-c', '/tmp/nope.conf', 'list', 'kubeadm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Config error: Config file "/tmp/nope.conf" does not exist\n');
  });
});
