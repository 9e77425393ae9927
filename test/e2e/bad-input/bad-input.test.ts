// Inputs the inventory schema cannot see, each found on the hosts: `up` refuses them before it
// changes anything on any host, with one line naming the host, what is wrong and what to do.
// One lab for the whole corpus: each case breaks one thing, runs `up`, checks, then restores.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editedInventory, exec, inventoryOf, makeTestLab, type Run, type TestLab } from '../faults/faults-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
const before = new Map<string, string>();

/** What `up` would change first on every host. */
const snapshot = (h: string): Promise<string> =>
  exec(lab, h, 'md5sum /etc/hosts /etc/fstab /etc/selinux/config 2>&1; ls -l --time-style=+%s /etc/yum.repos.d /etc/sysctl.d /etc/modules-load.d 2>&1; true');

const up = (file = inventoryOf(lab)): Promise<Run> => lab.kf(['up', '-i', file], { timeout: 120_000 });
const causeLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('logs: '));

async function refused(r: Run, line: RegExp): Promise<void> {
  expect(r.exitCode, r.stderr).toBe(1);
  const lines = causeLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const h of HOSTS) expect(await snapshot(h), h).toBe(before.get(h));
}

/** Run `cmd` on a host, then `undo` after the case whatever happened. */
async function broken(host: string, cmd: string, undo: string, body: () => Promise<void>): Promise<void> {
  await exec(lab, host, cmd);
  try { await body(); } finally { await exec(lab, host, undo); }
}

