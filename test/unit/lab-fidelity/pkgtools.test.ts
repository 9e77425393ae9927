import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import '../../../scripts/lab/sim/all.ts';
import type { TestLab } from '../../../scripts/lab/sim/testing.ts';
import { freshLab, VAULT_REPO } from '../lab-sim-os/fixture.ts';

let lab: TestLab;
afterEach(() => lab?.cleanup());

const TOOLS = { socat: '/usr/bin/socat', conntrack: '/usr/sbin/conntrack', ipset: '/usr/sbin/ipset', ebtables: '/usr/sbin/ebtables', ethtool: '/usr/sbin/ethtool' };

async function withTools(os: 'centos7' | 'rocky9' = 'centos7'): Promise<TestLab> {
  const l = await freshLab([{ name: 'h1', os }]);
  if (os === 'centos7') l.write('h1', '/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO);
  return l;
}

describe('package-installed tools', () => {
  it('are absent on a fresh host and linked to the lab client by yum install', async () => {
    lab = await withTools();
    for (const p of Object.values(TOOLS)) expect(fs.existsSync(path.join(lab.roots.h1, p)), p).toBe(false);
    const r = await lab.sh('h1', ['yum', 'install', '-y', 'socat', 'conntrack-tools', 'ipset', 'ebtables', 'ethtool']);
    expect(r.code, r.stderr).toBe(0);
    for (const p of Object.values(TOOLS)) expect(fs.readlinkSync(path.join(lab.roots.h1, p)), p).toBe('/usr/lib/kflab/client');
  });

  it('socat -V names its version and the running kernel', async () => {
    lab = await withTools();
    const r = await lab.sh('h1', ['socat', '-V']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^socat by Gerhard Rieger and contributors - see www\.dest-unreach\.org\nsocat version 1\.7\.3\.2 on /);
    expect(r.stdout).toContain('release 3.10.0-1160.el7.x86_64, machine x86_64\n');
  });

  it('conntrack: -L lists nothing (summary on stderr), -D finds nothing and exits 1 as kube-proxy expects', async () => {
    lab = await withTools();
    expect(await lab.sh('h1', ['conntrack', '-L'])).toMatchObject({ code: 0, stdout: '', stderr: 'conntrack v1.4.4 (conntrack-tools): 0 flow entries have been shown.\n' });
    expect(await lab.sh('h1', ['conntrack', '-D', '-p', 'udp', '--orig-dst', '10.96.0.10'])).toMatchObject({ code: 1, stderr: 'conntrack v1.4.4 (conntrack-tools): 0 flow entries have been deleted.\n' });
    expect((await lab.sh('h1', ['conntrack', '--version'])).stdout).toBe('conntrack v1.4.4 (conntrack-tools)\n');
    expect((await lab.sh('h1', ['conntrack', '-L'], { uid: 1000, user: 'ops' })).code).toBe(1);
  });

  it('ipset keeps sets in the kernel (until reboot): create, add, list, test, destroy', async () => {
    lab = await withTools();
    expect(await lab.sh('h1', ['ipset', 'list'])).toMatchObject({ code: 0, stdout: '' });
    expect((await lab.sh('h1', ['ipset', 'create', 'KUBE-TEST', 'hash:ip'])).code).toBe(0);
    expect((await lab.sh('h1', ['ipset', 'create', 'KUBE-TEST', 'hash:ip'])).stderr).toBe('ipset v7.1: Set cannot be created: set with the same name already exists\n');
    expect((await lab.sh('h1', ['ipset', '-exist', 'create', 'KUBE-TEST', 'hash:ip'])).code).toBe(0);
    expect((await lab.sh('h1', ['ipset', 'add', 'KUBE-TEST', '10.0.0.1'])).code).toBe(0);
    const l = await lab.sh('h1', ['ipset', 'list', 'KUBE-TEST']);
    expect(l.stdout).toMatch(/^Name: KUBE-TEST\nType: hash:ip\nRevision: \d+\nHeader: family inet hashsize 1024 maxelem 65536\nSize in memory: \d+\nReferences: 0\nNumber of entries: 1\nMembers:\n10\.0\.0\.1\n$/);
    expect((await lab.sh('h1', ['ipset', 'test', 'KUBE-TEST', '10.0.0.2'])).code).toBe(1);
    expect((await lab.sh('h1', ['ipset', 'list', '-n'])).stdout).toBe('KUBE-TEST\n');
    expect((await lab.sh('h1', ['ipset', 'destroy', 'KUBE-TEST'])).code).toBe(0);
    expect(await lab.sh('h1', ['ipset', 'list', 'KUBE-TEST'])).toMatchObject({ code: 1, stderr: 'ipset v7.1: The set with the given name does not exist\n' });
  });

  it('ebtables -L prints the empty filter table; ethtool knows eth0 (virtio) and not other names', async () => {
    lab = await withTools();
    expect((await lab.sh('h1', ['ebtables', '-L'])).stdout).toBe('Bridge table: filter\n\nBridge chain: INPUT, entries: 0, policy: ACCEPT\n\nBridge chain: FORWARD, entries: 0, policy: ACCEPT\n\nBridge chain: OUTPUT, entries: 0, policy: ACCEPT\n');
    expect((await lab.sh('h1', ['ethtool', '-i', 'eth0'])).stdout).toMatch(/^driver: virtio_net\n/);
    const none = await lab.sh('h1', ['ethtool', 'eth9']);
    expect(none.code).toBe(75);
    expect(none.stdout + none.stderr).toContain('Cannot get device settings: No such device');
    expect((await lab.sh('h1', ['ethtool', '-K', 'vxlan.calico', 'tx-checksum-ip-generic', 'off'])).code).toBe(0);
  });

  it.runIf(fs.existsSync('/usr/bin/jq'))('jq is real jq, on stdin and on host files', async () => {
    lab = await withTools();
    const j = JSON.stringify({ items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
    expect(await lab.sh('h1', ['jq', '-r', '.items[].metadata.name'], { stdin: j })).toMatchObject({ code: 0, stdout: 'a\nb\n' });
    lab.write('h1', '/root/x.json', j);
    expect((await lab.sh('h1', ['jq', '.items | length', 'x.json'])).stdout).toBe('2\n');
    const bad = await lab.sh('h1', ['jq', '.', '/root/nope.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/root/nope.json');
    expect(bad.stderr).not.toContain(lab.roots.h1);
  });
});

describe('/proc/sys/kernel/random/boot_id', () => {
  it('changes with every boot', async () => {
    const { bootHost } = await import('../lab-sim-os/fixture.ts');
    lab = await withTools();
    const read = (): string => fs.readFileSync(path.join(lab.roots.h1, 'run/.kflab/procsys/kernel/random/boot_id'), 'utf8');
    const first = read();
    expect(first).toMatch(/^[0-9a-f-]{36}\n$/);
    await bootHost(lab, 'h1');
    expect(read()).not.toBe(first);
  });
});
