import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { buildPhases } from '../../../src/phases/index.ts';
import { bootHost, freshLab, VAULT_REPO } from '../lab-sim-os/fixture.ts';
import { inventory, stepOf } from '../render/helpers.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const KLT = '5.4.278-1.el7.elrepo.x86_64';

/** The elrepo-kernel.repo kubeforge writes for the lab inventory. */
function elrepoRepoFile(): string {
  const c = inventory('lab.yaml');
  const cluster = { ...c, os: { ...c.os, kernelUpgrade: true } };
  const s = stepOf(buildPhases(cluster, assumedFactsAll(cluster)), c.hosts[0].name, 'kernel.upgrade');
  return s.files[0].content;
}

describe('the lab installs and boots ELRepo kernel-lt like a CentOS 7 host', () => {
  it('kernel-lt is only available from a configured, enabled elrepo repo', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    const none = await lab.sh('h1', ['yum', 'install', '-y', 'kernel-lt']);
    expect(none.code).toBe(1);
    expect(none.stdout + none.stderr).toContain('No package kernel-lt available.');
    lab.write('h1', '/etc/yum.repos.d/elrepo-kernel.repo', elrepoRepoFile());
    // the repo is written disabled: a plain install still does not see it
    expect((await lab.sh('h1', ['yum', 'install', '-y', 'kernel-lt'])).code).toBe(1);
    const ok = await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Importing GPG key 0xBAADAE52:');
    expect(ok.stdout).toContain('elrepo.org (RPM Signing Key for elrepo.org) <secure@elrepo.org>');
  });

  it('installs /boot and /usr/lib/modules files with the ipvs modules; boots the grubby default', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/elrepo-kernel.repo', elrepoRepoFile());
    // the stock kernel's tree is there from the install
    expect(fs.existsSync(path.join(lab.roots.h1, 'usr/lib/modules/3.10.0-1160.el7.x86_64/kernel/net/netfilter/ipvs/ip_vs.ko.xz'))).toBe(true);
    expect((await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt'])).code).toBe(0);
    const mods = path.join(lab.roots.h1, `usr/lib/modules/${KLT}`);
    for (const m of ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh']) expect(fs.existsSync(path.join(mods, `kernel/net/netfilter/ipvs/${m}.ko`)), m).toBe(true);
    expect(fs.readFileSync(path.join(mods, 'modules.dep'), 'utf8')).toMatch(/^kernel\/net\/netfilter\/ipvs\/ip_vs\.ko: kernel\/net\/netfilter\/nf_conntrack\.ko/m);
    expect(fs.existsSync(path.join(mods, 'kernel/net/ipv4/netfilter/nf_conntrack_ipv4.ko'))).toBe(false);
    expect(fs.existsSync(path.join(lab.roots.h1, `boot/vmlinuz-${KLT}`))).toBe(true);
    const q = await lab.sh('h1', ['rpm', '-q', '--qf', '%{VERSION}-%{RELEASE}.%{ARCH}\\n', 'kernel-lt']);
    expect(q.stdout).toBe(`${KLT}\n`);
    // installed, not running: the old kernel stays until a reboot, and stays the default until set
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe('3.10.0-1160.el7.x86_64\n');
    await bootHost(lab, 'h1');
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe('3.10.0-1160.el7.x86_64\n');
    expect((await lab.sh('h1', ['grubby', '--set-default', `/boot/vmlinuz-${KLT}`])).code).toBe(0);
    expect((await lab.sh('h1', ['grubby', '--default-kernel'])).stdout).toBe(`/boot/vmlinuz-${KLT}\n`);
    expect((await lab.sh('h1', ['reboot'])).code).toBe(0);
    expect(lab.reboots).toEqual(['h1']);
    await bootHost(lab, 'h1');
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe(`${KLT}\n`);
    expect((await lab.sh('h1', ['modprobe', 'ip_vs_rr'])).code).toBe(0);
    expect((await lab.sh('h1', ['modprobe', 'nf_conntrack'])).code).toBe(0);
  });

  it('erasing kernel-lt removes its files', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/elrepo-kernel.repo', elrepoRepoFile());
    await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt']);
    expect((await lab.sh('h1', ['rpm', '-e', 'kernel-lt'])).code).toBe(0);
    expect(fs.existsSync(path.join(lab.roots.h1, `usr/lib/modules/${KLT}`))).toBe(false);
    expect(fs.existsSync(path.join(lab.roots.h1, `boot/vmlinuz-${KLT}`))).toBe(false);
  });

  it('a dead first elrepo mirror fails over to the next; with every mirror dead yum says why', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/elrepo-kernel.repo', elrepoRepoFile());
    lab.faultsValue.mirrors['https://mirrors.tuna.tsinghua.edu.cn/elrepo/'] = '404';
    // the key lives on the first mirror: with it gone the key cannot be fetched either
    let r = await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GPG key retrieval failed: [Errno 14] HTTPS Error 404 - Not Found');
    // kubeforge's apply imports the key from the first mirror that serves it: then yum needs no fetch
    expect((await lab.sh('h1', ['rpm', '--import', 'https://mirrors.tuna.tsinghua.edu.cn/elrepo/RPM-GPG-KEY-elrepo.org'])).code).toBe(1);
    expect((await lab.sh('h1', ['rpm', '--import', 'https://mirrors.aliyun.com/elrepo/RPM-GPG-KEY-elrepo.org'])).code).toBe(0);
    expect((await lab.sh('h1', ['rpm', '--import', 'https://www.elrepo.org/RPM-GPG-KEY-elrepo.org'])).code).toBe(0);
    r = await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Importing GPG key');
    expect((await lab.sh('h1', ['rpm', '-e', 'kernel-lt'])).code).toBe(0);
    lab.faultsValue.mirrors['https://mirrors.aliyun.com/elrepo/'] = 'timeout';
    r = await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failure: repodata\/repomd\.xml from elrepo-kernel: \[Errno 256\] No more mirrors to try\./);
    expect((await lab.sh('h1', ['rpm', '-q', 'kernel-lt'])).stdout).toBe('package kernel-lt is not installed\n');
  });

  it('the old guides\' way: list grub2.cfg menu entries with awk, grub2-set-default 0, reboot', async () => {
    lab = await freshLab();
    lab.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
    lab.write('h1', '/etc/yum.repos.d/elrepo-kernel.repo', elrepoRepoFile());
    const menu = (): string => execFileSync('awk', ['-F\'', '$1=="menuentry " {print i++ " : " $2}', path.join(lab.roots.h1, 'boot/grub2/grub.cfg')], { encoding: 'utf8' });
    expect(fs.readlinkSync(path.join(lab.roots.h1, 'etc/grub2.cfg'))).toBe('../boot/grub2/grub.cfg');
    const machineId = lab.read('h1', '/etc/machine-id')!.trim();
    expect(menu()).toBe(`0 : CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)\n1 : CentOS Linux (0-rescue-${machineId}) 7 (Core)\n`);
    expect((await lab.sh('h1', ['yum', '--enablerepo=elrepo-kernel', 'install', '-y', 'kernel-lt'])).code).toBe(0);
    expect(menu()).toBe(`0 : CentOS Linux (${KLT}) 7 (Core)\n1 : CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)\n2 : CentOS Linux (0-rescue-${machineId}) 7 (Core)\n`);
    expect(lab.read('h1', '/boot/grub2/grub.cfg')).toContain(`\tlinux16 /vmlinuz-${KLT} root=/dev/mapper/centos-root ro crashkernel=auto rd.lvm.lv=centos/root rd.lvm.lv=centos/swap rhgb quiet LANG=en_US.UTF-8\n`);
    expect((await lab.sh('h1', ['grub2-set-default', `CentOS Linux (${KLT}) 7 (Core)`])).code).toBe(0);
    expect((await lab.sh('h1', ['grub2-editenv', 'list'])).stdout).toBe(`saved_entry=CentOS Linux (${KLT}) 7 (Core)\n`);
    await lab.sh('h1', ['reboot']);
    await bootHost(lab, 'h1');
    expect((await lab.sh('h1', ['uname', '-r'])).stdout).toBe(`${KLT}\n`);
    // grubby --args reaches every menu entry
    expect((await lab.sh('h1', ['grubby', '--update-kernel=ALL', '--args=ipv6.disable=1'])).code).toBe(0);
    expect(lab.read('h1', '/boot/grub2/grub.cfg')).toContain(`\tlinux16 /vmlinuz-${KLT} root=/dev/mapper/centos-root ro crashkernel=auto rd.lvm.lv=centos/root rd.lvm.lv=centos/swap rhgb quiet ipv6.disable=1 LANG=en_US.UTF-8\n`);
  });
});
