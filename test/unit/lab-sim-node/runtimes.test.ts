import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../../../scripts/lab/sim/testing.ts';
import { STOCK_RPM_CONFIG, defaultConfigText } from '../../../scripts/lab/sim/node/index.ts';
import { parseContainerdConfig } from '../../../scripts/lab/sim/node/containerd-config.ts';
import { ALIYUN, containerdToml, ctxFor, prepareHost, service, startService } from './helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('docker', () => {
  it('does not start with bad JSON or an unknown directive in daemon.json, as dockerd says', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1', { runtimeConfig: '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n}\n' });
    expect(service(lab, 'h1', 'docker')?.active).toBe('failed');
    expect(service(lab, 'h1', 'docker')?.message).toBe("unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '}' looking for beginning of object key string");
    lab.write('h1', '/etc/docker/daemon.json', '{"exec-opts": ["native.cgroupdriver=systemd"], "registry-mirror": ["https://x"]}');
    const r = await startService(lab, 'h1', 'docker');
    expect(r.message).toBe("unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: registry-mirror");
    const info = await lab.sh('h1', ['docker', 'info']);
    expect(info.code).toBe(1);
    expect(info.stderr).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  });

  it('reports the cgroup driver and pulls through the image tables', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1', { runtimeConfig: '{}' });
    expect((await lab.sh('h1', ['docker', 'info', '-f', '{{.CgroupDriver}}'])).stdout).toBe('cgroupfs\n');
    lab.write('h1', '/etc/docker/daemon.json', '{"exec-opts": ["native.cgroupdriver=systemd"]}');
    await startService(lab, 'h1', 'docker');
    const info = await lab.sh('h1', ['docker', 'info']);
    expect(info.stdout).toContain(' Cgroup Driver: systemd\n');
    const nope = await lab.sh('h1', ['docker', 'pull', 'calico/node:v3.25.2']);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toBe('Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\n');
    const ok = await lab.sh('h1', ['docker', 'pull', 'docker.m.daocloud.io/calico/node:v3.25.2']);
    expect(ok.code).toBe(0);
    const missing = await lab.sh('h1', ['docker', 'pull', `${ALIYUN}/coredns/coredns:v1.8.6`]);
    expect(missing.stderr).toContain('pull access denied for registry.cn-hangzhou.aliyuncs.com/google_containers/coredns/coredns');
    const images = await lab.sh('h1', ['docker', 'images']);
    expect(images.stdout).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\ndocker\.m\.daocloud\.io\/calico\/node\s+v3\.25\.2\s+[0-9a-f]{12}\s+/);
  });
});

