/**
 * Issue 4: the seed guide on 3 CentOS 7.9 hosts, typed as ssh commands, ends in a working
 * cluster (3 Ready nodes, Calico, metrics-server, kube-proxy in ipvs mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefLab } from './ref-lab.ts';
import * as W from './walkthrough-centos7.ts';
import { inCidr, pods, proxyMode, waitReady } from './checks.ts';

describe('reference bootstrap, CentOS 7.9 + docker 20.10 + Kubernetes 1.23.17', () => {
  let lab: RefLab;
  beforeAll(async () => {
    lab = await RefLab.up(3, 'centos7');
  }, 200_000);
  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('prepares every host, inits the master, joins the workers, adds Calico, metrics-server and ipvs', async () => {
    await lab.everywhere(lab.hosts, (h) => W.nodePrep(lab.hosts, h));
    // what the guide checks on the way
    const m = lab.master;
    expect((await lab.ssh(m, 'getenforce')).stdout.trim()).toBe('Permissive');
    expect((await lab.ssh(m, 'systemctl is-active firewalld')).stdout.trim()).toBe('inactive');
    expect((await lab.ssh(m, 'swapon --show')).stdout.trim()).toBe('');
    expect((await lab.ssh(m, 'docker info --format "{{.CgroupDriver}}"')).stdout.trim()).toBe('systemd');
    expect((await lab.ssh(m, 'docker version --format "{{.Server.Version}}"')).stdout.trim()).toMatch(/^20\.10\./);
    expect((await lab.ssh(m, 'sysctl -n net.bridge.bridge-nf-call-iptables')).stdout.trim()).toBe('1');
    expect((await lab.ssh(m, 'kubeadm version -o short')).stdout.trim()).toBe('v1.23.17');

    await lab.steps(m, W.init(m));
    const initLog = (await lab.ssh(m, 'cat /root/kubeadm-init.log')).stdout;
    expect(initLog).toContain('Your Kubernetes control-plane has initialized successfully!');
    const join = W.workerJoinFrom(initLog);
    await lab.everywhere(lab.workers, () => [{ name: 'kubeadm join', sh: join }]);
    await lab.steps(m, [...W.addons(), ...W.kubeProxyIpvs()]);

    await waitReady(lab, 3);
    const nodes = (await lab.ssh(m, 'kubectl get nodes --no-headers -o custom-columns=NAME:.metadata.name')).stdout.trim().split('\n').sort();
    expect(nodes).toEqual(lab.hosts.map((h) => h.name).sort());

    const all = await pods(lab);
    expect(all.map((p) => p.metadata.name).filter((n) => /^calico-node-/.test(n))).toHaveLength(3);
    expect(all.some((p) => p.metadata.name.startsWith('metrics-server-'))).toBe(true);
    for (const p of all) expect(p.status.phase, p.metadata.name).toBe('Running');
    const podNet = all.filter((p) => !p.spec.hostNetwork);
    expect(podNet.length).toBeGreaterThan(0);
    for (const p of podNet) expect(inCidr(p.status.podIP ?? '', W.POD_SUBNET), `${p.metadata.name} ${p.status.podIP}`).toBe(true);

    const top = await lab.until(m, 'kubectl top nodes --no-headers', (s) => s.trim().split('\n').length === 3, 90_000);
    for (const h of lab.hosts) expect(top).toMatch(new RegExp(`^${h.name}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
    for (const h of lab.hosts) expect(await proxyMode(lab, h), h.name).toBe('ipvs');
  }, 240_000);
});
