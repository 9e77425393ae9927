import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledManifest, writeBundledManifest } from '../../../src/render/bundled.ts';
import { coveringCidrs } from '../../../src/render/cidr.ts';
import {
  cachePath, manifestSource, parseManifest, patchCalico, patchMetricsServer, patchOptions, releaseUrl, renderAddonManifest, rewriteImage,
} from '../../../src/render/manifests.ts';
import { ValidationError, validateObjects } from '../../../src/render/validate.ts';
import type { Cluster } from '../../../src/inventory/model.ts';
import { inventory } from './helpers.ts';

type Obj = Record<string, unknown>;
const at = (d: unknown, p: string): unknown => p.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), d);
const find = (objs: Obj[], kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && at(x, 'metadata.name') === name);
  if (!o) throw new Error(`${kind} ${name} missing`);
  return o;
};
const container = (o: Obj, name: string): Obj => {
  const cs = at(o, 'spec.template.spec.containers') as Obj[];
  const c = cs.find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} missing`);
  return c;
};
const envOf = (c: Obj, name: string): Obj | undefined => (c.env as Obj[]).find((e) => e.name === name);
const allImages = (objs: Obj[]): string[] => objs.flatMap((o) => {
  const ps = at(o, 'spec.template.spec') as Obj | undefined;
  return ps ? [...((ps.initContainers as Obj[] | undefined) ?? []), ...((ps.containers as Obj[] | undefined) ?? [])].map((c) => String(c.image)) : [];
});

let tmp: string;
const savedCache = process.env.KUBEFORGE_CACHE_DIR;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-manifests-'));
  process.env.KUBEFORGE_CACHE_DIR = path.join(tmp, 'cache');
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KUBEFORGE_CACHE_DIR;
  else process.env.KUBEFORGE_CACHE_DIR = savedCache;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('calico manifest patching', () => {
  const lab = inventory('lab.yaml');
  const opts = patchOptions(lab);

  it('derives the pool, autodetection and image mirror from the inventory', () => {
    expect(opts.podSubnet).toBe('172.168.0.0/16');
    expect(opts.ipAutodetection).toBe('cidr=192.168.174.0/24');
    expect(opts.calicoImages).toBe(lab.mirrors.calicoImages[0]);
  });

  it('sets CALICO_IPV4POOL_CIDR and IP_AUTODETECTION_METHOD on calico-node and rewrites every image', () => {
    const objs = patchCalico(parseManifest(bundledManifest('calico', 'v3.25.2'), 'calico'), opts);
    const node = container(find(objs, 'DaemonSet', 'calico-node'), 'calico-node');
    expect(envOf(node, 'CALICO_IPV4POOL_CIDR')).toEqual({ name: 'CALICO_IPV4POOL_CIDR', value: '172.168.0.0/16' });
    expect(envOf(node, 'IP_AUTODETECTION_METHOD')).toEqual({ name: 'IP_AUTODETECTION_METHOD', value: 'cidr=192.168.174.0/24' });
    const images = allImages(objs);
    expect(images).toContain(`${opts.calicoImages}/node:v3.25.2`);
    expect(images).toContain(`${opts.calicoImages}/cni:v3.25.2`);
    expect(images).toContain(`${opts.calicoImages}/kube-controllers:v3.25.2`);
    expect(images.every((i) => i.startsWith(`${opts.calicoImages}/`))).toBe(true);
  });

  it('replaces an existing env value (even a valueFrom) instead of adding a second entry', () => {
    const objs = parseManifest(bundledManifest('calico', 'v3.25.2'), 'calico');
    const node = container(find(objs, 'DaemonSet', 'calico-node'), 'calico-node');
    (node.env as Obj[]).push({ name: 'IP_AUTODETECTION_METHOD', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    patchCalico(objs, { ...opts, ipAutodetection: 'can-reach=192.168.174.110' });
    const hits = (node.env as Obj[]).filter((e) => e.name === 'IP_AUTODETECTION_METHOD');
    expect(hits).toEqual([{ name: 'IP_AUTODETECTION_METHOD', value: 'can-reach=192.168.174.110' }]);
  });

  it('refuses a manifest without the calico-node DaemonSet', () => {
    const objs = parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'x');
    expect(() => patchCalico(objs, opts)).toThrow(/no DaemonSet calico-node/);
  });
});

describe('metrics-server manifest patching', () => {
  const lab = inventory('lab.yaml');
  const opts = patchOptions(lab);

  it('adds --kubelet-insecure-tls once and points the image at the images mirror', () => {
    const objs = patchMetricsServer(parseManifest(bundledManifest('metrics-server', 'v0.6.4'), 'ms'), opts);
    const ms = container(find(objs, 'Deployment', 'metrics-server'), 'metrics-server');
    expect(ms.image).toBe(`${lab.mirrors.images[0]}/metrics-server:v0.6.4`);
    expect((ms.args as string[]).filter((a) => a === '--kubelet-insecure-tls')).toHaveLength(1);
    patchMetricsServer(objs, opts);
    expect((ms.args as string[]).filter((a) => a === '--kubelet-insecure-tls')).toHaveLength(1);
  });

  it('bundled manifests follow upstream registry and port changes', () => {
    expect(bundledManifest('metrics-server', 'v0.5.2')).toContain('image: k8s.gcr.io/metrics-server/metrics-server:v0.5.2');
    expect(bundledManifest('metrics-server', 'v0.6.4')).toContain('--secure-port=4443');
    expect(bundledManifest('metrics-server', 'v0.8.0')).toContain('--secure-port=10250');
  });
});

describe('image and CIDR helpers', () => {
  it('rewrites the registry part of an image, keeping name, tag and digest', () => {
    expect(rewriteImage('docker.io/calico/node:v3.25.2', 'docker.m.daocloud.io/calico')).toBe('docker.m.daocloud.io/calico/node:v3.25.2');
    expect(rewriteImage('registry.k8s.io/metrics-server/metrics-server:v0.7.2', 'reg.example/gc/')).toBe('reg.example/gc/metrics-server:v0.7.2');
    expect(rewriteImage('quay.io/calico/cni@sha256:abc', 'm/calico')).toBe('m/calico/cni@sha256:abc');
  });
  it('covers addresses with /24 networks, once each', () => {
    expect(coveringCidrs(['10.0.1.5', '10.0.1.9', '10.0.2.1'])).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(coveringCidrs(['172.16.5.4'], 16)).toEqual(['172.16.0.0/16']);
    expect(() => coveringCidrs(['10.0.0.256'])).toThrow(/not an IPv4 address/);
  });
});

describe('validation with kubernetes-models', () => {
  it('accepts the patched bundled manifests, leaving custom resources unchecked', () => {
    const lab = inventory('lab.yaml');
    const objs = patchCalico(parseManifest(bundledManifest('calico', 'v3.25.2'), 'calico'), patchOptions(lab));
    const withCr = [...objs, { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'default' }, spec: {} }];
    const r = validateObjects(withCr, 'calico');
    expect(r.validated).toBe(objs.length);
    expect(r.unchecked).toEqual(['crd.projectcalico.org/v1 IPPool default']);
  });

  it('rejects a broken object, naming it and the bad field', () => {
    const broken = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 42 }] } } },
    };
    let err: unknown;
    try {
      validateObjects([broken], 'test.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^test\.yaml: invalid Kubernetes objects:\n {2}apps\/v1 Deployment bad: .*image must be string/);
  });

  it('rejects a Service port that is not a number and a document with no kind', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'https' }] } };
    expect(() => validateObjects([svc], 'x')).toThrow(/v1 Service s: .*port must be integer/);
    expect(() => validateObjects([{ metadata: {} }], 'x')).toThrow(/document 1: not a Kubernetes object/);
  });
});

describe('manifest sources (no network)', () => {
  it('is missing until the release URL is in the cache, then patched and validated', () => {
    const lab = inventory('lab.yaml');
    const before = renderAddonManifest(lab, 'calico');
    expect(before.content).toBeUndefined();
    expect(before.source.url).toBe(releaseUrl('calico', lab.cluster.cni.version));
    expect(before.patches).toContain('calico-node env CALICO_IPV4POOL_CIDR=172.168.0.0/16');
    const file = cachePath(releaseUrl('calico', lab.cluster.cni.version));
    expect(file.startsWith(path.join(tmp, 'cache', 'manifests'))).toBe(true);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bundledManifest('calico', lab.cluster.cni.version));
    const after = renderAddonManifest(lab, 'calico');
    expect(after.content).toContain('value: 172.168.0.0/16');
    expect(after.validation?.validated).toBeGreaterThan(10);
  });

  it('reads a local file named in the inventory, relative to the inventory', () => {
    const lab = inventory('lab.yaml');
    const invDir = path.join(tmp, 'inv');
    const file = writeBundledManifest('metrics-server', 'v0.5.2', path.join(invDir, 'addons'));
    const c: Cluster = {
      ...lab,
      file: path.join(invDir, 'inventory.yaml'),
      cluster: { ...lab.cluster, metricsServer: { ...lab.cluster.metricsServer, manifest: 'addons/metrics-server-v0.5.2.yaml' } },
    };
    const src = manifestSource(c, 'metrics-server');
    expect(src).toMatchObject({ file, available: true });
    expect(src.url).toBeUndefined();
    expect(renderAddonManifest(c, 'metrics-server').content).toContain('--kubelet-insecure-tls');
  });

  it('a broken local manifest fails validation with the file name', () => {
    const lab = inventory('lab.yaml');
    const file = path.join(tmp, 'broken-ms.yaml');
    const text = bundledManifest('metrics-server', 'v0.5.2').replace('port: 443', 'port: "https-port"');
    fs.writeFileSync(file, text);
    const c: Cluster = { ...lab, cluster: { ...lab.cluster, metricsServer: { ...lab.cluster.metricsServer, manifest: file } } };
    expect(() => renderAddonManifest(c, 'metrics-server')).toThrow(new RegExp(`^${file}: invalid Kubernetes objects`));
  });
});

describe('manifest errors are the user\'s to fix (UserError, named file)', () => {
  it('a local calico manifest without calico-node, or not YAML, fails plainly', async () => {
    const { UserError } = await import('../../../src/errors.ts');
    const lab = inventory('lab.yaml');
    const bad = path.join(tmp, 'not-calico.yaml');
    fs.writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const c: Cluster = { ...lab, cluster: { ...lab.cluster, cni: { ...lab.cluster.cni, manifest: bad } } };
    let err: unknown;
    try {
      renderAddonManifest(c, 'calico');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${bad}: calico manifest: no DaemonSet calico-node found`);
    fs.writeFileSync(bad, 'kind: [unclosed\n');
    expect(() => renderAddonManifest(c, 'calico')).toThrow(new RegExp(`^${bad}: not valid YAML: `));
  });
});

