import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { freshLab } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('selinux, swap, hostname, time', () => {
  it('setenforce / sestatus', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['setenforce', '0'])).code).toBe(0);
    const s = (await lab.sh('h1', ['sestatus'])).stdout;
    expect(s).toMatch(/^Current mode:\s+permissive$/m);
    expect(s).toMatch(/^Mode from config file:\s+enforcing$/m);
    expect((await lab.sh('h1', ['setenforce', '1'], { uid: 1000 })).stderr).toBe('setenforce:  setenforce() failed\n');
  });

  it('swapoff -a / swapon -a follow fstab and /proc/swaps', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['swapoff', '-a'])).code).toBe(0);
    expect((await lab.sh('h1', ['swapon', '--show'])).stdout).toBe('');
    expect(lab.read('h1', '/run/.kflab/proc/meminfo')).toMatch(/^SwapTotal:\s+0 kB$/m);
    expect((await lab.sh('h1', ['swapon', '-a'])).code).toBe(0);
    expect((await lab.sh('h1', ['swapon', '--show'])).stdout).toContain('/dev/dm-1 partition   2G   0B   -2');
    lab.write('h1', '/etc/fstab', lab.read('h1', '/etc/fstab')!.replace('/dev/mapper/centos-swap', '# /dev/mapper/centos-swap'));
    await lab.sh('h1', ['swapoff', '-a']);
    await lab.sh('h1', ['swapon', '-a']);
    expect((await lab.sh('h1', ['swapon', '--show'])).stdout).toBe('');
  });

  it('hostnamectl set-hostname writes /etc/hostname and sets the running name', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['hostnamectl', 'set-hostname', 'k8s-node01'])).code).toBe(0);
    expect(lab.read('h1', '/etc/hostname')).toBe('k8s-node01\n');
    expect(lab.nsCalls.at(-1)).toEqual({ host: 'h1', argv: ['hostname', 'k8s-node01'] });
    expect((await lab.sh('h1', ['hostnamectl', '--static'])).stdout).toBe('k8s-node01\n');
    expect((await lab.sh('h1', ['uname', '-n'])).stdout).toBe('k8s-node01\n');
    expect(lab.read('h1', '/run/.kflab/procsys/kernel/hostname')).toBe('k8s-node01\n');
    expect((await lab.sh('h1', ['hostnamectl', 'set-hostname', 'x'], { uid: 1000 })).stderr).toBe('Could not set property: Interactive authentication required.\n');
  });

  it('timedatectl set-timezone checks the zone and links /etc/localtime', async () => {
    lab = await freshLab();
    expect(await lab.sh('h1', ['timedatectl', 'set-timezone', 'Asia/Shangha'])).toMatchObject({ code: 1, stderr: "Failed to set time zone: Invalid time zone 'Asia/Shangha'\n" });
    expect((await lab.sh('h1', ['timedatectl', 'set-timezone', 'Asia/Shanghai'])).code).toBe(0);
    const st = (await lab.sh('h1', ['timedatectl'])).stdout;
    expect(st).toContain('Time zone: Asia/Shanghai (CST, +0800)');
    expect(st).toContain('NTP synchronized: no');
    expect((await lab.sh('h1', ['date', '+%Z %z'])).stdout).toBe('CST +0800\n');
  });

  it('time sync: nothing outside the lab answers; a lab peer with chronyd + allow does', async () => {
    lab = await freshLab([{ name: 'm' }, { name: 'n' }]);
    expect((await lab.sh('n', ['chronyc', 'sources'])).stdout).toBe('210 Number of sources = 0\nMS Name/IP address         Stratum Poll Reach LastRx Last sample               \n===============================================================================\n');
    lab.write('m', '/etc/chrony.conf', 'server 127.127.1.0\nallow 198.18.0.0/15\nlocal stratum 10\n');
    lab.write('n', '/etc/chrony.conf', 'server 198.18.0.10 iburst\nmakestep 1.0 3\n');
    await lab.sh('n', ['date', '-s', '2020-01-01 00:00:00']);
    await lab.sh('n', ['systemctl', 'restart', 'chronyd']);
    expect((await lab.sh('n', ['chronyc', 'makestep'])).stdout).toBe('200 OK\n');
    expect(Math.abs((await lab.sh('n', ['date', '+%s'])).stdout.trim() as unknown as number - Date.now() / 1000)).toBeLessThan(5);
    expect((await lab.sh('n', ['timedatectl'])).stdout).toContain('NTP synchronized: yes');
    const nd = await lab.sh('n', ['ntpdate', 'ntp.aliyun.com']);
    expect(nd.code).toBe(1);
    expect(nd.stderr).toContain("Error resolving ntp.aliyun.com: Name or service not known (-2)");
    expect(nd.stderr).toContain('no servers can be used, exiting');
  });
});