describe('containerd, ctr, crictl', () => {
  it('the rpm config disables CRI: crictl and the kubelet fail as real ones do', async () => {
    lab = makeTestLab({ hosts: [{ name: 'h1', os: 'rocky9' }] });
    await prepareHost(lab, 'h1', { k8s: '1.30.14', runtimeConfig: STOCK_RPM_CONFIG });
    expect(service(lab, 'h1', 'containerd')?.active).toBe('active');
    lab.write('h1', '/etc/crictl.yaml', 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n');
    const r = await lab.sh('h1', ['crictl', 'ps']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('validate service connection: CRI v1 runtime API is not implemented for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService');
    expect((await lab.sh('h1', ['ctr', 'version'])).code).toBe(0);
    lab.write('h1', '/etc/containerd/config.toml', defaultConfigText('1.6.33').replace('SystemdCgroup = false', 'SystemdCgroup = true').replace('registry.k8s.io/pause:3.6', `${ALIYUN}/pause:3.9`));
    await startService(lab, 'h1', 'containerd');
    const info = await lab.sh('h1', ['crictl', 'info']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).config.sandboxImage).toBe(`${ALIYUN}/pause:3.9`);
    const pull = await lab.sh('h1', ['crictl', 'pull', 'registry.k8s.io/pause:3.9']);
    expect(pull.stderr).toContain('FATA[0000] pulling image: rpc error: code = Unknown desc = failed to pull and unpack image "registry.k8s.io/pause:3.9": failed to resolve reference "registry.k8s.io/pause:3.9": failed to do request: Head "https://registry.k8s.io/v2/pause/manifests/3.9": dial tcp 34.96.108.209:443: i/o timeout');
  });

  it('crictl without /etc/crictl.yaml warns about the default endpoints', async () => {
    lab = makeTestLab({ hosts: [{ name: 'h1', os: 'rocky9' }] });
    await prepareHost(lab, 'h1', { k8s: '1.30.14' });
    const r = await lab.sh('h1', ['crictl', 'images']);
    expect(r.stderr).toContain('WARN[0000] image connect using default endpoints: [unix:///run/containerd/containerd.sock unix:///run/crio/crio.sock unix:///var/run/cri-dockerd.sock]. As the default settings are now deprecated, you should set the endpoint instead.');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^IMAGE\s+TAG\s+IMAGE ID\s+SIZE\n$/);
  });

  it('reads config.toml versions, quoted dotted tables and rejects broken TOML', () => {
    const v2 = parseContainerdConfig(containerdToml(true, 'x/pause:1'), '1.6.33').config;
    expect(v2).toMatchObject({ criEnabled: true, systemdCgroup: true, sandboxImage: 'x/pause:1' });
    const v3 = parseContainerdConfig(defaultConfigText('2.0.5'), '2.0.5').config;
    expect(v3).toMatchObject({ version: 3, systemdCgroup: false, sandboxImage: 'registry.k8s.io/pause:3.10' });
    expect(parseContainerdConfig(STOCK_RPM_CONFIG, '1.6.33').config?.criEnabled).toBe(false);
    expect(parseContainerdConfig('version = 2\n[plugins\n', '1.6.33').error).toMatch(/^failed to load TOML: \/etc\/containerd\/config\.toml: \(2, \d+\): /);
    expect(parseContainerdConfig('version = 2\n[plugins.cri]\nsandbox_image = "a"\n', '1.6.33').error).toContain('invalid plugin key URI "cri" expect io.containerd.x.vx');
  });
});

describe('kubelet', () => {
  it('loops before init with the journal reason, and on a cgroup driver mismatch with docker', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1', { runtimeConfig: '{}' });
    const before = await startService(lab, 'h1', 'kubelet');
    expect(before).toMatchObject({ ok: false, loop: true });
    expect(before.message).toContain('failed to load Kubelet config file /var/lib/kubelet/config.yaml');
    const r = await lab.sh('h1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\t[WARNING IsDockerSystemdCheck]: detected "cgroupfs" as the Docker cgroup driver. The recommended driver is "systemd". Please follow the guide at https://kubernetes.io/docs/setup/cri/\n');
    expect(r.stdout).toContain("[kubelet-check] It seems like the kubelet isn't running or healthy.");
    const k = ctxFor(lab, 'h1').runtime().services.kubelet;
    expect(k?.active).toBe('activating');
    expect(k?.message).toBe('failed to run Kubelet: misconfiguration: kubelet cgroup driver: "systemd" is different from docker cgroup driver: "cgroupfs"');
    expect((await lab.sh('h1', ['kubelet', '--version'])).stdout).toBe('Kubernetes v1.23.17\n');
  });

  it('recovers from its restart loop once docker runs with the matching driver', async () => {
    lab = makeTestLab();
    await prepareHost(lab, 'h1', { runtimeConfig: '{}' });
    await lab.sh('h1', ['kubeadm', 'init', '--kubernetes-version=v1.23.17', `--image-repository=${ALIYUN}`]);
    expect(service(lab, 'h1', 'kubelet')?.active).toBe('activating');
    lab.write('h1', '/etc/docker/daemon.json', '{"exec-opts": ["native.cgroupdriver=systemd"]}');
    const ctx = ctxFor(lab, 'h1');
    const { serviceHook } = await import('../../../scripts/lab/sim/registry.ts');
    await serviceHook('docker')?.stop?.(ctx);
    expect(ctx.runtime().services.kubelet?.message).toContain('Cannot connect to the Docker daemon');
    expect((await serviceHook('docker')?.start(ctx))?.ok).toBe(true);
    expect(ctx.runtime().services.kubelet?.active).toBe('active');
  });
});
