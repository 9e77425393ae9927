/** The cluster side against a cluster made by the node area's real `kubeadm init` / `join`. */
import { afterEach, describe, expect, it } from 'vitest';
import '../../../scripts/lab/sim/cluster/index.ts';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost } from '../lab-sim-node/helpers.ts';
import { calicoManifest, metricsServerManifest } from './fixture.ts';
import { curl, rows } from './helpers.ts';

let lab: TestLab | undefined;
afterEach(() => lab?.cleanup());

async function bootstrap(k8s: string, os: 'centos7' | 'rocky9'): Promise<TestLab> {
  const l = makeTestLab({ hosts: [{ name: 'm1', os }, { name: 'n1', os }] });
  lab = l;
  for (const h of ['m1', 'n1']) await prepareHost(l, h, { k8s });
  const init = await l.sh('m1', ['kubeadm', 'init', `--kubernetes-version=v${k8s}`, `--image-repository=${ALIYUN}`, '--pod-network-cidr=172.168.0.0/16']);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  const join = [...init.stdout.matchAll(/kubeadm join (?:[^\n]*\\\n\t)*[^\n]*/g)].map((m) => m[0].replace(/\\\n\t/g, '').trim().split(/\s+/))[0];
  expect((await l.sh('n1', join)).code).toBe(0);
  l.write('m1', '/root/.kube/config', l.read('m1', '/etc/kubernetes/admin.conf') ?? '');
  return l;
}

const k = (l: TestLab, args: string[], stdin?: string) => l.sh('m1', ['kubectl', ...args], { stdin, env: { HOME: '/root' } });

describe('after kubeadm init + join', () => {
  for (const [k8s, os] of [['1.23.17', 'centos7'], ['1.28.2', 'rocky9']] as const) {
    it(`${k8s} on ${os}: NotReady until Calico, then Ready; metrics-server and top; kube-proxy mode`, async () => {
      const l = await bootstrap(k8s, os);
      let r = await k(l, ['get', 'nodes']);
      expect(r.stderr).toBe('');
      expect(rows(r.stdout, 'm1')[0][1]).toBe('NotReady');
      expect(rows(r.stdout, 'n1')[0][1]).toBe('NotReady');
      r = await k(l, ['get', 'pods', '-n', 'kube-system', '--no-headers']);
      const names = rows(r.stdout, '').map((x) => x[0]);
      for (const c of ['etcd-m1', 'kube-apiserver-m1', 'kube-controller-manager-m1', 'kube-scheduler-m1']) expect(names).toContain(c);
      expect(rows(r.stdout, 'coredns-').map((x) => x[2])).toEqual(['Pending', 'Pending']);
      expect(rows(r.stdout, 'kube-proxy-').map((x) => x[2])).toEqual(['Running', 'Running']);
      r = await k(l, ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
      expect(r.code).toBe(0);
      r = await k(l, ['get', 'nodes', '--no-headers']);
      expect(rows(r.stdout, '').map((x) => x[1])).toEqual(['Ready', 'Ready']);
      r = await k(l, ['get', 'pods', '-n', 'kube-system', '--no-headers']);
      if (rows(r.stdout, '').some((p) => p[2] !== 'Running')) console.log(r.stdout, (await k(l, ['describe', 'pods', '-n', 'kube-system'])).stdout);
      for (const p of rows(r.stdout, '')) expect([p[0], p[2]]).toEqual([p[0], 'Running']);
      r = await k(l, ['apply', '-f', '-'], metricsServerManifest(ALIYUN, true));
      expect(r.code).toBe(0);
      r = await k(l, ['top', 'nodes']);
      if (r.code) console.log(r, (await k(l, ['describe', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server'])).stdout);
      expect(r.code).toBe(0);
      expect(rows(r.stdout, 'n1')).toHaveLength(1);
      expect((await curl(l, 'n1', 'http://127.0.0.1:10249/proxyMode'))?.body).toBe('iptables');
      r = await k(l, ['version', '-o', 'json']);
      expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe(`v${k8s}`);
    });
  }
});
