import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceHook } from '../../../scripts/lab/sim/api.ts';
import { registerService, serviceHook } from '../../../scripts/lab/sim/registry.ts';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { bootHost, freshLab } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('a fresh host', () => {
  it('looks freshly installed', async () => {
    lab = await freshLab();
    expect(lab.read('h1', '/etc/redhat-release')).toBe('CentOS Linux release 7.9.2009 (Core)\n');
    expect((await lab.sh('h1', ['getenforce'])).stdout).toBe('Enforcing\n');
    expect((await lab.sh('h1', ['systemctl', 'is-active', 'firewalld', 'chronyd'])).stdout).toBe('active\nactive\n');
    expect((await lab.sh('h1', ['systemctl', 'is-enabled', 'firewalld'])).stdout).toBe('enabled\n');
    expect(lab.read('h1', '/run/.kflab/proc/swaps')).toContain('/dev/dm-1');
    expect(lab.read('h1', '/run/.kflab/proc/meminfo')).toMatch(/^SwapTotal:\s+2097148 kB$/m);
    expect(lab.read('h1', '/run/.kflab/sys/class/dmi/id/product_uuid')).toBe(`${lab.hostList[0].productUuid}\n`);
    expect(lab.read('h1', '/run/.kflab/sys/class/net/eth0/address')).toBe(`${lab.hostList[0].mac}\n`);
    expect(lab.read('h1', '/run/.kflab/proc/cpuinfo')?.match(/^processor/gm)).toHaveLength(2);
    expect((await lab.sh('h1', ['firewall-cmd', '--state'])).stdout).toBe('running\n');
    expect((await lab.sh('h1', ['rpm', '-q', 'docker-ce'])).code).toBe(1);
  });
});

describe('reboot', () => {
  it('keeps only what is persisted in files', async () => {
    lab = await freshLab();
    const sh = (...argv: string[]) => lab.sh('h1', argv);
    // runtime-only changes
    await sh('modprobe', 'ip_vs');
    await sh('sysctl', '-w', 'vm.swappiness=0');
    await sh('swapoff', '-a');
    await sh('setenforce', '0');
    await sh('systemctl', 'stop', 'firewalld');
    await sh('hostname', 'transient-name');
    expect((await sh('getenforce')).stdout).toBe('Permissive\n');
    await bootHost(lab, 'h1');
    expect((await sh('sysctl', '-n', 'vm.swappiness')).stdout).toBe('30\n');
    expect((await sh('lsmod')).stdout).not.toMatch(/^ip_vs /m);
    expect(lab.read('h1', '/run/.kflab/proc/swaps')).toContain('/dev/dm-1');
    expect((await sh('getenforce')).stdout).toBe('Enforcing\n');
    expect((await sh('systemctl', 'is-active', 'firewalld')).stdout).toBe('active\n');
    expect((await sh('hostname')).stdout).toBe('localhost.localdomain\n');

    // persisted changes
    lab.write('h1', '/etc/modules-load.d/k8s.conf', 'overlay\nbr_netfilter\n');
    lab.write('h1', '/etc/sysctl.d/k8s.conf', 'net.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\nvm.swappiness = 0\n');
    lab.write('h1', '/etc/fstab', lab.read('h1', '/etc/fstab')!.replace('/dev/mapper/centos-swap', '#/dev/mapper/centos-swap'));
    lab.write('h1', '/etc/selinux/config', lab.read('h1', '/etc/selinux/config')!.replace('SELINUX=enforcing', 'SELINUX=disabled'));
    expect((await sh('systemctl', 'disable', 'firewalld')).code).toBe(0);
    expect((await sh('hostnamectl', 'set-hostname', 'k8s-master01')).code).toBe(0);
    await bootHost(lab, 'h1');
    expect((await sh('lsmod')).stdout).toMatch(/^br_netfilter /m);
    expect((await sh('sysctl', '-n', 'net.bridge.bridge-nf-call-iptables', 'net.ipv4.ip_forward', 'vm.swappiness')).stdout).toBe('1\n1\n0\n');
    expect(lab.read('h1', '/run/.kflab/proc/swaps')).toBe('Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n');
    expect((await sh('getenforce')).stdout).toBe('Disabled\n');
    expect((await sh('setenforce', '0'))).toMatchObject({ code: 1, stderr: 'setenforce: SELinux is disabled\n' });
    expect((await sh('systemctl', 'is-active', 'firewalld'))).toMatchObject({ code: 3, stdout: 'inactive\n' });
    expect((await sh('firewall-cmd', '--state'))).toMatchObject({ code: 252, stderr: 'not running\n' });
    expect((await sh('hostname')).stdout).toBe('k8s-master01\n');
    expect(lab.nsCalls.at(-1)).toEqual({ host: 'h1', argv: ['hostname', 'k8s-master01'] });
  });

  it('starts enabled services through their ServiceHook', async () => {
    const calls: string[] = [];
    const hook: ServiceHook = {
      start: async (ctx) => {
        calls.push(ctx.host.name);
        return ctx.runtime().swapActive ? { ok: false, loop: true, message: 'running with swap on is not supported' } : { ok: true };
      },
    };
    if (!serviceHook('kflab-test')) registerService('kflab-test', hook);
    lab = await freshLab();
    lab.write('h1', '/etc/systemd/system/kflab-test.service', '[Unit]\nDescription=test daemon\n\n[Service]\nExecStart=/usr/bin/kflab-test\n\n[Install]\nWantedBy=multi-user.target\n');
    const en = await lab.sh('h1', ['systemctl', 'enable', '--now', 'kflab-test']);
    expect(en.code).toBe(0);
    expect(en.stderr).toBe('Created symlink from /etc/systemd/system/multi-user.target.wants/kflab-test.service to /etc/systemd/system/kflab-test.service.\n');
    expect((await lab.sh('h1', ['systemctl', 'is-active', 'kflab-test'])).stdout).toBe('activating\n');
    const st = await lab.sh('h1', ['systemctl', 'status', 'kflab-test']);
    expect(st.code).toBe(3);
    expect(st.stdout).toContain('Active: activating (auto-restart) (Result: exit-code)');
    expect(st.stdout).toContain('running with swap on is not supported');
    await lab.sh('h1', ['swapoff', '-a']);
    await lab.sh('h1', ['systemctl', 'restart', 'kflab-test']);
    expect((await lab.sh('h1', ['systemctl', 'is-active', 'kflab-test'])).stdout).toBe('active\n');
    await bootHost(lab, 'h1');
    expect(calls.length).toBe(3);
  });
});

