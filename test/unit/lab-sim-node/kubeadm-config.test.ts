import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const cfg = (api: string, extra = '') => `apiVersion: kubeadm.k8s.io/${api}
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 198.18.0.10
  bindPort: 6443
nodeRegistration:
  name: m1
---
apiVersion: kubeadm.k8s.io/${api}
kind: ClusterConfiguration
kubernetesVersion: KV
imageRepository: ${ALIYUN}
controlPlaneEndpoint: 198.18.0.10:6443
networking:
  podSubnet: 172.168.0.0/16
  serviceSubnet: 10.96.0.0/12
${extra}---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: ipvs
`;

describe('kubeadm --config', () => {
  it('accepts v1beta2 on 1.23 and refuses it on a kubeadm that dropped it', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }, { name: 'm2', os: 'rocky9' }] });
    await prepareHost(lab, 'm1');
    lab.write('m1', '/root/kubeadm.yaml', cfg('v1beta2').replace('KV', 'v1.23.17'));
    const list = await lab.sh('m1', ['kubeadm', 'config', 'images', 'list', '--config', '/root/kubeadm.yaml']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(['kube-apiserver:v1.23.17', 'kube-controller-manager:v1.23.17', 'kube-scheduler:v1.23.17', 'kube-proxy:v1.23.17', 'pause:3.6', 'etcd:3.5.6-0', 'coredns:v1.8.6'].map((i) => `${ALIYUN}/${i}`).join('\n') + '\n');
    const init = await lab.sh('m1', ['kubeadm', 'init', '--config', '/root/kubeadm.yaml', '--upload-certs']);
    expect(init.code).toBe(0);
    const proxy = lab.clusterValue.objects['ConfigMap/kube-system/kube-proxy'] as unknown as { data: Record<string, string> };
    expect(proxy.data['config.conf']).toContain('mode: ipvs');

    await prepareHost(lab, 'm2', { k8s: '1.30.14' });
    lab.write('m2', '/root/kubeadm.yaml', cfg('v1beta2').replace('KV', 'v1.30.14'));
    const r = await lab.sh('m2', ['kubeadm', 'init', '--config', '/root/kubeadm.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta2". Please use kubeadm v1.25 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`);
    lab.write('m2', '/root/v4.yaml', cfg('v1beta4').replace('KV', 'v1.30.14'));
    const v4 = await lab.sh('m2', ['kubeadm', 'config', 'images', 'list', '--config', '/root/v4.yaml']);
    expect(v4.stderr).toContain('no kind "InitConfiguration" is registered for version "kubeadm.k8s.io/v1beta4" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"');
  });

  it('warns about unknown fields (strict decoding reported) and fails on wrong types', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', os: 'rocky9' }] });
    await prepareHost(lab, 'm1', { k8s: '1.28.15' });
    lab.write('m1', '/root/k.yaml', cfg('v1beta3', 'podSubnett: 10.0.0.0/16\n').replace('KV', 'v1.28.15'));
    const r = await lab.sh('m1', ['kubeadm', 'config', 'images', 'list', '--config', '/root/k.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^W\d{4} [\d:.]+ +\d+ strict\.go:54\] error unmarshaling configuration schema\.GroupVersionKind\{Group:"kubeadm\.k8s\.io", Version:"v1beta3", Kind:"ClusterConfiguration"\}: strict decoding error: unknown field "podSubnett"$/m);
    expect(r.stdout).toContain(`${ALIYUN}/coredns:v1.10.1`);
    lab.write('m1', '/root/t.yaml', cfg('v1beta3').replace('KV', 'v1.28.15').replace('bindPort: 6443', 'bindPort: "6443"'));
    const t = await lab.sh('m1', ['kubeadm', 'init', '--config', '/root/t.yaml']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field APIEndpoint.localAPIEndpoint.bindPort of type int32');
    const mix = await lab.sh('m1', ['kubeadm', 'init', '--config', '/root/k.yaml', '--pod-network-cidr=10.244.0.0/16']);
    expect(mix.stderr).toContain("can not mix '--config' with arguments [pod-network-cidr]");
  });

  it('names coredns by the upstream path only for the default repository', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1');
    const up = await lab.sh('h1', ['kubeadm', 'config', 'images', 'list', '--kubernetes-version', 'v1.23.17']);
    expect(up.stdout.split('\n')).toContain('registry.k8s.io/coredns/coredns:v1.8.6');
    const noVersion = await lab.sh('h1', ['kubeadm', 'config', 'images', 'list']);
    expect(noVersion.stderr).toContain('could not fetch a Kubernetes version from the internet: unable to get URL "https://dl.k8s.io/release/stable-1.txt"');
    expect(noVersion.stderr).toContain('falling back to the local client version: v1.23.17');
    const pull = await lab.sh('h1', ['kubeadm', 'config', 'images', 'pull', '--kubernetes-version', 'v1.23.17', '--image-repository', ALIYUN]);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toContain(`[config/images] Pulled ${ALIYUN}/coredns:v1.8.6\n`);
    const v = await lab.sh('h1', ['kubeadm', 'version', '-o', 'short']);
    expect(v.stdout).toBe('v1.23.17\n');
    expect((await lab.sh('h1', ['kubeadm', 'version'])).stdout).toMatch(/^kubeadm version: &version\.Info\{Major:"1", Minor:"23", GitVersion:"v1\.23\.17", GitCommit:"[0-9a-f]{40}", GitTreeState:"clean", BuildDate:"[^"]+", GoVersion:"go[\d.]+", Compiler:"gc", Platform:"linux\/amd64"\}\n$/);
  });
});