describe('firewalld and iptables', () => {
  it('opens ports permanently and applies them on reload', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['firewall-cmd', '--permanent', '--add-port=6443/tcp', '--add-port=2379-2380/tcp'])).stdout).toBe('success\n');
    expect((await lab.sh('h1', ['firewall-cmd', '--list-ports'])).stdout).toBe('\n');
    expect((await lab.sh('h1', ['firewall-cmd', '--reload'])).stdout).toBe('success\n');
    expect((await lab.sh('h1', ['firewall-cmd', '--list-ports'])).stdout).toBe('6443/tcp 2379-2380/tcp\n');
    expect(lab.read('h1', '/etc/firewalld/zones/public.xml')).toContain('<port protocol="tcp" port="6443"/>');
    const again = await lab.sh('h1', ['firewall-cmd', '--permanent', '--add-port=6443/tcp']);
    expect(again).toMatchObject({ code: 0, stdout: 'success\n', stderr: 'Warning: ALREADY_ENABLED: 6443:tcp\n' });
    await lab.sh('h1', ['systemctl', 'stop', 'firewalld']);
    expect(await lab.sh('h1', ['firewall-cmd', '--add-port=10250/tcp'])).toMatchObject({ code: 252, stderr: 'FirewallD is not running\n' });
  });

  it('keeps an in-memory iptables rule set', async () => {
    lab = await freshLab();
    expect((await lab.sh('h1', ['iptables', '-N', 'KUBE-FIREWALL'])).code).toBe(0);
    expect((await lab.sh('h1', ['iptables', '-A', 'INPUT', '-j', 'KUBE-FIREWALL'])).code).toBe(0);
    expect((await lab.sh('h1', ['iptables', '-N', 'KUBE-FIREWALL'])).stderr).toBe('iptables: Chain already exists.\n');
    expect((await lab.sh('h1', ['iptables', '-S'])).stdout).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N KUBE-FIREWALL\n-A INPUT -j KUBE-FIREWALL\n');
    expect((await lab.sh('h1', ['iptables', '-X', 'KUBE-FIREWALL'])).stderr).toBe('iptables: Too many links.\n');
    await lab.sh('h1', ['iptables', '-F']);
    await lab.sh('h1', ['iptables', '-X']);
    expect((await lab.sh('h1', ['iptables-save'])).stdout).toMatch(/\*filter\n:INPUT ACCEPT \[0:0\]\n:FORWARD ACCEPT \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\nCOMMIT\n/);
    expect((await lab.sh('h1', ['iptables', '-L'], { uid: 1000 })).code).toBe(3);
  });
});

describe('curl and wget', () => {
  it('answers mirrors and fails unclaimed addresses like an unreachable network', async () => {
    lab = await freshLab([{ name: 'c7' }, { name: 'r9', os: 'rocky9' }]);
    expect((await lab.sh('c7', ['curl', '-sS', 'https://registry-1.docker.io/v2/'])).stderr).toBe('curl: (6) Could not resolve host: registry-1.docker.io; Unknown error\n');
    expect((await lab.sh('r9', ['curl', '-sS', 'https://example.com/'])).stderr).toBe('curl: (6) Could not resolve host: example.com\n');
    expect((await lab.sh('r9', ['curl', '-sS', 'http://203.0.113.5/'])).stderr).toBe('curl: (7) Failed to connect to 203.0.113.5 port 80: Network is unreachable\n');
    expect((await lab.sh('c7', ['curl', '-sS', 'http://198.18.0.11:6443/'])).stderr).toBe('curl: (7) Failed connect to 198.18.0.11:6443; Connection refused\n');
    const code = await lab.sh('c7', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'https://mirrors.aliyun.com/centos-vault/7.9.2009/os/x86_64/repodata/repomd.xml']);
    expect(code).toMatchObject({ code: 0, stdout: '200' });
    const nf = await lab.sh('r9', ['curl', '-fsS', 'https://mirrors.aliyun.com/centos/7/os/x86_64/repodata/repomd.xml']);
    expect(nf).toMatchObject({ code: 22, stderr: 'curl: (22) The requested URL returned error: 404\n' });
    lab.faultsValue.mirrors = { 'https://mirrors.aliyun.com/': 'timeout' };
    expect((await lab.sh('c7', ['curl', '-sS', '-m', '5', 'https://mirrors.aliyun.com/centos-vault/'])).stderr).toBe('curl: (28) Operation timed out after 5001 milliseconds with 0 out of -1 bytes received\n');
    expect((await lab.sh('c7', ['wget', '-q', 'https://mirrors.aliyun.com/x'])).code).toBe(4);
    expect((await lab.sh('c7', ['curl', '-sS', 'http://mirror.centos.org/centos/7/os/x86_64/repodata/repomd.xml', '-o', '/tmp/x', '-w', '%{http_code}'])).stdout).toBe('404');
  });
});
