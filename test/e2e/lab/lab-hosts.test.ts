// The lab over real SSH: fleet shape, users and sudo, isolation, the network boundary,
// unsupported commands, lab exec, reboot, SSH drop and command faults, and a clean `lab down`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { makeTestLab, machineLeftovers, type TestLab } from './lab-harness.ts';
import { freshHostFiles } from '../../../scripts/lab/sim/all.ts';
import { readLabState } from '../../../scripts/lab/lab-state.ts';
import { loadInventory } from '../../../src/inventory/index.ts';

const M = '198.18.0.10';
const N1 = '198.18.0.11';
const N2 = '198.18.0.12';
let lab: TestLab;
const machineForward = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
const machineSwaps = fs.readFileSync('/proc/swaps', 'utf8');

beforeAll(async () => {
  lab = makeTestLab();
  const up = await lab.kf(['lab', 'up', '3', '--cpus', '4,2']);
  expect(up.stderr).toBe('');
  expect(up.exitCode).toBe(0);
}, 60_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('lab up', () => {
  it('writes an inventory kubeforge accepts, naming the lab key and known_hosts', () => {
    const c = loadInventory(lab.paths.inventory);
    expect(c.hosts.map((h) => [h.name, h.address, h.role])).toEqual([
      ['kf-master01', M, 'master'], ['kf-node01', N1, 'worker'], ['kf-node02', N2, 'worker'],
    ]);
    expect(c.hosts[0].ssh).toMatchObject({ user: 'root', privateKeyPath: lab.paths.key, knownHosts: 'strict', knownHostsFile: lab.paths.knownHosts });
    expect(c.cluster.kubernetesVersion).toBe('1.23.17');
  });

  it('reports every host up in lab status --output json', async () => {
    const r = await lab.kf(['lab', 'status', '--output', 'json']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.name, x.address, x.os, x.up, x.cpus])).toEqual([
      ['kf-master01', M, 'centos7', true, 4], ['kf-node01', N1, 'centos7', true, 2], ['kf-node02', N2, 'centos7', true, 2],
    ]);
    expect(rows.every((x) => Number.isInteger(x.pid) && x.memoryMiB > 0)).toBe(true);
  });

  it('says the lab is already up instead of building a second one', async () => {
    const r = await lab.kf(['lab', 'up', '3']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^lab already up: 3 hosts/);
  });

  it.skipIf(!freshHostFiles({ name: 'x', address: M, os: 'centos7', cpus: 2, memoryMiB: 4096, mac: '', productUuid: '', index: 0 })
    .some((f) => f.path === '/etc/redhat-release'))('serves the CentOS 7.9 release file over ssh', async () => {
    const r = await lab.ssh(M, 'cat /etc/redhat-release');
    expect(r.stdout).toBe('CentOS Linux release 7.9.2009 (Core)');
  });

  it('gives each host its own host key, MAC, product_uuid and a fresh hostname', async () => {
    const state = readLabState(lab.paths.labJson)!;
    for (const h of state.hosts) {
      const r = await lab.ssh(h.address, 'hostname; cat /sys/class/net/eth0/address /sys/class/dmi/id/product_uuid; ip -o link show eth0; getconf _NPROCESSORS_ONLN; grep -c ^processor /proc/cpuinfo');
      const [hostname, mac, uuid, link, online, listed] = r.stdout.split('\n');
      expect([online, listed]).toEqual([String(h.cpus), String(h.cpus)]);
      expect(hostname).toBe('localhost.localdomain');
      expect(mac).toBe(h.mac);
      expect(uuid).toBe(h.productUuid);
      expect(link).toContain(`link/ether ${h.mac}`);
    }
    const keys = fs.readFileSync(lab.paths.knownHosts, 'utf8').trim().split('\n').map((l) => l.split(' ')[2]);
    expect(new Set(keys).size).toBe(3);
  });
});