describe('YAML 1.1, as Kubernetes reads manifests', () => {
  it('keeps strings that YAML 1.1 would turn into booleans or numbers quoted', async () => {
    const { stringifyManifest } = await import('../../../src/render/manifests.ts');
    const text = stringifyManifest([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'on', b: 'yes', c: '1:2', d: 'plain' } }]);
    expect(text).toContain('a: "on"\n');
    expect(text).toContain('b: "yes"\n');
    expect(text).toContain('c: "1:2"\n');
    expect(text).toContain('d: plain\n');
    // and reading: an unquoted `on` in a manifest is a boolean to Kubernetes, so to us too
    expect(parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: on}\n', 'x')[0].data).toEqual({ a: true });
  });
});

describe('ensureAddonManifests (for up)', () => {
  it('downloads what is missing into the cache, says so first, and fetches nothing the second time (fetch stubbed: no network)', async () => {
    const { ensureAddonManifests, manifestSource } = await import('../../../src/render/manifests.ts');
    const { vi } = await import('vitest');
    process.env.KUBEFORGE_CACHE_DIR = path.join(tmp, 'cache-ensure');
    const ha = inventory('ha.yaml');
    const urls = [releaseUrl('calico', ha.cluster.cni.version), releaseUrl('metrics-server', ha.cluster.metricsServer.version)];
    expect(['calico', 'metrics-server'].map((a) => manifestSource(ha, a as 'calico').available)).toEqual([false, false]);
    const asked: string[] = [];
    const told: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      const addon = url.includes('calico') ? 'calico' : 'metrics-server';
      return new Response(bundledManifest(addon, addon === 'calico' ? ha.cluster.cni.version : ha.cluster.metricsServer.version), { status: 200 });
    });
    try {
      await ensureAddonManifests(ha, (src) => told.push(src.url ?? ''));
      expect(asked).toEqual(urls);
      expect(told).toEqual(urls);
      await ensureAddonManifests(ha, (src) => told.push(src.url ?? ''));
      expect(asked).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(renderAddonManifest(ha, 'calico').content).toContain(`value: ${ha.cluster.podSubnet}`);
    process.env.KUBEFORGE_CACHE_DIR = path.join(tmp, 'cache');
  });

  it('names the inventory field when a local manifest file does not exist', async () => {
    const { ensureAddonManifests } = await import('../../../src/render/manifests.ts');
    const ha = inventory('ha.yaml');
    const file = path.join(tmp, 'missing-manifest.yaml');
    const c: Cluster = { ...ha, file, cluster: { ...ha.cluster, cni: { ...ha.cluster.cni, manifest: './nowhere/calico.yaml' } } };
    await expect(ensureAddonManifests(c)).rejects.toThrow(`${file}: cluster.cni.manifest: ${path.join(tmp, 'nowhere', 'calico.yaml')} does not exist`);
  });
});

