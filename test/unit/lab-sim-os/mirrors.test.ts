import { describe, expect, it } from 'vitest';
import { emptyFaults } from '../../../scripts/lab/sim/context.ts';
import { mirrorAnswer, repoFor } from '../../../scripts/lab/sim/data/mirrors.ts';
import { channelPackages } from '../../../scripts/lab/sim/data/packages.ts';

const repomd = (base: string): string => `${base.replace(/\/*$/, '/')}repodata/repomd.xml`;

describe('the lab mirror table', () => {
  it('serves every repository the cn and upstream presets name', () => {
    const roots = [
      ...['https://mirrors.aliyun.com/centos-vault/7.9.2009/', 'https://mirrors.tuna.tsinghua.edu.cn/centos-vault/7.9.2009/', 'https://mirrors.ustc.edu.cn/centos-vault/7.9.2009/', 'https://mirrors.huaweicloud.com/centos-vault/7.9.2009/', 'https://linuxsoft.cern.ch/centos-vault/7.9.2009/', 'https://mirrors.kernel.org/centos-vault/7.9.2009/', 'https://vault.centos.org/7.9.2009/']
        .flatMap((r) => ['os', 'updates', 'extras'].map((s) => `${r}${s}/x86_64/`)),
      'https://mirrors.aliyun.com/epel-archive/7/x86_64/', 'https://archives.fedoraproject.org/pub/archive/epel/7/x86_64/', 'https://dl.fedoraproject.org/pub/archive/epel/7/x86_64/',
      ...['https://mirrors.aliyun.com/rockylinux/9/', 'https://mirrors.ustc.edu.cn/rocky/9/', 'https://mirrors.tuna.tsinghua.edu.cn/rocky/9/', 'https://dl.rockylinux.org/pub/rocky/9/']
        .flatMap((r) => ['BaseOS', 'AppStream', 'extras'].map((s) => `${r}${s}/x86_64/os/`)),
      ...['mirrors.aliyun.com/docker-ce', 'mirrors.tuna.tsinghua.edu.cn/docker-ce', 'mirrors.ustc.edu.cn/docker-ce', 'download.docker.com']
        .flatMap((r) => ['7', '9'].map((v) => `https://${r}/linux/centos/${v}/x86_64/stable/`)),
      'https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/', 'https://repo.huaweicloud.com/kubernetes/yum/repos/kubernetes-el7-x86_64/',
      ...['1.24', '1.30', '1.33'].flatMap((m) => [`https://mirrors.aliyun.com/kubernetes-new/core/stable/v${m}/rpm/`, `https://mirrors.tuna.tsinghua.edu.cn/kubernetes/core:/stable:/v${m}/rpm/`, `https://pkgs.k8s.io/core:/stable:/v${m}/rpm/`]),
    ];
    for (const r of roots) {
      const repo = repoFor(r);
      expect(repo, r).toBeDefined();
      expect(channelPackages(repo!.channel).length, r).toBeGreaterThan(0);
      expect(mirrorAnswer(repomd(r), 'global', emptyFaults())?.status, r).toBe(200);
    }
  });

  it('models the dead and the unreachable per view', () => {
    const f = emptyFaults();
    expect(mirrorAnswer('http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=os', 'global', f)?.error).toBe('dns');
    expect(mirrorAnswer(repomd('http://mirror.centos.org/centos/7/os/x86_64/'), 'global', f)?.status).toBe(404);
    expect(mirrorAnswer(repomd('https://download.docker.com/linux/centos/7/x86_64/stable/'), 'cn', f)?.error).toBe('timeout');
    expect(mirrorAnswer(repomd('https://packages.cloud.google.com/yum/repos/kubernetes-el7-x86_64/'), 'global', f)?.status).toBe(404);
    expect(mirrorAnswer(repomd('https://pkgs.k8s.io/core:/stable:/v1.30/rpm/'), 'cn', f)?.status).toBe(200);
    expect(mirrorAnswer('https://example.com/', 'cn', f)).toBeUndefined();
    f.mirrors['https://vault.centos.org/7.9.2009/'] = '403';
    expect(mirrorAnswer(repomd('https://vault.centos.org/7.9.2009/os/x86_64/'), 'cn', f)?.status).toBe(403);
    expect(mirrorAnswer(repomd('http://vault.centos.org/7.9.2009/os/x86_64/'), 'cn', f)?.status).toBe(403);
    expect(mirrorAnswer(repomd('https://vault.centos.org/centos/7.9.2009/os/x86_64/'), 'cn', f)?.status).toBe(200);
  });

  it('has the versions users pin, with real release strings', () => {
    const legacy = channelPackages('k8s-legacy-el7');
    expect(legacy.some((p) => p.name === 'kubeadm' && p.version === '1.23.17' && p.release === '0')).toBe(true);
    const v130 = channelPackages('k8s-v1.30');
    expect(v130.some((p) => p.name === 'kubelet' && p.version === '1.30.2' && p.release === '150500.1.1')).toBe(true);
    expect(v130.every((p) => !p.version.startsWith('1.29'))).toBe(true);
    const d7 = channelPackages('docker-ce-el7');
    expect(d7.find((p) => p.name === 'docker-ce' && p.version === '20.10.24')).toMatchObject({ epoch: 3, release: '3.el7' });
    expect(d7.filter((p) => p.name === 'docker-ce').every((p) => !p.version.startsWith('27'))).toBe(true);
  });
});
