/** Test fixtures: hosts prepared as the reference walkthrough leaves them (state set directly). */
import type { InstalledRpm } from '../../../scripts/lab/sim/api.ts';
import { makeContext } from '../../../scripts/lab/sim/context.ts';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import '../../../scripts/lab/sim/node/index.ts';
import { serviceHook } from '../../../scripts/lab/sim/registry.ts';

const rpm = (name: string, version: string): InstalledRpm => ({ name, version, release: '0', arch: 'x86_64', repo: 'test', installedAt: 0 });

export interface Prep {
  k8s?: string;
  runtime?: 'docker' | 'containerd';
  dockerVersion?: string;
  containerdVersion?: string;
  /** daemon.json text (docker) or config.toml text (containerd); default: systemd driver, aliyun pause */
  runtimeConfig?: string;
  swap?: boolean;
  brNetfilter?: boolean;
  ipForward?: boolean;
  kubelet?: boolean;
}

export function ctxFor(lab: TestLab, host: string, argv: string[] = ['true']) {
  const h = lab.hostList.find((x) => x.name === host);
  if (!h) throw new Error(host);
  return makeContext(lab, { host: h, root: lab.roots[host], argv });
}

export const containerdToml = (systemd: boolean, sandbox: string): string =>
  `version = 2\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    sandbox_image = "${sandbox}"\n    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n      SystemdCgroup = ${systemd}\n`;

/** Installs packages, sets sysctls/modules/swap/hostname, writes runtime config and starts the runtime through its hook. */
export async function prepareHost(lab: TestLab, host: string, p: Prep = {}): Promise<void> {
  const k8s = p.k8s ?? '1.23.17';
  const runtime = p.runtime ?? (Number(k8s.split('.')[1]) <= 23 ? 'docker' : 'containerd');
  const ctx = ctxFor(lab, host);
  const rpms = ctx.persist().rpms;
  for (const n of ['kubeadm', 'kubectl', ...(p.kubelet === false ? [] : ['kubelet'])]) rpms[n] = rpm(n, k8s);
  rpms['conntrack-tools'] = rpm('conntrack-tools', '1.4.4');
  rpms.socat = rpm('socat', '1.7.3.2');
  rpms['containerd.io'] = rpm('containerd.io', p.containerdVersion ?? '1.6.33');
  if (runtime === 'docker') rpms['docker-ce'] = rpm('docker-ce', p.dockerVersion ?? '20.10.24');
  const rt = ctx.runtime();
  const index = lab.hostList.findIndex((h) => h.name === host);
  rt.hostname = host;
  rt.swapActive = p.swap ?? false;
  rt.modules = p.brNetfilter === false ? ['overlay'] : ['overlay', 'br_netfilter'];
  rt.sysctl = { 'net.ipv4.ip_forward': p.ipForward === false ? '0' : '1' };
  if (p.brNetfilter !== false) {
    rt.sysctl['net.bridge.bridge-nf-call-iptables'] = '1';
    rt.sysctl['net.bridge.bridge-nf-call-ip6tables'] = '1';
  }
  ctx.save();
  lab.write(host, '/etc/hosts', `127.0.0.1 localhost\n${lab.hostList.map((h) => `${h.address} ${h.name}`).join('\n')}\n`);
  for (const u of ['kubelet', runtime === 'docker' ? 'docker' : 'containerd']) lab.write(host, `/etc/systemd/system/multi-user.target.wants/${u}.service`, '');
  if (runtime === 'docker') {
    lab.write(host, '/etc/docker/daemon.json', p.runtimeConfig ?? '{\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}\n');
  } else {
    lab.write(host, '/etc/containerd/config.toml', p.runtimeConfig ?? containerdToml(true, 'registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.9'));
  }
  await startService(lab, host, runtime);
  void index;
}

/** systemctl start NAME as the os area does it: the hook decides. */
export async function startService(lab: TestLab, host: string, name: string): Promise<{ ok: boolean; message?: string; loop?: boolean }> {
  const ctx = ctxFor(lab, host);
  const hook = serviceHook(name);
  if (!hook) throw new Error(`no hook ${name}`);
  const r = await hook.start(ctx);
  ctx.runtime().services[name] = { active: r.ok ? 'active' : r.loop ? 'activating' : 'failed', message: r.message, since: Date.now() };
  ctx.save();
  return r;
}

export const service = (lab: TestLab, host: string, name: string) => ctxFor(lab, host).runtime().services[name];

export const ALIYUN = 'registry.cn-hangzhou.aliyuncs.com/google_containers';
