/**
 * Issue 4: the same bootstrap with one step left out or wrong fails where the real one
 * would, with the real error text. One CentOS 7 lab prepared once, then variations
 * (with `kubeadm reset -f` where a user would); one Rocky 9 host for the containerd case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefLab, type Step } from './ref-lab.ts';
import * as C from './walkthrough-centos7.ts';
import * as R from './walkthrough-rocky9.ts';
import { proxyMode } from './checks.ts';

const without = (steps: Step[], name: string): Step[] => steps.filter((s) => s.name !== name);

describe('reference mistakes, CentOS 7.9 + docker + 1.23.17', () => {
  let lab: RefLab;
  let join = '';
  beforeAll(async () => {
    lab = await RefLab.up(3, 'centos7');
    const [m, n1, n2] = lab.hosts as [typeof lab.master, typeof lab.master, typeof lab.master];
    // kf-node02 forgets br_netfilter; its `sysctl --system` is checked in the first test
    await Promise.all([
      lab.steps(m, C.nodePrep(lab.hosts, m)),
      lab.steps(n1, C.nodePrep(lab.hosts, n1)),
      lab.steps(n2, [...C.osPrep(lab.hosts, n2), ...C.repos(), ...without(C.kernel({ brNetfilter: false }), 'sysctl --system'), ...C.docker(), ...C.kubePackages()]),
    ]);
    await lab.steps(m, C.init(m));
    join = C.workerJoinFrom((await lab.ssh(m, 'cat /root/kubeadm-init.log')).stdout);
    await lab.steps(n1, [{ name: 'join', sh: join }]);
    await lab.steps(m, C.addons());
  }, 240_000);
  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('br_netfilter not loaded: sysctl cannot set bridge-nf-call-*, join preflight stops', async () => {
    const n2 = lab.hosts[2]!;
    const sysctl = await lab.ssh(n2, 'sysctl --system');
    expect(sysctl.code).not.toBe(0);
    expect(sysctl.stderr).toContain('sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory');
    const r = await lab.ssh(n2, join);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error execution phase preflight: [preflight] Some fatal errors occurred:');
    expect(r.stderr).toContain('[ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: /proc/sys/net/bridge/bridge-nf-call-iptables does not exist');
    // the fix a user makes: load it, persist it, apply the sysctls again
    await lab.steps(n2, [{ name: 'br_netfilter', sh: 'modprobe br_netfilter && echo br_netfilter >> /etc/modules-load.d/ipvs.conf && sysctl --system' }]);
    expect((await lab.ssh(n2, 'sysctl -n net.bridge.bridge-nf-call-iptables')).stdout.trim()).toBe('1');
  }, 60_000);

  it('kube-proxy ConfigMap set to ipvs without restarting its pods: still iptables, ipvs after the restart', async () => {
    const m = lab.master;
    await lab.steps(m, C.kubeProxyIpvs({ restart: false }));
    expect((await lab.ssh(m, 'kubectl -n kube-system get cm kube-proxy -o yaml')).stdout).toContain('mode: "ipvs"');
    for (const h of [m, lab.hosts[1]!]) expect(await proxyMode(lab, h), h.name).toBe('iptables');
    await lab.steps(m, [{ name: 'kube-proxy restart', sh: 'kubectl -n kube-system delete pod -l k8s-app=kube-proxy' }]);
    await lab.until(m, 'curl -s 127.0.0.1:10249/proxyMode', (s) => s.trim() === 'ipvs', 60_000);
  }, 90_000);

  it('a join with an expired token fails in discovery; a fresh token works', async () => {
    const n2 = lab.hosts[2]!;
    const f = await lab.kf(['lab', 'fault', 'expire-tokens']);
    expect(f.code, f.stderr).toBe(0);
    expect((await lab.ssh(lab.master, 'kubeadm token list')).stdout).toMatch(/<invalid>/);
    const r = await lab.ssh(n2, join);
    expect(r.code).toBe(1);
    const id = /--token ([a-z0-9]{6})\./.exec(join)![1];
    // the text since kubernetes#57941 (the JWS signature for the token is gone from cluster-info)
    expect(r.stderr).toContain(`error execution phase preflight: couldn't validate the identity of the API Server: token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`);
    const fresh = (await lab.ssh(lab.master, 'kubeadm token create --print-join-command')).stdout.trim();
    const ok = await lab.ssh(n2, fresh);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('This node has joined the cluster:');
  }, 90_000);

  it('a control-plane join after the uploaded certs expired cannot download them', async () => {
    const n2 = lab.hosts[2]!;
    const initLog = (await lab.ssh(lab.master, 'cat /root/kubeadm-init.log')).stdout;
    const key = /--certificate-key ([0-9a-f]{64})/.exec(initLog)![1];
    await lab.steps(n2, [{ name: 'reset', sh: 'kubeadm reset -f' }]);
    const f = await lab.kf(['lab', 'fault', 'expire-cert-keys']);
    expect(f.code, f.stderr).toBe(0);
    const fresh = (await lab.ssh(lab.master, 'kubeadm token create --print-join-command')).stdout.trim();
    const r = await lab.ssh(n2, `${fresh} --control-plane --certificate-key ${key}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one');
  }, 90_000);

  it('swap left in fstab: after a reboot swap is back, the kubelet does not run, a re-join fails preflight', async () => {
    const n1 = lab.hosts[1]!;
    await lab.steps(n1, [{ name: 'swap back in fstab', sh: "sed -ri 's/^#(.*swap.*)/\\1/' /etc/fstab" }]);
    const rb = await lab.kf(['lab', 'reboot', n1.name]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await lab.ssh(n1, 'swapon --show --noheadings')).stdout.trim()).not.toBe('');
    expect((await lab.ssh(n1, 'systemctl is-active kubelet')).stdout.trim()).not.toBe('active');
    expect((await lab.ssh(n1, 'journalctl -u kubelet --no-pager')).stdout).toContain('running with swap on is not supported, please disable swap!');
    await lab.steps(n1, [{ name: 'reset', sh: 'kubeadm reset -f' }]);
    const fresh = (await lab.ssh(lab.master, 'kubeadm token create --print-join-command')).stdout.trim();
    const r = await lab.ssh(n1, fresh);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[ERROR Swap]: running with swap on is not supported. Please disable swap');
  }, 90_000);

  it('docker left on cgroupfs: the kubelet crash-loops and init times out in wait-control-plane', async () => {
    const n1 = lab.hosts[1]!;
    await lab.steps(n1, [
      { name: 'swap off for good', sh: "swapoff -a && sed -ri 's/.*swap.*/#&/' /etc/fstab" },
      { name: 'daemon.json cgroupfs', sh: 'cat > /etc/docker/daemon.json && systemctl restart docker', input: C.DAEMON_JSON.replace('systemd', 'cgroupfs') },
      { name: 'kubeadm config', sh: 'cat > /root/kubeadm-config.yaml', input: C.kubeadmConfig(n1) },
    ]);
    const r = await lab.ssh(n1, 'kubeadm init --config /root/kubeadm-config.yaml');
    expect(r.code).toBe(1);
    // preflight warnings go to stdout, errors to stderr
    expect(r.stdout).toContain('[WARNING IsDockerSystemdCheck]: detected "cgroupfs" as the Docker cgroup driver. The recommended driver is "systemd".');
    expect(r.stdout).toContain("[kubelet-check] It seems like the kubelet isn't running or healthy.");
    expect(r.stdout).toContain('timed out waiting for the condition');
    expect(r.stderr).toContain("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
    expect((await lab.ssh(n1, 'journalctl -u kubelet --no-pager')).stdout).toContain('misconfiguration: kubelet cgroup driver: "systemd" is different from docker cgroup driver: "cgroupfs"');
  }, 90_000);
});