describe('users', () => {
  it('lets ops sudo without a password', async () => {
    const r = await lab.ssh(N1, 'id -un; sudo -n id -u', { user: 'ops' });
    expect(r.stdout).toBe('ops\n0');
  });

  it('makes opspw give its sudo password', async () => {
    const no = await lab.ssh(N1, 'sudo -n true', { user: 'opspw' });
    expect(no.exitCode).toBe(1);
    expect(no.stderr).toContain('sudo: a password is required');
    const yes = await lab.ssh(N1, 'sudo -S -p "" id -u', { user: 'opspw', input: 'kflab-sudo\n' });
    expect(yes.stdout).toBe('0');
  });

  it('logs each SSH exec with its exit code in /var/log/kflab/sessions.log', async () => {
    await lab.ssh(N2, 'exit 3', { user: 'ops' });
    const log = await lab.ssh(N2, 'cat /var/log/kflab/sessions.log');
    const entries = log.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const mine = entries.find((e) => e.cmd === 'exit 3');
    expect(mine).toMatchObject({ user: 'ops', code: 3 });
    expect(mine.end).toBeGreaterThanOrEqual(mine.start);
  });
});

describe('isolation', () => {
  it('keeps a file written on one host off the other hosts and off the machine', async () => {
    const marker = `kflab-iso-${process.pid}`;
    const w = await lab.ssh(M, `echo x > /etc/${marker}; echo x > /root/${marker}; echo x > /${marker}; echo x > /usr/local/${marker}; echo x > /opt/${marker}`);
    expect(w.exitCode).toBe(0);
    const other = await lab.ssh(N1, `ls /etc/${marker} /root/${marker} /${marker} /usr/local/${marker} /opt/${marker} 2>/dev/null | wc -l`);
    expect(other.stdout).toBe('0');
    for (const p of [`/etc/${marker}`, `/root/${marker}`, `/${marker}`, `/usr/local/${marker}`, `/opt/${marker}`]) {
      expect(fs.existsSync(p)).toBe(false);
    }
  });

  it("leaves the machine's kernel settings and swap alone", async () => {
    const r = await lab.ssh(M, 'echo 1 > /proc/sys/net/ipv4/ip_forward; sysctl -w net.ipv4.ip_forward=1; swapoff -a; echo done');
    expect(r.stdout).toContain('done');
    expect(r.stderr).toContain('Read-only file system');
    expect(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(machineForward);
    expect(fs.readFileSync('/proc/swaps', 'utf8')).toBe(machineSwaps);
  });

  it('resolves system commands to the simulator by name and by absolute path, and hides Debian tools', async () => {
    const r = await lab.ssh(M, 'readlink /usr/sbin/sysctl /sbin/sysctl /usr/bin/systemctl; command -v apt-get dpkg node; echo rc=$?');
    expect(r.stdout).toBe('/usr/lib/kflab/client\n/usr/lib/kflab/client\n/usr/lib/kflab/client\nrc=1');
  });
});

describe('the network boundary', () => {
  it('fails a name lookup and connections out of the lab at once, with no default route', async () => {
    const t0 = Date.now();
    const r = await lab.ssh(M, [
      'getent hosts example.com; echo lookup=$?',
      'timeout 5 bash -c "echo > /dev/tcp/203.0.113.1/80"; echo out1=$?',
      'timeout 5 bash -c "echo > /dev/tcp/192.0.2.1/443"; echo out2=$?',
      'ip route show default | wc -l',
      'ip route',
    ].join('; '));
    expect(Date.now() - t0).toBeLessThan(4000);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('lookup=2');
    expect(lines[1]).toBe('out1=1');
    expect(lines[2]).toBe('out2=1');
    expect(lines[3]).toBe('0');
    expect(r.stderr).toContain('Network is unreachable');
    expect(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(machineForward);
  });

  it('lets hosts reach each other and the machine inside 198.18.0.0/15', async () => {
    const r = await lab.ssh(N1, `timeout 3 bash -c "echo > /dev/tcp/${M}/22" && echo ok`);
    expect(r.stdout).toBe('ok');
  });
});

describe('commands', () => {
  it('fails an unknown simulated command with 127 and a line in lab.log', async () => {
    const r = await lab.ssh(N2, 'swapon --kflab-no-such-flag');
    if (r.exitCode === 127) {
      expect(r.stderr).toBe('lab: unsupported command: swapon --kflab-no-such-flag');
      expect(fs.readFileSync(lab.paths.log, 'utf8')).toContain('kf-node02: lab: unsupported command: swapon --kflab-no-such-flag');
    } else {
      // the os area handles swapon: its own usage error, not a real swapon on the machine
      expect(r.exitCode).not.toBe(0);
    }
    const all = (await lab.ssh(N2, 'kflab-unknown-cmd-xyz; echo rc=$?')).stdout;
    expect(all).toBe('rc=127');
  });

  it('records every simulated command in commands.jsonl', async () => {
    await lab.ssh(N2, 'swapoff --kflab-marker-1 >/dev/null 2>&1; true');
    const recs = fs.readFileSync(lab.paths.commands, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rec = recs.find((x) => x.argv.join(' ') === 'swapoff --kflab-marker-1');
    expect(rec).toMatchObject({ host: 'kf-node02' });
    expect(typeof rec.code).toBe('number');
    expect(rec.end).toBeGreaterThanOrEqual(rec.start);
  });

  it('fails or hangs the next matching command on a fault', async () => {
    expect((await lab.kf(['lab', 'fault', 'fail-next', '^swapoff --kflab-f', '--host', 'kf-node01', '--code', '42', '--stderr', 'boom'])).exitCode).toBe(0);
    const a = await lab.ssh(N2, 'swapoff --kflab-f 2>&1; echo rc=$?');
    expect(a.stdout).not.toContain('boom');
    const b = await lab.ssh(N1, 'swapoff --kflab-f; echo rc=$?');
    expect(b.stdout).toBe('rc=42');
    expect(b.stderr).toBe('boom');
    const c = await lab.ssh(N1, 'swapoff --kflab-f 2>/dev/null; echo rc=$?');
    expect(c.stdout).not.toBe('rc=42');
    await lab.kf(['lab', 'fault', 'fail-next', 'swapoff --kflab-h', '--hang']);
    const h = await lab.ssh(N1, 'timeout 1 swapoff --kflab-h; echo rc=$?');
    expect(h.stdout).toBe('rc=124');
  });

  it('runs lab exec inside the host as root with its exit code and stdio', async () => {
    await lab.ssh(N2, 'echo from-ssh > /root/exec-marker');
    const r = await lab.kf(['lab', 'exec', 'kf-node02', '--', 'cat /root/exec-marker; id -u; hostname; ls /proc | grep -c "^[0-9]*$" >/dev/null; exit 5']);
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toBe('from-ssh\n0\nlocalhost.localdomain');
    const pid1 = await lab.kf(['lab', 'exec', 'kf-node02', '--', 'cat', '/proc/1/cmdline']);
    expect(pid1.stdout).toContain('/usr/lib/kflab/init');
  });
});

describe('reboot and SSH drops', () => {
  it('keeps persistent files and loses /run and /tmp across lab reboot', async () => {
    await lab.ssh(N1, 'echo keep > /etc/kflab-keep; echo v > /var/lib/kflab-v; echo r > /run/kflab-r; echo t > /tmp/kflab-t; sleep 300 >/dev/null 2>&1 &');
    const before = (await lab.ssh(N1, 'cat /proc/sys/kernel/random/boot_id 2>/dev/null; stat -c %Y /run/.kflab/booted')).stdout;
    const t0 = Date.now();
    const r = await lab.kf(['lab', 'reboot', 'kf-node01']);
    expect(r.exitCode).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    const after = await lab.ssh(N1, 'cat /etc/kflab-keep /var/lib/kflab-v; ls /run/kflab-r /tmp/kflab-t 2>/dev/null | wc -l; pgrep -c sleep; stat -c %Y /run/.kflab/booted');
    const lines = after.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['keep', 'v', '0', '0']);
    expect(after.stdout).not.toBe(before);
  });

  it('boots the simulated state again from persisted files only (swap from fstab, sysctl.d, hostname)', async () => {
    const before = await lab.ssh(N2, [
      'swapoff -a', 'sysctl -w vm.swappiness=10 >/dev/null', 'echo "vm.overcommit_memory = 1" > /etc/sysctl.d/99-kflab-test.conf',
      'sysctl --system >/dev/null 2>&1', 'hostnamectl set-hostname kf-node02',
      'grep -c ^/ /proc/swaps; sysctl -n vm.swappiness vm.overcommit_memory; hostname',
    ].join('; '));
    expect(before.stdout).toBe('0\n10\n1\nkf-node02');
    expect((await lab.kf(['lab', 'reboot', 'kf-node02'])).exitCode).toBe(0);
    const after = await lab.ssh(N2, 'grep -c ^/ /proc/swaps; sysctl -n vm.swappiness vm.overcommit_memory; hostname');
    const [swaps, swappiness, overcommit, hostname] = after.stdout.split('\n');
    expect(Number(swaps)).toBeGreaterThan(0); // the fstab swap line is on again
    expect(swappiness).not.toBe('10'); // a runtime-only change is lost
    expect(overcommit).toBe('1'); // a sysctl.d file is applied at boot
    expect(hostname).toBe('kf-node02'); // /etc/hostname sets the UTS name
  });

  it('reboots a host from inside through the simulator (requestReboot), SSH dropping meanwhile', async () => {
    const hasReboot = (await lab.ssh(M, 'readlink /usr/sbin/reboot')).stdout === '/usr/lib/kflab/client';
    expect(hasReboot).toBe(true);
    const r = await lab.ssh(M, 'reboot');
    if (r.exitCode === 127) return; // the os area does not simulate reboot yet
    await new Promise((res) => setTimeout(res, 1000));
    expect((await lab.ssh(M, 'true', { timeout: 3000 })).exitCode).not.toBe(0);
    for (let i = 0; i < 50; i++) {
      if ((await lab.ssh(M, 'true')).exitCode === 0) return;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error('host did not come back after reboot');
  });

  it('drops SSH for the given seconds and brings it back', async () => {
    const sess = execa('ssh', ['-i', lab.paths.key, '-o', `UserKnownHostsFile=${lab.paths.knownHosts}`, '-o', 'BatchMode=yes', `root@${N2}`, 'sleep 30'], { reject: false });
    await new Promise((res) => setTimeout(res, 500));
    expect((await lab.kf(['lab', 'fault', 'drop-ssh', 'kf-node02', '2'])).exitCode).toBe(0);
    const cut = await sess;
    expect(cut.exitCode).not.toBe(0);
    expect((await lab.ssh(N2, 'true', { timeout: 3000 })).exitCode).toBe(255);
    const t0 = Date.now();
    let back = '';
    while (Date.now() - t0 < 6000 && back !== 'back') {
      back = (await lab.ssh(N2, 'echo back', { timeout: 3000 })).stdout;
      if (back !== 'back') await new Promise((res) => setTimeout(res, 200));
    }
    expect(back).toBe('back');
    // back after about the 2 s asked for, not long before
    expect(Date.now() - t0).toBeGreaterThan(1000);
  });
});

describe('lab down', () => {
  it('leaves no namespace, mount, veth, process or file behind', async () => {
    const dir = lab.paths.dir;
    const slot = readLabState(lab.paths.labJson)!.slot;
    const hostRoots = await machineLeftovers(dir, slot);
    expect(hostRoots.some((l) => l.startsWith('process '))).toBe(true); // the check sees a running lab
    const r = await lab.kf(['lab', 'down']);
    expect(r.exitCode).toBe(0);
    expect(await machineLeftovers(dir, slot)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(path.dirname(dir))).toBe(false);
  });
});
