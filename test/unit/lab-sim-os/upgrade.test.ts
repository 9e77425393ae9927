import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { freshHostFiles } from '../../../scripts/lab/sim/os/provision.ts';
import { bootHost, freshLab, VAULT_REPO } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('repos and kernels', () => {
  it('yum-config-manager --add-repo fetches the mirror\'s docker-ce.repo', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'yum-utils'])).code).toBe(0);
    expect(fs.readlinkSync(path.join(lab.roots.h1, 'usr/bin/yum-config-manager'))).toBe('/usr/lib/kflab/client');
    const add = await lab.sh('h1', ['yum-config-manager', '--add-repo', 'https://mirrors.aliyun.com/docker-ce/linux/centos/docker-ce.repo']);
    expect(add.code).toBe(0);
    expect(lab.read('h1', '/etc/yum.repos.d/docker-ce.repo')).toContain('baseurl=https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable');
    const inst = await lab.sh('h1', ['yum', 'install', '-y', 'docker-ce-20.10.24', 'docker-ce-cli-20.10.24', 'containerd.io']);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stdout).toContain('Importing GPG key 0x621E9F35:');
    // the upstream repo file points at download.docker.com, which a cn lab cannot reach
    lab.write('h1', '/etc/yum.repos.d/docker-ce.repo', lab.read('h1', '/etc/yum.repos.d/docker-ce.repo')!.replace(/mirrors\.aliyun\.com\/docker-ce/g, 'download.docker.com'));
    const up = await lab.sh('h1', ['yum', 'makecache']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("[Errno 12] Timeout on https://download.docker.com/linux/centos/7/x86_64/stable/repodata/repomd.xml");
  });

  it('old guides: aliyun Centos-7.repo names the dead /centos/7 tree; the vault sed fix works', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    await lab.sh('h1', ['yum', 'install', '-y', 'wget']);
    expect((await lab.sh('h1', ['wget', '-O', '/etc/yum.repos.d/CentOS-Base.repo', 'https://mirrors.aliyun.com/repo/Centos-7.repo'])).code).toBe(0);
    const dead = await lab.sh('h1', ['yum', 'makecache']);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('http://mirrors.aliyun.com/centos/7/os/x86_64/repodata/repomd.xml: [Errno 14] HTTP Error 404 - Not Found');
    expect(dead.stderr).toContain('curl#6 - "Could not resolve host: mirrors.aliyuncs.com; Unknown error"');
    // the usual EOL fix on the stock file: vault.centos.org/centos/$releasever
    const stock = freshHostFiles(lab.hostList[0]).find((f) => f.path === '/etc/yum.repos.d/CentOS-Base.repo')!.content;
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', stock.replace(/mirror\.centos\.org/g, 'vault.centos.org').replace(/^#.*baseurl=http/gm, 'baseurl=http').replace(/^mirrorlist=http/gm, '#mirrorlist=http'));
    expect((await lab.sh('h1', ['yum', 'makecache'])).code).toBe(0);
  });

  it('the legacy Kubernetes repo fails its repomd signature with repo_gpgcheck=1', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/kubernetes.repo', '[kubernetes]\nname=Kubernetes\nbaseurl=https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=https://mirrors.aliyun.com/kubernetes/yum/doc/yum-key.gpg https://mirrors.aliyun.com/kubernetes/yum/doc/rpm-package-key.gpg\n');
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'kubeadm-1.23.17']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('repomd.xml signature could not be verified for kubernetes');
  });

  it('EPEL 7 from epel-release is dead (metalink), the archive mirror works', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'epel-release'])).code).toBe(0);
    const dead = await lab.sh('h1', ['yum', 'install', '-y', 'jq']);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('Cannot retrieve metalink for repository: epel/x86_64. Please verify its path and try again');
    lab.write('h1', '/etc/yum.repos.d/epel.repo', '[epel]\nname=EPEL 7\nbaseurl=https://mirrors.aliyun.com/epel-archive/7/$basearch\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7\n');
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'jq'])).code).toBe(0);
  });

  it('a newer kernel from elrepo boots after grub2-set-default 0 and a reboot', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/elrepo.repo', '[elrepo-kernel]\nname=ELRepo.org Community Enterprise Linux Kernel Repository - el7\nbaseurl=https://mirrors.tuna.tsinghua.edu.cn/elrepo/kernel/el7/$basearch/\nenabled=1\ngpgcheck=0\n');
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'kernel-lt'])).code).toBe(0);
    expect((await lab.sh('h1', ['grubby', '--default-kernel'])).stdout).toBe('/boot/vmlinuz-3.10.0-1160.el7.x86_64\n');
    expect((await lab.sh('h1', ['grub2-set-default', '0'])).code).toBe(0);
    expect((await lab.sh('h1', ['reboot'])).code).toBe(0);
    expect(lab.reboots).toEqual(['h1']);
    await bootHost(lab, 'h1');
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe('5.4.278-1.el7.elrepo.x86_64\n');
    expect((await lab.sh('h1', ['modprobe', 'nf_conntrack_ipv4'])).stderr).toBe('modprobe: FATAL: Module nf_conntrack_ipv4 not found.\n');
    expect((await lab.sh('h1', ['sysctl', 'net.ipv4.tcp_tw_recycle'])).code).toBe(255);
  });
});

