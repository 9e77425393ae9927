import { describe, expect, it } from 'vitest';
import { kubernetesRepoFor, mirrorClassNames, mirrorPresets, registryClasses, resolveMirrors } from '../../../src/inventory/mirrors.ts';

describe('mirror presets', () => {
  it('gives every class of the cn preset at least two distinct candidates', () => {
    const cn = mirrorPresets().cn;
    expect(Object.keys(cn).sort()).toEqual([...mirrorClassNames].sort());
    for (const cls of mirrorClassNames) {
      expect(cn[cls].length, cls).toBeGreaterThanOrEqual(2);
      expect(new Set(cn[cls]).size, cls).toBe(cn[cls].length);
    }
  });

  it('orders the CentOS vaults: cn vault mirrors, then CERN and kernel.org, then vault.centos.org', () => {
    const v = mirrorPresets().cn['centos-vault'];
    expect(v[0]).toBe('https://mirrors.aliyun.com/centos-vault/7.9.2009/');
    const at = (host: string): number => v.findIndex((u) => u.includes(host));
    expect(at('tuna.tsinghua')).toBeGreaterThan(0);
    expect(at('ustc.edu.cn')).toBeGreaterThan(0);
    expect(at('cern.ch')).toBeGreaterThan(Math.max(at('tuna'), at('ustc')));
    expect(at('kernel.org')).toBeGreaterThan(at('ustc'));
    expect(at('vault.centos.org')).toBe(v.length - 1);
    for (const u of v) expect(u, u).toMatch(/\/7\.9\.2009\/$/);
  });

  it('uses the upstream URLs for the upstream preset', () => {
    const up = mirrorPresets().upstream;
    expect(up['centos-vault'][0]).toBe('https://vault.centos.org/7.9.2009/');
    expect(up.epel[0]).toBe('https://archives.fedoraproject.org/pub/archive/epel/7/$basearch/');
    expect(up.rocky[0]).toBe('https://dl.rockylinux.org/pub/rocky/$releasever/');
    expect(up['docker-ce'][0]).toBe('https://download.docker.com/linux/centos/$releasever/$basearch/stable/');
    expect(up.kubernetes[0]).toBe('https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/');
    expect(up.images[0]).toBe('registry.k8s.io');
    expect(up['calico-images']).toEqual(['docker.io/calico', 'quay.io/calico']);
    for (const cls of mirrorClassNames) expect(up[cls].length, cls).toBeGreaterThanOrEqual(1);
  });

  it('writes registries without a scheme and repositories as https URLs ending in /', () => {
    for (const preset of ['cn', 'upstream'] as const) {
      for (const cls of mirrorClassNames) {
        for (const u of mirrorPresets()[preset][cls]) {
          if (registryClasses.includes(cls)) expect(u, u).not.toMatch(/:\/\//);
          else expect(u, u).toMatch(/^https:\/\/.+\/$/);
        }
      }
    }
  });

  it('puts the aliyun image mirror and the daocloud calico mirror first for cn', () => {
    expect(mirrorPresets().cn.images[0]).toBe('registry.cn-hangzhou.aliyuncs.com/google_containers');
    expect(mirrorPresets().cn['calico-images'][0]).toBe('docker.m.daocloud.io/calico');
    expect(mirrorPresets().cn['calico-images']).toContain('quay.m.daocloud.io/calico');
  });

  it('fills {minor} in per-minor kubernetes repos', () => {
    for (const u of mirrorPresets().cn.kubernetes) expect(u).toContain('{minor}');
    expect(kubernetesRepoFor(mirrorPresets().cn.kubernetes[0], '1.30')).toBe('https://mirrors.aliyun.com/kubernetes-new/core/stable/v1.30/rpm/');
  });

  it('lets an inventory replace one class, with one URL or a list, keeping the preset for the rest', () => {
    const m = resolveMirrors('cn', { epel: 'https://example.org/epel/7/$basearch/', images: ['a.example/x', 'b.example/y'] });
    expect(m.preset).toBe('cn');
    expect(m.epel).toEqual(['https://example.org/epel/7/$basearch/']);
    expect(m.images).toEqual(['a.example/x', 'b.example/y']);
    expect(m.centosVault).toEqual(mirrorPresets().cn['centos-vault']);
    expect(m.calicoImages).toEqual(mirrorPresets().cn['calico-images']);
    // the preset data is not shared with (or mutated through) the result
    m.centosVault.push('x');
    expect(mirrorPresets().cn['centos-vault']).not.toContain('x');
  });
});
