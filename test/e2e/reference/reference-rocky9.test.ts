/**
 * Issue 4: the guide on 3 Rocky 9 hosts with containerd and Kubernetes from the per-minor
 * repo, NetworkManager kept (with the Calico rule), typed as ssh commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefLab } from './ref-lab.ts';
import * as C from './walkthrough-centos7.ts';
import * as W from './walkthrough-rocky9.ts';
import { inCidr, pods, proxyMode, waitReady } from './checks.ts';

describe(`reference bootstrap, Rocky 9 + containerd + Kubernetes ${W.K8S_VERSION}`, () => {
  let lab: RefLab;
  beforeAll(async () => {
    lab = await RefLab.up(3, 'rocky9');
  }, 200_000);
  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('prepares every host, inits, joins, adds Calico, metrics-server and ipvs', async () => {
    await lab.everywhere(lab.hosts, (h) => W.nodePrep(lab.hosts, h));
    const m = lab.master;
    expect((await lab.ssh(m, 'systemctl is-active NetworkManager')).stdout.trim()).toBe('active');
    expect((await lab.ssh(m, 'containerd config dump | grep -E "SystemdCgroup|sandbox_image"')).stdout).toMatch(/SystemdCgroup = true/);
    expect((await lab.ssh(m, 'containerd config dump')).stdout).toContain(`sandbox_image = "${W.PAUSE}"`);
    expect((await lab.ssh(m, 'crictl info -o json >/dev/null && echo reachable')).stdout.trim()).toBe('reachable');
    expect((await lab.ssh(m, 'kubeadm version -o short')).stdout.trim()).toBe(`v${W.K8S_VERSION}`);

    await lab.steps(m, W.init(m));
    const initLog = (await lab.ssh(m, 'cat /root/kubeadm-init.log')).stdout;
    expect(initLog).toContain('Your Kubernetes control-plane has initialized successfully!');
    const join = C.workerJoinFrom(initLog);
    await lab.everywhere(lab.workers, () => [{ name: 'kubeadm join', sh: join }]);
    await lab.steps(m, [...C.addons(W.CALICO), ...C.kubeProxyIpvs()]);

    await waitReady(lab, 3);
    const wide = (await lab.ssh(m, 'kubectl get nodes -o wide --no-headers')).stdout;
    for (const h of lab.hosts) expect(wide).toMatch(new RegExp(`^${h.name}\\s+Ready\\s.*v${W.K8S_VERSION.replaceAll('.', '\\.')}\\s+${h.address.replaceAll('.', '\\.')}\\s.*Rocky Linux 9.*containerd://`, 'm'));

    const all = await pods(lab);
    expect(all.filter((p) => p.metadata.name.startsWith('calico-node-'))).toHaveLength(3);
    for (const p of all) expect(p.status.phase, p.metadata.name).toBe('Running');
    for (const p of all.filter((x) => !x.spec.hostNetwork)) expect(inCidr(p.status.podIP ?? '', C.POD_SUBNET), `${p.metadata.name} ${p.status.podIP}`).toBe(true);

    const top = await lab.until(m, 'kubectl top nodes --no-headers', (s) => s.trim().split('\n').length === 3, 90_000);
    for (const h of lab.hosts) expect(top).toMatch(new RegExp(`^${h.name}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, 'm'));
    for (const h of lab.hosts) expect(await proxyMode(lab, h), h.name).toBe('ipvs');
  }, 240_000);
});
