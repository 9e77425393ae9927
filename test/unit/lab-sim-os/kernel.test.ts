import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { freshLab } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const K8S_CONF = 'net.bridge.bridge-nf-call-ip6tables = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\n';

describe('sysctl and modules', () => {
  it('net.bridge keys appear only after br_netfilter is loaded', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/sysctl.d/k8s.conf', K8S_CONF);
    const before = await lab.sh('h1', ['sysctl', '--system']);
    expect(before.code).toBe(255);
    expect(before.stderr).toContain('sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory');
    expect(before.stdout).toContain('* Applying /etc/sysctl.d/k8s.conf ...\nnet.ipv4.ip_forward = 1');
    expect(lab.read('h1', '/run/.kflab/procsys/net/bridge/bridge-nf-call-iptables')).toBeUndefined();

    expect((await lab.sh('h1', ['modprobe', 'br_netfilter'])).code).toBe(0);
    expect(lab.read('h1', '/run/.kflab/procsys/net/bridge/bridge-nf-call-iptables')).toBe('1\n');
    const after = await lab.sh('h1', ['sysctl', '--system']);
    expect(after.code, after.stderr).toBe(0);
    // 00-system.conf sets 0, k8s.conf (sorted later) sets 1 again
    expect(after.stdout.indexOf('net.bridge.bridge-nf-call-iptables = 0')).toBeLessThan(after.stdout.indexOf('net.bridge.bridge-nf-call-iptables = 1'));
    expect((await lab.sh('h1', ['sysctl', '-n', 'net.bridge.bridge-nf-call-iptables'])).stdout).toBe('1\n');
    expect(lab.read('h1', '/run/.kflab/procsys/net/ipv4/ip_forward')).toBe('1\n');
    expect(lab.read('h1', '/run/.kflab/proc/modules')).toMatch(/^br_netfilter 22256 0 - Live/m);
    expect(lab.read('h1', '/run/.kflab/proc/modules')).toMatch(/^bridge 151336 1 br_netfilter, Live/m);
  });

  it('knows which keys each kernel has', async () => {
    lab = await freshLab([{ name: 'c7' }, { name: 'r9', os: 'rocky9' }]);
    expect((await lab.sh('c7', ['sysctl', 'fs.may_detach_mounts'])).stdout).toBe('fs.may_detach_mounts = 0\n');
    const r = await lab.sh('r9', ['sysctl', '-w', 'net.ipv4.tcp_tw_recycle=0']);
    expect(r).toMatchObject({ code: 255, stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory\n' });
    expect((await lab.sh('c7', ['sysctl', 'net.ipv4.ip_conntrack_max'])).code).toBe(255);
    // nf_conntrack_max exists once nf_conntrack is loaded (firewalld loads it on a fresh host)
    expect((await lab.sh('c7', ['sysctl', '-n', 'net.netfilter.nf_conntrack_max'])).code).toBe(0);
    expect((await lab.sh('c7', ['sysctl', '-w', 'net.ipv4.ip_forward=yes'])).stderr).toBe('sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n');
    expect((await lab.sh('c7', ['sysctl', '-w', 'net.ipv4.ip_forward=1'], { uid: 1000 })).stderr).toBe("sysctl: permission denied on key 'net.ipv4.ip_forward'\n");
  });

  it('module lists differ per kernel, with the real modprobe errors', async () => {
    lab = await freshLab([{ name: 'c7' }, { name: 'r9', os: 'rocky9' }]);
    expect((await lab.sh('c7', ['modprobe', 'nf_conntrack_ipv4'])).code).toBe(0);
    const r = await lab.sh('r9', ['modprobe', 'nf_conntrack_ipv4']);
    expect(r).toMatchObject({ code: 1, stderr: 'modprobe: FATAL: Module nf_conntrack_ipv4 not found in directory /lib/modules/5.14.0-427.13.1.el9_4.x86_64\n' });
    expect((await lab.sh('c7', ['modprobe', 'nope'])).stderr).toBe('modprobe: FATAL: Module nope not found.\n');
    expect((await lab.sh('r9', ['modprobe', '-a', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh'])).code).toBe(0);
    const lsmod = (await lab.sh('r9', ['lsmod'])).stdout;
    expect(lsmod).toMatch(/^ip_vs\s+145458\s+3 ip_vs_rr,ip_vs_wrr,ip_vs_sh$/m);
    expect(lsmod).toMatch(/^nf_conntrack\s/m);
    // without -a the second name is a module parameter
    expect((await lab.sh('c7', ['modprobe', 'overlay', 'br_netfilter'])).stderr).toContain("could not insert 'overlay': Unknown symbol in module, or unknown parameter");
    expect((await lab.sh('c7', ['rmmod', 'bridge'])).stderr).toBe('rmmod: ERROR: Module bridge is not currently loaded\n');
    await lab.sh('c7', ['modprobe', 'br_netfilter']);
    expect((await lab.sh('c7', ['rmmod', 'bridge'])).stderr).toBe('rmmod: ERROR: Module bridge is in use by: br_netfilter\n');
    expect((await lab.sh('c7', ['rmmod', 'br_netfilter'])).code).toBe(0);
    expect((await lab.sh('c7', ['sysctl', 'net.bridge.bridge-nf-call-iptables'])).code).toBe(255);
  });

  it('uname and the kernel upgrade path through grubby', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe('3.10.0-1160.el7.x86_64\n');
    expect((await lab.sh('h1', ['uname', '-a'])).stdout).toBe('Linux localhost.localdomain 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux\n');
    expect((await lab.sh('h1', ['grubby', '--default-kernel'])).stdout).toBe('/boot/vmlinuz-3.10.0-1160.el7.x86_64\n');
  });
});