describe('reference mistakes, Rocky 9 + containerd', () => {
  let lab: RefLab;
  beforeAll(async () => {
    lab = await RefLab.up(1, 'rocky9');
  }, 200_000);
  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('sandbox_image left at registry.k8s.io/pause: init cannot start the control plane (cn view)', async () => {
    const m = lab.master;
    await lab.steps(m, [...R.osPrep(lab.hosts, m), ...R.repos(), ...R.kernel(), ...R.containerd({ mirrorPause: false }), ...R.kubePackages()]);
    const cfg = (await lab.ssh(m, 'grep sandbox_image /etc/containerd/config.toml')).stdout;
    expect(cfg).toMatch(/sandbox_image = "registry\.k8s\.io\/pause:3\.\d+"/);
    const pause = /registry\.k8s\.io\/pause:3\.\d+/.exec(cfg)![0];
    await lab.steps(m, [{ name: 'kubeadm config', sh: 'cat > /root/kubeadm-config.yaml', input: R.kubeadmConfig(m) }]);
    const r = await lab.ssh(m, 'kubeadm init --config /root/kubeadm-config.yaml --upload-certs');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[api-check] The API server is not healthy after 4m0');
    expect(r.stderr).toContain("error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
    expect((await lab.ssh(m, 'journalctl -u kubelet --no-pager')).stdout).toContain(`failed to get sandbox image "${pause}"`);
  }, 180_000);
});
