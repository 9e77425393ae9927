import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { bootHost, freshLab } from './fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

describe('systemctl', () => {
  it('uses the real words, exit codes and messages', async () => {
    lab = await freshLab([{ name: 'c7' }, { name: 'r9', os: 'rocky9' }]);
    expect(await lab.sh('c7', ['systemctl', 'start', 'docker'])).toMatchObject({ code: 5, stderr: 'Failed to start docker.service: Unit not found.\n' });
    expect(await lab.sh('c7', ['systemctl', 'enable', 'docker'])).toMatchObject({ code: 1, stderr: 'Failed to execute operation: No such file or directory\n' });
    expect(await lab.sh('r9', ['systemctl', 'enable', 'docker'])).toMatchObject({ code: 1, stderr: 'Failed to enable unit: Unit file docker.service does not exist.\n' });
    expect(await lab.sh('c7', ['systemctl', 'is-enabled', 'docker'])).toMatchObject({ code: 1, stderr: 'Failed to get unit file state for docker.service: No such file or directory\n' });
    expect(await lab.sh('c7', ['systemctl', 'is-active', 'docker'])).toMatchObject({ code: 3, stdout: 'unknown\n' });
    expect(await lab.sh('r9', ['systemctl', 'is-active', 'docker'])).toMatchObject({ code: 3, stdout: 'inactive\n' });
    expect(await lab.sh('c7', ['systemctl', 'status', 'docker'])).toMatchObject({ code: 4, stderr: 'Unit docker.service could not be found.\n' });

    const dis = await lab.sh('c7', ['systemctl', 'disable', '--now', 'firewalld']);
    expect(dis.code).toBe(0);
    expect(dis.stderr).toBe('Removed symlink /etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service.\nRemoved symlink /etc/systemd/system/multi-user.target.wants/firewalld.service.\n');
    expect(await lab.sh('c7', ['systemctl', 'is-enabled', 'firewalld'])).toMatchObject({ code: 1, stdout: 'disabled\n' });
    expect((await lab.sh('c7', ['systemctl', 'is-active', 'firewalld'])).stdout).toBe('inactive\n');
    const dis9 = await lab.sh('r9', ['systemctl', 'disable', 'firewalld']);
    expect(dis9.stderr).toBe('Removed "/etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service".\nRemoved "/etc/systemd/system/multi-user.target.wants/firewalld.service".\n');
    const en9 = await lab.sh('r9', ['systemctl', 'enable', 'firewalld']);
    expect(en9.stderr).toContain('Created symlink /etc/systemd/system/multi-user.target.wants/firewalld.service \u2192 /usr/lib/systemd/system/firewalld.service.');

    const mask = await lab.sh('c7', ['systemctl', 'mask', 'firewalld']);
    expect(mask.stderr).toBe('Created symlink from /etc/systemd/system/firewalld.service to /dev/null.\n');
    expect(await lab.sh('c7', ['systemctl', 'start', 'firewalld'])).toMatchObject({ code: 1, stderr: 'Failed to start firewalld.service: Unit is masked.\n' });
    expect((await lab.sh('c7', ['systemctl', 'is-enabled', 'firewalld'])).stdout).toBe('masked\n');
    await lab.sh('c7', ['systemctl', 'unmask', 'firewalld']);
    expect((await lab.sh('c7', ['systemctl', 'start', 'firewalld'])).code).toBe(0);

    const st = await lab.sh('c7', ['systemctl', 'status', 'chronyd']);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/^\u25cf chronyd\.service - NTP client\/server\n {3}Loaded: loaded \(\/usr\/lib\/systemd\/system\/chronyd\.service; enabled; vendor preset: enabled\)\n {3}Active: active \(running\) since /);
    expect((await lab.sh('c7', ['systemctl', 'start', 'chronyd'], { uid: 1000 })).stderr).toContain('Interactive authentication required.');
    const svc = await lab.sh('c7', ['service', 'chronyd', 'stop']);
    expect(svc.stderr).toBe('Redirecting to /bin/systemctl stop chronyd.service\n');
    expect((await lab.sh('c7', ['systemctl', 'is-active', 'chronyd'])).stdout).toBe('inactive\n');
  });

  it('Rocky 9: stopping NetworkManager takes the host off the network until a reboot with it enabled', async () => {
    lab = await freshLab([{ name: 'r9', os: 'rocky9' }]);
    await lab.sh('r9', ['systemctl', 'disable', '--now', 'NetworkManager']);
    expect(lab.nsCalls.at(-1)).toEqual({ host: 'r9', argv: ['ip', 'link', 'set', 'eth0', 'down'] });
    expect((await lab.sh('r9', ['curl', '-sS', 'https://mirrors.aliyun.com/'])).stderr).toBe('curl: (6) Could not resolve host: mirrors.aliyun.com\n');
    expect(lab.read('r9', '/run/.kflab/sys/class/net/eth0/operstate')).toBe('down\n');
    await bootHost(lab, 'r9');
    expect(lab.nsCalls.at(-1)).toEqual({ host: 'r9', argv: ['ip', 'link', 'set', 'eth0', 'down'] });
    expect(lab.read('r9', '/run/.kflab/sys/class/net/eth0/operstate')).toBe('down\n');
    await lab.sh('r9', ['systemctl', 'enable', '--now', 'NetworkManager']);
    expect(lab.nsCalls.at(-1)).toEqual({ host: 'r9', argv: ['ip', 'link', 'set', 'eth0', 'up'] });
    await bootHost(lab, 'r9');
    expect(lab.read('r9', '/run/.kflab/sys/class/net/eth0/operstate')).toBe('up\n');
  });

  it('starting a unit starts what it Requires and Wants', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/systemd/system/a.service', '[Unit]\nDescription=a\nRequires=b.socket\nWants=c.service missing.service\n\n[Service]\nExecStart=/bin/a\n');
    lab.write('h1', '/etc/systemd/system/b.socket', '[Unit]\nDescription=b\n\n[Socket]\nListenStream=/run/b.sock\n');
    lab.write('h1', '/etc/systemd/system/c.service', '[Unit]\nDescription=c\n\n[Service]\nExecStart=/bin/c\n');
    expect((await lab.sh('h1', ['systemctl', 'start', 'a'])).code).toBe(0);
    expect((await lab.sh('h1', ['systemctl', 'is-active', 'a', 'b.socket', 'c'])).stdout).toBe('active\nactive\nactive\n');
    lab.write('h1', '/etc/systemd/system/d.service', '[Unit]\nDescription=d\nRequires=nothere.service\n\n[Service]\nExecStart=/bin/d\n');
    expect(await lab.sh('h1', ['systemctl', 'start', 'd'])).toMatchObject({ code: 5, stderr: 'Failed to start d.service: Unit nothere.service not found.\n' });
  });

  it('CentOS 7: stopping NetworkManager leaves the network up', async () => {
    lab = await freshLab();
    await lab.sh('h1', ['systemctl', 'disable', '--now', 'NetworkManager']);
    expect(lab.nsCalls.some((c) => c.argv.includes('down'))).toBe(false);
    expect((await lab.sh('h1', ['nmcli', 'general', 'status']))).toMatchObject({ code: 8, stderr: 'Error: NetworkManager is not running.\n' });
  });
});
