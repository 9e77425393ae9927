import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { buildPhases } from '../../../src/phases/index.ts';
import { elrepoKeyUrl } from '../../../src/phases/kernel-upgrade.ts';
import type { Phase } from '../../../src/phases/types.ts';
import { inventory, stepIds, stepOf } from '../render/helpers.ts';

const withUpgrade = (name: string) => {
  const c = inventory(name);
  return { ...c, os: { ...c.os, kernelUpgrade: true } };
};
const modulesOf = (phases: Phase[], host: string): string[] =>
  stepOf(phases, host, 'kernel.modules').files[0].content.split('\n').filter((l) => l && !l.startsWith('#'));

/** Run a rendered check script with `uname -r` answering `release`. */
async function checkWith(script: string, release: string): Promise<number> {
  const r = await execa('bash', ['-c', `uname() { echo ${release}; }; export -f uname; bash -c "$0"`, script], { reject: false });
  return r.exitCode ?? -1;
}

describe('kernel.upgrade (os.kernelUpgrade)', () => {
  const lab = withUpgrade('lab.yaml');
  const phases = buildPhases(lab, assumedFactsAll(lab));

  it('comes first in the kernel phase of every EL7 host, marked heavy and reboot', () => {
    for (const h of lab.hosts) {
      const ids = stepIds(phases, h.name).filter((id) => id.startsWith('kernel.'));
      expect(ids).toEqual(['kernel.upgrade', 'kernel.modules', 'kernel.sysctl']);
      const s = stepOf(phases, h.name, 'kernel.upgrade');
      expect(s.reboot).toBe(true);
      expect(s.heavy).toBe(true);
    }
  });

  it('is absent without os.kernelUpgrade and on EL9 (with a note there)', () => {
    const plain = inventory('lab.yaml');
    expect(stepIds(buildPhases(plain, assumedFactsAll(plain)), plain.hosts[0].name)).not.toContain('kernel.upgrade');
    const el9 = withUpgrade('el9-containerd.yaml');
    const p9 = buildPhases(el9, assumedFactsAll(el9));
    expect(stepIds(p9, el9.hosts[0].name)).not.toContain('kernel.upgrade');
    expect(stepOf(p9, el9.hosts[0].name, 'kernel.modules').notes?.join('\n')).toMatch(/el9 kernel .* is recent enough/);
  });

  it('writes a disabled elrepo-kernel repo from the elrepo mirrors, in order, with the first mirror\'s key', () => {
    const s = stepOf(phases, lab.hosts[0].name, 'kernel.upgrade');
    const repo = s.files.find((f) => f.path === '/etc/yum.repos.d/elrepo-kernel.repo')?.content ?? '';
    expect(repo).toContain('[elrepo-kernel]');
    expect(repo).toContain(`baseurl=${lab.mirrors.elrepo[0]}\n        ${lab.mirrors.elrepo[1]}\n`);
    expect(repo).toContain('enabled=0');
    expect(repo).toContain(`gpgkey=${elrepoKeyUrl(lab.mirrors.elrepo[0])}`);
    expect(lab.mirrors.elrepo.length).toBeGreaterThanOrEqual(2);
    expect(s.apply).toContain('yum --enablerepo=elrepo-kernel install -y kernel-lt');
    // the key from the first mirror that serves it, tried in the mirrors' order
    expect(s.apply).toContain(`for key in ${lab.mirrors.elrepo.map(elrepoKeyUrl).join(' ')}; do`);
    expect(s.apply).toMatch(/grubby --set-default "\/boot\/vmlinuz-\$new"/);
  });

  it('elrepoKeyUrl finds the key at the elrepo tree root of a mirror', () => {
    expect(elrepoKeyUrl('https://mirrors.aliyun.com/elrepo/archive/kernel/el7/$basearch/')).toBe('https://mirrors.aliyun.com/elrepo/RPM-GPG-KEY-elrepo.org');
    expect(elrepoKeyUrl('https://mirror.example.org/kernel/el7/')).toBe('https://elrepo.org/RPM-GPG-KEY-elrepo.org');
  });

  it('check passes only on a running kernel >= 5.4', async () => {
    const check = stepOf(phases, lab.hosts[0].name, 'kernel.upgrade').check;
    expect(await checkWith(check, '3.10.0-1160.el7.x86_64')).not.toBe(0);
    expect(await checkWith(check, '4.19.12-1.el7.elrepo.x86_64')).not.toBe(0);
    expect(await checkWith(check, '5.4.278-1.el7.elrepo.x86_64')).toBe(0);
    expect(await checkWith(check, '6.9.7-1.el7.elrepo.x86_64')).toBe(0);
  });

  it('renders modules and sysctl for the kernel the host reboots into while the upgrade is pending', () => {
    const host = lab.hosts[1].name;
    expect(modulesOf(phases, host)).toContain('nf_conntrack');
    expect(modulesOf(phases, host)).not.toContain('nf_conntrack_ipv4');
    expect(stepOf(phases, host, 'kernel.sysctl').files[0].content).not.toContain('tcp_tw_recycle');
    expect(stepOf(phases, host, 'kernel.modules').notes?.join('\n')).toContain('for the upgraded kernel');
    // once upgraded (second run), the same files: nothing to rewrite
    const facts = assumedFactsAll(lab);
    for (const h of lab.hosts) facts[h.name] = { ...facts[h.name], kernel: '5.4.278-1.el7.elrepo.x86_64' };
    const after = buildPhases(lab, facts);
    expect(stepOf(after, host, 'kernel.modules').files).toEqual(stepOf(phases, host, 'kernel.modules').files);
    expect(stepOf(after, host, 'kernel.sysctl').files).toEqual(stepOf(phases, host, 'kernel.sysctl').files);
    expect(stepOf(after, host, 'kernel.modules').notes ?? []).toEqual([]);
  });

  it('never reboots a host that is already a node: no upgrade step there, a note instead, modules for its running kernel', () => {
    const facts = assumedFactsAll(lab);
    const node = lab.hosts[1].name;
    facts[node] = { ...facts[node], isNode: true };
    const p = buildPhases(lab, facts);
    expect(stepIds(p, node)).not.toContain('kernel.upgrade');
    expect(stepOf(p, node, 'kernel.modules').notes?.join('\n')).toMatch(/already a node .*does not reboot running nodes: drain it/);
    expect(modulesOf(p, node)).toContain('nf_conntrack_ipv4');
    // the hosts that are not nodes yet still get it
    expect(stepIds(p, lab.hosts[2].name)).toContain('kernel.upgrade');
  });
});
