/**
 * The real upstream Calico and metrics-server manifests (test/fixtures/upstream), applied with the
 * lab's kubectl on a master as outside checks would after copying them there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { kubectl, makeCluster, type Cluster } from '../lab-sim-cluster/fixture.ts';
import { rows } from '../lab-sim-cluster/helpers.ts';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/upstream');
const CALICO = fs.readFileSync(path.join(DIR, 'calico-master-excerpt.yaml'), 'utf8');
const METRICS = fs.readFileSync(path.join(DIR, 'metrics-server-v0.7.2-components.yaml'), 'utf8');
// what users do in China: images from a reachable mirror, a released tag, the pool set to podSubnet
const calicoOnMirror = (): string => CALICO
  .replace(/quay\.io\/calico\/([a-z-]+):master/g, 'docker.m.daocloud.io/calico/$1:v3.31.0')
  .replace('# - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"', '- name: CALICO_IPV4POOL_CIDR\n              value: "172.168.0.0/16"');
const MIRROR = 'registry.cn-hangzhou.aliyuncs.com/google_containers';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

describe('upstream Calico manifest', () => {
  it('applies as is (PDB, CRDs, RBAC, DaemonSet, Deployment); quay.io is unreachable from the cn view: ImagePullBackOff', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    lab.write('master', '/root/calico.yaml', CALICO);
    let r = await kubectl(lab, 'master', ['apply', '-f', 'calico.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const line of [
      'poddisruptionbudget.policy/calico-kube-controllers created', 'serviceaccount/calico-cni-plugin created', 'configmap/calico-config created',
      'customresourcedefinition.apiextensions.k8s.io/ippools.crd.projectcalico.org created', 'clusterrole.rbac.authorization.k8s.io/calico-tier-getter created',
      'clusterrolebinding.rbac.authorization.k8s.io/calico-cni-plugin created', 'daemonset.apps/calico-node created', 'deployment.apps/calico-kube-controllers created',
    ]) expect(r.stdout).toContain(`${line}\n`);
    r = await kubectl(lab, 'master', ['apply', '-f', 'calico.yaml']);
    expect(r.stdout.split('\n').filter(Boolean).every((l) => l.endsWith(' unchanged')), r.stdout).toBe(true);
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node', '--no-headers']);
    const pods = rows(r.stdout, '');
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p[2]).toMatch(/^Init:(ErrImagePull|ImagePullBackOff)$/);
    r = await kubectl(lab, 'master', ['get', 'nodes', '--no-headers']);
    for (const n of rows(r.stdout, '')) expect(n[1]).toBe('NotReady');
  });

  it('with its images on a cn mirror and CALICO_IPV4POOL_CIDR set, nodes turn Ready and the pool is podSubnet', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    lab.write('master', '/root/calico.yaml', calicoOnMirror());
    expect((await kubectl(lab, 'master', ['apply', '-f', '/root/calico.yaml'])).code).toBe(0);
    let r = await kubectl(lab, 'master', ['rollout', 'status', 'ds/calico-node', '-n', 'kube-system', '--timeout=30s']);
    expect(r).toMatchObject({ code: 0, stdout: 'daemon set "calico-node" successfully rolled out\n' });
    r = await kubectl(lab, 'master', ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=30s']);
    expect(r.stdout).toBe('node/master condition met\nnode/node1 condition met\n');
    r = await kubectl(lab, 'master', ['get', 'ippools.crd.projectcalico.org', 'default-ipv4-ippool', '-o', 'jsonpath={.spec.cidr} {.spec.ipipMode}']);
    expect(r.stdout).toBe('172.168.0.0/16 Always');
  });

  it('with the pool line left commented, Calico uses its own default 192.168.0.0/16', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    lab.write('master', '/root/calico.yaml', calicoOnMirror().replace('- name: CALICO_IPV4POOL_CIDR\n              value: "172.168.0.0/16"', '# - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"'));
    expect((await kubectl(lab, 'master', ['apply', '-f', '/root/calico.yaml'])).code).toBe(0);
    const r = await kubectl(lab, 'master', ['get', 'ippools.crd.projectcalico.org', 'default-ipv4-ippool', '-o', 'jsonpath={.spec.cidr}']);
    expect(r.stdout).toBe('192.168.0.0/16');
  });
});

describe('upstream metrics-server components.yaml', () => {
  const onMirror = METRICS.replace('registry.k8s.io/metrics-server/metrics-server:v0.7.2', `${MIRROR}/metrics-server:v0.7.2`);

  async function withCalico(): Promise<Cluster> {
    cl = makeCluster({ workers: 1 });
    cl.lab.write('master', '/root/calico.yaml', calicoOnMirror());
    expect((await kubectl(cl.lab, 'master', ['apply', '-f', '/root/calico.yaml'])).code).toBe(0);
    return cl;
  }

  it('as released (no --kubelet-insecure-tls): Running but never Ready on kubeadm\'s self-signed kubelet certs; top fails', async () => {
    const { lab } = await withCalico();
    lab.write('master', '/root/components.yaml', onMirror);
    let r = await kubectl(lab, 'master', ['apply', '-f', 'components.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io created\n');
    r = await kubectl(lab, 'master', ['wait', '-n', 'kube-system', '--for=condition=available', 'deploy/metrics-server', '--timeout=2s']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: timed out waiting for the condition on deployments.apps/metrics-server\n' });
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server', '--no-headers']);
    expect(rows(r.stdout, '')[0].slice(1, 3)).toEqual(['0/1', 'Running']);
    expect(await kubectl(lab, 'master', ['top', 'nodes'])).toMatchObject({ code: 1, stderr: 'error: Metrics API not available\n' });
  });

  it('with --kubelet-insecure-tls added: available, and kubectl top nodes answers', async () => {
    const { lab } = await withCalico();
    lab.write('master', '/root/components.yaml', onMirror.replace('        - --metric-resolution=15s\n', '        - --metric-resolution=15s\n        - --kubelet-insecure-tls\n'));
    expect((await kubectl(lab, 'master', ['apply', '-f', 'components.yaml'])).code).toBe(0);
    let r = await kubectl(lab, 'master', ['-n', 'kube-system', 'wait', '--for=condition=available', 'deploy/metrics-server', '--timeout=10s']);
    expect(r).toMatchObject({ code: 0, stdout: 'deployment.apps/metrics-server condition met\n' });
    r = await kubectl(lab, 'master', ['top', 'nodes', '--no-headers']);
    expect(r.code).toBe(0);
    expect(rows(r.stdout, '').map((x) => x[0]).sort()).toEqual(['master', 'node1']);
  });

  it('unmodified, registry.k8s.io cannot be pulled from the cn view', async () => {
    const { lab } = await withCalico();
    lab.write('master', '/root/components.yaml', METRICS);
    expect((await kubectl(lab, 'master', ['apply', '-f', 'components.yaml'])).code).toBe(0);
    const r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server', '--no-headers']);
    expect(rows(r.stdout, '')[0][2]).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
  });
});
