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
