import { describe, expect, it } from 'vitest';
import { emptyFaults } from '../../../scripts/lab/sim/context.ts';
import { checkPull, containerdResolveError, dockerPullError, kubeImageSet, parseImageRef, registryHttp } from '../../../scripts/lab/sim/data/images.ts';

const cn = { latencyMs: 0, registryView: 'cn' as const };
const global = { latencyMs: 0, registryView: 'global' as const };

describe('image references and registries', () => {
  it('normalizes references like docker and containerd', () => {
    expect(parseImageRef('nginx')?.full).toBe('docker.io/library/nginx:latest');
    expect(parseImageRef('calico/node:v3.25.2')?.full).toBe('docker.io/calico/node:v3.25.2');
    expect(parseImageRef('docker.io/calico/node:v3.25.2')?.familiar).toBe('calico/node:v3.25.2');
    expect(parseImageRef('localhost:5000/a/b:1')).toMatchObject({ registry: 'localhost:5000', repository: 'a/b', tag: '1' });
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageRef(`registry.k8s.io/pause@${d}`)).toMatchObject({ digest: d, tag: undefined });
    expect(parseImageRef('Upper/Case')).toBeUndefined();
  });

  it('knows the kubeadm image tags per version', () => {
    expect(kubeImageSet('v1.23.17')).toEqual({ pause: '3.6', etcd: '3.5.6-0', coredns: 'v1.8.6' });
    expect(kubeImageSet('1.28.15')).toEqual({ pause: '3.9', etcd: '3.5.15-0', coredns: 'v1.10.1' });
    expect(kubeImageSet('1.31.2')).toEqual({ pause: '3.10', etcd: '3.5.15-0', coredns: 'v1.11.3' });
    expect(kubeImageSet('1.22.0')).toBeUndefined();
  });

  it('reaches cn mirrors only in the cn view, and every known registry in the global view', () => {
    const f = emptyFaults();
    expect(checkPull('registry.k8s.io/pause:3.6', cn, f)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(checkPull('registry.k8s.io/pause:3.6', global, f).ok).toBe(true);
    expect(checkPull('registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.6', cn, f).ok).toBe(true);
    expect(checkPull('quay.m.daocloud.io/calico/cni:v3.28.1', cn, f).ok).toBe(true);
    expect(checkPull('registry.cn-hangzhou.aliyuncs.com/google_containers/metrics-server:v0.6.4', cn, f).ok).toBe(true);
    expect(checkPull('registry.k8s.io/metrics-server/metrics-server:v0.7.2', global, f).ok).toBe(true);
    // the classic mistake: the mirror is flat, upstream is nested
    expect(checkPull('registry.cn-hangzhou.aliyuncs.com/google_containers/coredns/coredns:v1.8.6', cn, f)).toMatchObject({ ok: false, reason: 'denied' });
    expect(checkPull('registry.k8s.io/coredns:v1.8.6', global, f)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(checkPull('k8s.gcr.io/kube-apiserver:v1.28.0', global, f)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(checkPull('docker.io/calico/pod2daemon-flexvol:v3.30.0', global, f).ok).toBe(false);
    expect(checkPull('nowhere.example/x:1', global, f)).toMatchObject({ ok: false, reason: 'dns' });
  });

  it('applies the lab faults and prints the runtimes\' errors', () => {
    const f = emptyFaults();
    f.registriesDown.push('registry.cn-hangzhou.aliyuncs.com');
    f.missingTags.push('docker.m.daocloud.io/calico/node:v3.25.2');
    const down = checkPull('registry.cn-hangzhou.aliyuncs.com/google_containers/etcd:3.5.6-0', cn, f);
    if (down.ok) throw new Error('expected a failure');
    expect(dockerPullError(down, 'registry.cn-hangzhou.aliyuncs.com/google_containers/etcd:3.5.6-0')).toContain('Client.Timeout exceeded while awaiting headers');
    const missing = checkPull('docker.m.daocloud.io/calico/node:v3.25.2', cn, f);
    if (missing.ok) throw new Error('expected a failure');
    expect(containerdResolveError(missing)).toBe('failed to resolve reference "docker.m.daocloud.io/calico/node:v3.25.2": docker.m.daocloud.io/calico/node:v3.25.2: not found');
    expect(dockerPullError(missing, 'docker.m.daocloud.io/calico/node:v3.25.2')).toBe('Error response from daemon: manifest for docker.m.daocloud.io/calico/node:v3.25.2 not found: manifest unknown: manifest unknown');
  });

  it('answers registry v2 manifest probes', () => {
    const f = emptyFaults();
    const okA = registryHttp(new URL('https://registry.cn-hangzhou.aliyuncs.com/v2/google_containers/pause/manifests/3.9'), cn, f);
    expect(okA?.status).toBe(200);
    expect(okA?.headers?.['docker-content-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(registryHttp(new URL('https://registry.cn-hangzhou.aliyuncs.com/v2/google_containers/pause/manifests/9.9'), cn, f)?.status).toBe(404);
    expect(registryHttp(new URL('https://registry-1.docker.io/v2/calico/node/manifests/v3.25.2'), cn, f)?.error).toBe('timeout');
    expect(registryHttp(new URL('https://example.org/'), cn, f)).toBeUndefined();
  });
});
