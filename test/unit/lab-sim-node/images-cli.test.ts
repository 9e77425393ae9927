import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('pulling and re-tagging images by hand', () => {
  it('a pause image re-tagged under its upstream name in containerd lets init finish (the cn workaround)', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', os: 'rocky9' }] });
    await prepareHost(lab, 'm1', { k8s: '1.28.15', runtimeConfig: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n' });
    const bare = await lab.sh('m1', ['ctr', '-n', 'k8s.io', 'images', 'pull', 'registry.k8s.io/pause:3.6']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toBe('ctr: failed to resolve reference "registry.k8s.io/pause:3.6": failed to do request: Head "https://registry.k8s.io/v2/pause/manifests/3.6": dial tcp 34.96.108.209:443: i/o timeout\n');
    expect((await lab.sh('m1', ['ctr', '-n', 'k8s.io', 'images', 'pull', `${ALIYUN}/pause:3.6`])).code).toBe(0);
    expect((await lab.sh('m1', ['ctr', '-n', 'k8s.io', 'images', 'tag', `${ALIYUN}/pause:3.6`, 'registry.k8s.io/pause:3.6'])).code).toBe(0);
    const ls = await lab.sh('m1', ['ctr', '-n', 'k8s.io', 'images', 'ls', '-q']);
    expect(ls.stdout.split('\n')).toContain('registry.k8s.io/pause:3.6');
    const cri = await lab.sh('m1', ['crictl', '--runtime-endpoint', 'unix:///run/containerd/containerd.sock', 'images']);
    expect(cri.stderr).toBe('');
    expect(cri.stdout).toMatch(/\nregistry\.k8s\.io\/pause\s+3\.6\s+/);
    const init = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.28.15', `--image-repository=${ALIYUN}`]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
  });

  it('docker tag and rmi work on the local store; config print shows the version API', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1');
    expect((await lab.sh('h1', ['docker', 'tag', 'nginx', 'x/y'])).stderr).toBe('Error response from daemon: No such image: nginx\n');
    expect((await lab.sh('h1', ['docker', 'pull', 'docker.m.daocloud.io/calico/cni:v3.25.2'])).code).toBe(0);
    expect((await lab.sh('h1', ['docker', 'tag', 'docker.m.daocloud.io/calico/cni:v3.25.2', 'calico/cni:v3.25.2'])).code).toBe(0);
    const imgs = await lab.sh('h1', ['docker', 'images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(imgs.stdout).toBe('docker.m.daocloud.io/calico/cni:v3.25.2\ncalico/cni:v3.25.2\n');
    expect((await lab.sh('h1', ['docker', 'rmi', 'calico/cni:v3.25.2'])).stdout).toBe('Untagged: calico/cni:v3.25.2\n');
    const defaults = await lab.sh('h1', ['kubeadm', 'config', 'print', 'init-defaults']);
    expect(defaults.stdout).toMatch(/^apiVersion: kubeadm\.k8s\.io\/v1beta3\nbootstrapTokens:\n/);
    expect(defaults.stdout).toContain('  criSocket: /var/run/dockershim.sock\n');
    expect(defaults.stdout).toContain('kubernetesVersion: 1.23.0\n');
  });
});