describe('fetchManifest failures (fetch stubbed: no network)', () => {
  it('says what failed and where to put the file instead', async () => {
    const { fetchManifest } = await import('../../../src/render/manifests.ts');
    const { vi } = await import('vitest');
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    try {
      await expect(fetchManifest('https://example.invalid/calico.yaml')).rejects.toThrow(
        `cannot download https://example.invalid/calico.yaml: HTTP 404 (download it yourself and name the file in the inventory, or put it at ${cachePath('https://example.invalid/calico.yaml')})`,
      );
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fs.existsSync(cachePath('https://example.invalid/calico.yaml'))).toBe(false);
  });
});

describe('metrics-server image under an images mirror', () => {
  it('a flat repository takes the image name; a bare mirror of registry.k8s.io keeps the upstream path', async () => {
    const { rewriteK8sImage } = await import('../../../src/render/manifests.ts');
    const up = 'registry.k8s.io/metrics-server/metrics-server:v0.6.4';
    expect(rewriteK8sImage(up, 'registry.cn-hangzhou.aliyuncs.com/google_containers')).toBe('registry.cn-hangzhou.aliyuncs.com/google_containers/metrics-server:v0.6.4');
    expect(rewriteK8sImage(up, 'k8s.m.daocloud.io')).toBe('k8s.m.daocloud.io/metrics-server/metrics-server:v0.6.4');
    expect(rewriteK8sImage('k8s.gcr.io/metrics-server/metrics-server:v0.5.2', 'k8s.m.daocloud.io/')).toBe('k8s.m.daocloud.io/metrics-server/metrics-server:v0.5.2');
  });
});
