/** The project's bundled add-on manifests (shaped like upstream's) apply to the lab's cluster as they are. */
import { afterEach, expect, it } from 'vitest';
import { bundledManifest } from '../../../src/render/bundled.ts';
import { kubectl, makeCluster, type Cluster } from './fixture.ts';
import { curl, rows } from './helpers.ts';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

it('bundled Calico and metrics-server apply; upstream images are unreachable in the cn view', async () => {
  cl = makeCluster({ workers: 1 });
  const { lab } = cl;
  lab.write('master', '/root/calico.yaml', bundledManifest('calico', 'v3.25.2'));
  let r = await kubectl(lab, 'master', ['apply', '-f', 'calico.yaml']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^daemonset\.apps\/calico-node created$/m);
  r = await kubectl(lab, 'master', ['apply', '-f', 'calico.yaml']);
  expect(r.stdout.split('\n').filter(Boolean).every((l) => l.endsWith(' unchanged'))).toBe(true);
  r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node', '--no-headers']);
  for (const p of rows(r.stdout, '')) expect(p[2]).toMatch(/^Init:(ErrImagePull|ImagePullBackOff)$/);
  lab.write('master', '/root/ms.yaml', bundledManifest('metrics-server', 'v0.6.4'));
  r = await kubectl(lab, 'master', ['apply', '-f', '/root/ms.yaml']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io created\n');
  // the pool of the untouched manifest is Calico's default, not the cluster's podSubnet
  expect(lab.clusterValue.podSubnet).toBe('172.168.0.0/16');
  lab.options.registryView = 'global';
  r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-o', 'wide', '-l', 'k8s-app=kube-dns', '--no-headers']);
  for (const p of rows(r.stdout, '')) expect(p[5]).toMatch(/^192\.168\./);
  r = await kubectl(lab, 'master', ['top', 'nodes']);
  expect(r.stderr).toBe('error: Metrics API not available\n');
  expect((await curl(lab, 'node1', 'https://198.18.0.10:6443/healthz'))?.body).toBe('ok');
});

it('apply -f URL: fetched through the lab\'s HTTP answers; 404 and unknown hosts fail as kubectl says', async () => {
  const { registerHttp } = await import('../../../scripts/lab/sim/registry.ts');
  registerHttp('test-manifest-server', async (_ctx, url) => {
    if (url.hostname !== 'manifests.lab.test') return undefined;
    if (url.pathname === '/ms.yaml') return { status: 200, body: bundledManifest('metrics-server', 'v0.6.4') };
    return { status: 404, body: 'not found' };
  });
  cl = makeCluster({ workers: 1 });
  const { lab } = cl;
  let r = await kubectl(lab, 'master', ['apply', '-f', 'https://manifests.lab.test/ms.yaml']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('deployment.apps/metrics-server created\n');
  r = await kubectl(lab, 'master', ['apply', '-f', 'https://manifests.lab.test/nope.yaml']);
  expect(r).toMatchObject({ code: 1, stderr: 'error: unable to read URL "https://manifests.lab.test/nope.yaml", server reported 404 Not Found, status code=404\n' });
  r = await kubectl(lab, 'master', ['apply', '-f', 'https://elsewhere.lab.test/x.yaml']);
  expect(r.stderr).toMatch(/^error: Get "https:\/\/elsewhere\.lab\.test\/x\.yaml": dial tcp: lookup elsewhere\.lab\.test on 127\.0\.0\.1:53: /);
});
