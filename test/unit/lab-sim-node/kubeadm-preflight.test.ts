import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { ALIYUN, ctxFor, prepareHost } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const init = (extra: string[] = []) => lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`, ...extra]);
const HINT = "[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`";

describe('kubeadm init preflight', () => {
  it('refuses swap, ip_forward and a missing br_netfilter with the real lines', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1', { swap: true, ipForward: false, brNetfilter: false });
    const r = await init();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error execution phase preflight: [preflight] Some fatal errors occurred:\n');
    expect(r.stderr).toContain('\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n');
    expect(r.stderr).toContain('\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n');
    expect(r.stderr).toContain('\t[ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: /proc/sys/net/bridge/bridge-nf-call-iptables does not exist\n');
    expect(r.stderr).toContain(HINT);
    expect(r.stderr).toContain('To see the stack trace of this error execute with --v=5 or higher');
    expect(lab.clusterValue.initialized).toBe(false);
  });

  it('counts CPUs on a control plane and lets --ignore-preflight-errors make checks non-fatal', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', cpus: 1 }] });
    await prepareHost(lab, 'm1', { swap: true });
    const r = await init();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('\t[ERROR NumCPU]: the number of available CPUs 1 is less than the required 2\n');
    const ok = await init(['--ignore-preflight-errors=Swap,NumCPU']);
    expect(ok.stdout).toContain('\t[WARNING NumCPU]: the number of available CPUs 1 is less than the required 2\n');
    expect(ok.stdout).toContain('\t[WARNING Swap]: running with swap on is not supported. Please disable swap\n');
    // swap still on: the kubelet refuses to run, so init times out waiting for the control plane
    expect(ok.code).toBe(1);
    expect(ok.stderr).toContain("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
    expect(ctxFor(lab, 'm1').runtime().services.kubelet?.message).toContain('running with swap on is not supported');
  });

  it('reports a stopped runtime, a missing kubelet and a second init on the same host', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1', { kubelet: false });
    const ctx = ctxFor(lab, 'm1');
    ctx.runtime().services.docker = { active: 'inactive', since: 0 };
    ctx.save();
    const r = await init();
    expect(r.stderr).toContain('\t[ERROR CRI]: container runtime is not running: output: Client:');
    expect(r.stderr).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    expect(r.stderr).toContain(`\t[ERROR KubeletVersion]: couldn't get kubelet version: cannot execute 'kubelet --version': exec: "kubelet": executable file not found in $PATH\n`);

    const lab2 = makeTestLab({ hosts: [{ name: 'm1' }] });
    try {
      await prepareHost(lab2, 'm1');
      const first = await lab2.sh('m1', ['kubeadm', 'init', `--image-repository=${ALIYUN}`, '--kubernetes-version', '1.23.17']);
      expect(first.code).toBe(0);
      const again = await lab2.sh('m1', ['kubeadm', 'init', `--image-repository=${ALIYUN}`, '--kubernetes-version', '1.23.17']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('\t[ERROR Port-6443]: Port 6443 is in use\n');
      expect(again.stderr).toContain('\t[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]: /etc/kubernetes/manifests/kube-apiserver.yaml already exists\n');
      expect(again.stderr).toContain('\t[ERROR Port-10250]: Port 10250 is in use\n');
      const all = await lab2.sh('m1', ['kubeadm', 'init', `--image-repository=${ALIYUN}`, '--kubernetes-version', '1.23.17', '--ignore-preflight-errors=all']);
      expect(all.stdout).toContain('[WARNING Port-6443]');
    } finally {
      lab2.cleanup();
    }
  });

  it('refuses a kubelet newer than the control plane', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1');
    const ctx = ctxFor(lab, 'm1');
    ctx.persist().rpms.kubelet.version = '1.24.17';
    ctx.save();
    const r = await init();
    expect(r.stderr).toContain('[ERROR KubeletVersion]: the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "1.24.17" Control plane version: "1.23.17"');
  });

  it('fails image pulls in the cn view when the registry is unreachable or the pause tag is not mirrored', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1');
    const upstream = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17']);
    expect(upstream.code).toBe(1);
    expect(upstream.stderr).toContain('\t[ERROR ImagePull]: failed to pull image registry.k8s.io/kube-apiserver:v1.23.17: output: Error response from daemon: Get "https://registry.k8s.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\n, error: exit status 1\n');
    lab.faultsValue.missingTags.push(`${ALIYUN}/pause:3.6`);
    const r = await init();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[ERROR ImagePull]: failed to pull image ${ALIYUN}/pause:3.6: output: Error response from daemon: manifest for ${ALIYUN}/pause:3.6 not found: manifest unknown: manifest unknown`);
    expect(r.stderr).not.toContain('kube-apiserver');
  });

  it('hangs in wait-control-plane when containerd keeps the upstream sandbox image (cn view)', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1', os: 'rocky9' }] });
    await prepareHost(lab, 'm1', { k8s: '1.28.15', runtimeConfig: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n' });
    const r = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.28.15', `--image-repository=${ALIYUN}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("- 'crictl --runtime-endpoint unix:///var/run/containerd/containerd.sock ps -a | grep kube | grep -v pause'");
    expect(r.stderr).toContain("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
    expect(ctxFor(lab, 'm1').runtime().services.kubelet?.message).toContain('registry.k8s.io/pause:3.6');
  });

  it('1.24+ on a docker-ce host picks containerd, whose rpm config disables CRI', async () => {
    lab = makeTestLab({ hosts: [{ name: 'm1' }] });
    await prepareHost(lab, 'm1', { k8s: '1.25.16', runtime: 'docker' });
    lab.write('m1', '/etc/containerd/config.toml', 'disabled_plugins = ["cri"]\n');
    const r = await lab.sh('m1', ['kubeadm', 'init', '--kubernetes-version=v1.25.16', `--image-repository=${ALIYUN}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\t\[ERROR CRI\]: container runtime is not running: output: time="[^"]+" level=fatal msg="validate service connection: CRI v1 runtime API is not implemented for endpoint \\"unix:\/\/\/var\/run\/containerd\/containerd\.sock\\": rpc error: code = Unimplemented desc = unknown service runtime\.v1\.RuntimeService"\n, error: exit status 1\n/);
  });
});