describe('provides and systemd oneshots', () => {
  it('Rocky 9: kubelet from pkgs.k8s.io resolves iptables/ebtables through iptables-nft', async () => {
    lab = await freshLab([{ name: 'r9', os: 'rocky9' }]);
    lab.write('r9', '/etc/yum.repos.d/kubernetes.repo', '[kubernetes]\nname=Kubernetes\nbaseurl=https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.30/rpm/\nenabled=1\ngpgcheck=1\ngpgkey=https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.30/rpm/repodata/repomd.xml.key\nexclude=kubelet kubeadm kubectl cri-tools kubernetes-cni\n');
    const r = await lab.sh('r9', ['dnf', 'install', '-y', 'kubelet', 'kubeadm', 'kubectl', '--disableexcludes=kubernetes']);
    expect(r.code, r.stderr).toBe(0);
    const q = await lab.sh('r9', ['rpm', '-q', 'kubelet', 'socat', 'conntrack-tools', 'kubernetes-cni']);
    expect(q.stdout).toBe('kubelet-1.30.14-150500.1.1.x86_64\nsocat-1.7.4.1-5.el9_4.2.x86_64\nconntrack-tools-1.4.7-2.el9.x86_64\nkubernetes-cni-1.4.0-150500.1.1.x86_64\n');
  });

  it('yum install conntrack finds conntrack-tools', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'ipvsadm', 'ipset', 'sysstat', 'conntrack', 'libseccomp'])).code).toBe(0);
    expect((await lab.sh('h1', ['rpm', '-q', 'conntrack-tools'])).code).toBe(0);
  });

  it('systemd-modules-load is static: enable warns, restart loads modules-load.d', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/modules-load.d/ipvs.conf', 'ip_vs\nip_vs_rr\n');
    const en = await lab.sh('h1', ['systemctl', 'enable', '--now', 'systemd-modules-load.service']);
    expect(en.code).toBe(0);
    expect(en.stderr).toContain('The unit files have no [Install] section.');
    // already active since boot: start does nothing
    expect((await lab.sh('h1', ['lsmod'])).stdout).not.toMatch(/^ip_vs /m);
    await lab.sh('h1', ['systemctl', 'restart', 'systemd-modules-load']);
    expect((await lab.sh('h1', ['lsmod'])).stdout).toMatch(/^ip_vs_rr /m);
    expect((await lab.sh('h1', ['systemctl', 'is-enabled', 'systemd-modules-load'])).stdout).toBe('static\n');
  });
});