beforeAll(async () => {
  lab = makeTestLab();
  // kf-node02 has 1 CPU: fine for a worker, refused when the inventory makes it the master
  const r = await lab.kf(['lab', 'up', '3', '--cpus', '2,2,1']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  for (const h of HOSTS) before.set(h, await snapshot(h));
}, 180_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('bad inputs found on the hosts', () => {
  it('a host that runs Ubuntu', () => broken('kf-node01',
    'cp -p /etc/os-release /root/os-release.kf && printf \'NAME="Ubuntu"\\nVERSION_ID="22.04"\\nID=ubuntu\\nID_LIKE=debian\\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\\n\' > /etc/os-release',
    'cp -p /root/os-release.kf /etc/os-release',
    async () => refused(await up(), /kf-node01.*unsupported OS: Ubuntu 22\.04\.4 LTS/)), 150_000);

  it('a master with 1 CPU', async () => {
    const file = editedInventory(lab, 'one-cpu-master', [
      [/(\{ name: kf-master01, address: [0-9.]+, role: )master/, '$1worker'],
      [/(\{ name: kf-node02, address: [0-9.]+, role: )worker/, '$1master'],
    ]);
    await refused(await up(file), /^kubeforge: kf-node02: master has 1 CPU, kubeadm needs at least 2/);
  }, 150_000);

  it('two hosts with the same product_uuid', async () => {
    const uuid = (await exec(lab, 'kf-master01', 'cat /sys/class/dmi/id/product_uuid')).trim();
    await broken('kf-node01',
      // /sys is read-only on the host, as on a real one: a file bound over it stands for a cloned VM's UUID
      `echo ${uuid} > /root/uuid.kf && mount --bind /root/uuid.kf /sys/class/dmi/id/product_uuid`,
      'umount /sys/class/dmi/id/product_uuid',
      async () => refused(await up(), new RegExp(`^kubeforge: kf-node01: same product_uuid ${uuid.toLowerCase()} as kf-master01`)));
  }, 150_000);

  it('a kernel without the ipvs modules (kubeProxyMode ipvs)', () => broken('kf-node02',
    'd=/lib/modules/$(uname -r); cp -p $d/modules.dep /root/modules.dep.kf && grep -v "/ip_vs" /root/modules.dep.kf > $d/modules.dep; sed -i "/ip_vs/d" $d/modules.builtin 2>/dev/null; true',
    'cp -p /root/modules.dep.kf /lib/modules/$(uname -r)/modules.dep',
    async () => refused(await up(), /^kubeforge: kf-node02: kernel \S+ has no ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh module.*kubeProxyMode: iptables/)), 150_000);

  it('a podSubnet that contains an address found on a host', async () => {
    const file = editedInventory(lab, 'pod-overlap', [[/podSubnet: [0-9./]+/, 'podSubnet: 10.250.0.0/16']]);
    await broken('kf-node01', 'ip addr add 10.250.3.7/24 dev eth0', 'ip addr del 10.250.3.7/24 dev eth0',
      async () => refused(await up(file), /^kubeforge: kf-node01: podSubnet 10\.250\.0\.0\/16 contains the host's address 10\.250\.3\.7/));
  }, 150_000);

  it('a host whose clock is off by more than a few seconds', async () => {
    const f = await lab.kf(['lab', 'fault', 'clock', 'kf-node01', '30']);
    expect(f.exitCode, f.stderr).toBe(0);
    try {
      await refused(await up(), /^kubeforge: kf-node01: clock 3\d s ahead of kf-(master01|node02): set the time on the hosts/);
    } finally {
      await lab.kf(['lab', 'fault', 'clock', 'kf-node01', '0']);
    }
  }, 150_000);

  it('a Kubernetes version the chosen mirrors have no packages of', async () => {
    const version = /kubernetesVersion: (\S+)/.exec(fs.readFileSync(inventoryOf(lab), 'utf8'))?.[1];
    expect(version).toBe('1.23.17');
    // both cn mirrors of the legacy el7 repo stopped syncing at 1.23.10: they answer, but lack the build
    const stale = ['https://mirrors.aliyun.com/kubernetes/', 'https://repo.huaweicloud.com/kubernetes/'];
    for (const m of stale) expect((await lab.kf(['lab', 'fault', 'stale-mirror', m, '1.23.10'])).exitCode).toBe(0);
    try {
      await refused(await up(), /^kubeforge: \S*\.yaml:\d+: cluster\.kubernetesVersion: 1\.23\.17 has no packages in the chosen mirrors \(asked from kf-master01\): https:\/\/mirrors\.aliyun\.com\/\S+ \(no kubeadm-1\.23\.17-0; newest there: 1\.23\.10\), https:\/\/repo\.huaweicloud\.com\/\S+ \(no kubeadm-1\.23\.17-0; newest there: 1\.23\.10\)$/);
      // the check left nothing behind on the host it asked
      expect(await exec(lab, 'kf-master01', 'ls -d /tmp/kubeforge-pkgcheck.* 2>/dev/null; true')).toBe('');
      // one stale mirror: the other is used, and plan --live says which and why
      await lab.kf(['lab', 'fault', 'stale-mirror', stale[1], '--clear']);
      const live = await lab.kf(['plan', '--live', '-i', inventoryOf(lab)], { timeout: 120_000 });
      expect(live.exitCode, live.stderr).toBe(0);
      expect(live.stdout).toMatch(/^packages kubeadm-1\.23\.17-0: in https:\/\/repo\.huaweicloud\.com\/kubernetes\/yum\/repos\/kubernetes-el7-x86_64\/ \(preferred https:\/\/mirrors\.aliyun\.com\/kubernetes\/yum\/repos\/kubernetes-el7-x86_64\/ skipped\) \(asked from kf-master01\); skipped https:\/\/mirrors\.aliyun\.com\/kubernetes\/yum\/repos\/kubernetes-el7-x86_64\/ \(no kubeadm-1\.23\.17-0; newest there: 1\.23\.10\)$/m);
    } finally {
      for (const m of stale) await lab.kf(['lab', 'fault', 'stale-mirror', m, '--clear']);
    }
  }, 200_000);

  it('a private key readable by others', async () => {
    const text = fs.readFileSync(inventoryOf(lab), 'utf8');
    const key = /privateKeyPath: (\S+)/.exec(text)?.[1];
    expect(key).toBeDefined();
    const file = key!.startsWith('/') ? key! : `${lab.cwd}/${key}`;
    const mode = fs.statSync(file).mode & 0o777;
    fs.chmodSync(file, 0o644);
    try {
      await refused(await up(), /^kubeforge: UNPROTECTED PRIVATE KEY FILE: permissions 0644 for '.*' are too open .*; run chmod 600 /);
    } finally { fs.chmodSync(file, mode); }
  }, 150_000);
});