describe('first boot over the machine\'s own files', () => {
  it('hides Debian units, wants-links and sysctl.d files that show through the layers', async () => {
    const { makeTestLab } = await import('../../../scripts/lab/sim/testing.ts');
    const { freshHostFiles } = await import('../../../scripts/lab/sim/os/provision.ts');
    lab = makeTestLab();
    // what the machine's lower layers would show
    lab.write('h1', '/etc/systemd/system/multi-user.target.wants/postgresql.service', '');
    lab.write('h1', '/usr/lib/systemd/system/ssh.service', '[Unit]\nDescription=OpenBSD Secure Shell server\n[Install]\nWantedBy=multi-user.target\n');
    lab.write('h1', '/usr/lib/sysctl.d/99-protect-links.conf', 'fs.protected_fifos = 1\nfs.protected_regular = 2\n');
    lab.write('h1', '/etc/modules-load.d/modules.conf', '# /etc/modules\n');
    for (const f of freshHostFiles(lab.hostList[0])) lab.write('h1', f.path, f.content);
    await bootHost(lab, 'h1');
    expect(lab.read('h1', '/usr/lib/systemd/system/ssh.service')).toBeUndefined();
    expect(lab.read('h1', '/usr/lib/sysctl.d/99-protect-links.conf')).toBeUndefined();
    expect((await lab.sh('h1', ['systemctl', 'is-active', 'postgresql'])).stdout).toBe('unknown\n');
    expect((await lab.sh('h1', ['systemctl', 'status', 'sshd'])).stdout).toContain('OpenSSH server daemon');
    lab.write('h1', '/etc/modules-load.d/br.conf', 'br_netfilter\n');
    lab.write('h1', '/etc/sysctl.d/k8s.conf', 'net.bridge.bridge-nf-call-iptables = 1\n');
    expect((await lab.sh('h1', ['modprobe', 'br_netfilter'])).code).toBe(0);
    expect((await lab.sh('h1', ['sysctl', '--system'])).code).toBe(0);
    // a second boot keeps what the user did since
    await bootHost(lab, 'h1');
    expect((await lab.sh('h1', ['lsmod'])).stdout).toMatch(/^br_netfilter /m);
  });
});
