import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, prepareHost, service } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('kubeadm init', () => {
  it('initializes a well-prepared CentOS 7 host (1.23, docker) and prints the join commands', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1');
    const r = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`, '--pod-network-cidr=172.168.0.0/16', '--control-plane-endpoint=198.18.0.10:6443', '--upload-certs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[init] Using Kubernetes version: v1.23.17');
    expect(r.stdout).toContain('Your Kubernetes control-plane has initialized successfully!');
    const c = lab.clusterValue;
    expect(c.initialized).toBe(true);
    expect(c.caCertHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.stdout).toMatch(new RegExp(`kubeadm join 198\\.18\\.0\\.10:6443 --token [a-z0-9]{6}\\.[a-z0-9]{16} \\\\\\n\\t--discovery-token-ca-cert-hash ${c.caCertHash} \\\\\\n\\t--control-plane --certificate-key [0-9a-f]{64}`));
    expect(r.stdout).toMatch(/Then you can join any number of worker nodes by running the following on each as root:\n\nkubeadm join 198\.18\.0\.10:6443 --token/);
    expect(service(lab, 'm1', 'kubelet')?.active).toBe('active');
    expect(lab.read('m1', '/var/lib/kubelet/kubeadm-flags.env')).toContain(`--pod-infra-container-image=${ALIYUN}/pause:3.6`);
    expect(lab.read('m1', '/etc/kubernetes/manifests/kube-apiserver.yaml')).toContain(`image: ${ALIYUN}/kube-apiserver:v1.23.17`);
    expect(lab.read('m1', '/etc/kubernetes/admin.conf')).toContain('server: https://198.18.0.10:6443');
    expect(Object.keys(c.objects)).toEqual(expect.arrayContaining([
      'Node//m1', 'ConfigMap/kube-system/kubeadm-config', 'ConfigMap/kube-system/kubelet-config-1.23', 'ConfigMap/kube-system/kube-proxy',
      'ConfigMap/kube-public/cluster-info', 'DaemonSet/kube-system/kube-proxy', 'Deployment/kube-system/coredns', 'Secret/kube-system/kubeadm-certs',
    ]));
    const coredns = c.objects['Deployment/kube-system/coredns'] as unknown as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
    expect(coredns.spec.replicas).toBe(2);
    expect(coredns.spec.template.spec.containers[0].image).toBe(`${ALIYUN}/coredns:v1.8.6`);
  });
});
