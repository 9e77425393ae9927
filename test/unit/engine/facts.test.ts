import { describe, expect, it } from 'vitest';
import { FACTS_SCRIPT, parseFacts, parseOsRelease } from '../../../src/engine/facts.ts';
import { LocalHost } from './local-host.ts';
import { gatherFacts } from '../../../src/engine/facts.ts';

const CENTOS7_OS_RELEASE = `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"
`;

const ROCKY9_OS_RELEASE = `NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
`;

const sample = (osRelease: string, kv: string, swaps: string, memKb: number): string => [
  '==kf== os-release', osRelease,
  '==kf== meminfo', `MemTotal:        ${memKb} kB`, 'MemFree:          812344 kB', 'SwapTotal:       2097148 kB',
  '==kf== swaps', swaps,
  '==kf== kv', kv,
].join('\n');

describe('host facts', () => {
  it('parses a CentOS 7.9 host with swap on', () => {
    const out = sample(CENTOS7_OS_RELEASE, [
      'kernel=3.10.0-1160.el7.x86_64', 'nproc=2', 'cpuinfo=2',
      'mac=docker0 02:42:5e:1a:2b:3c', 'mac=ens33 00:0C:29:3A:5B:7C', 'mac=lo 00:00:00:00:00:00',
      'product_uuid=564D7A2B-1C3D-4E5F-8A9B-0C1D2E3F4A5B', 'hostname=k8s-master01', 'time_ms=1763924400123',
      'is_node=0', 'admin_conf=0',
    ].join('\n'), 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/dev/dm-1                               partition\t2097148\t0\t-2', 3861300);
    expect(parseFacts(out)).toEqual({
      osId: 'centos', osVersion: '7', family: 'el7', kernel: '3.10.0-1160.el7.x86_64', cpus: 2, memoryMiB: 3770, swapOn: true,
      macs: ['00:0c:29:3a:5b:7c'], productUuid: '564d7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b', hostname: 'k8s-master01',
      timeMs: 1763924400123, isNode: false, hasAdminConf: false,
    });
  });

  it('parses a Rocky 9 node without swap, counting CPUs from cpuinfo when nproc is missing', () => {
    const out = sample(ROCKY9_OS_RELEASE, [
      'kernel=5.14.0-427.13.1.el9_4.x86_64', 'nproc=', 'cpuinfo=4', 'mac=eth0 52:54:00:ab:cd:ef', 'mac=cali1234abcd ee:ee:ee:ee:ee:ee',
      'mac=tunl0 00:00:00:00', 'product_uuid=8e2c1f00-0000-4000-8000-000000000001', 'hostname=node-2', 'time_ms=1763924400999',
      'is_node=1', 'admin_conf=1',
    ].join('\n'), 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority', 8000000);
    const f = parseFacts(out);
    expect(f).toMatchObject({ osId: 'rocky', osVersion: '9.4', family: 'el9', cpus: 4, memoryMiB: 7812, swapOn: false, isNode: true, hasAdminConf: true });
    expect(f.macs).toEqual(['52:54:00:ab:cd:ef']);
  });

  it('refuses an unsupported OS by name', () => {
    const ubuntu = 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n';
    expect(() => parseFacts(sample(ubuntu, 'nproc=2', '', 1000))).toThrow(/^unsupported OS: Ubuntu 22.04.4 LTS/);
    const centos6 = 'ID="centos"\nVERSION_ID="6"\n';
    expect(() => parseFacts(sample(centos6, 'nproc=2', '', 1000))).toThrow(/unsupported OS: centos 6/);
  });

  it('unquotes os-release values', () => {
    expect(parseOsRelease(`A="x \\"y\\""\nB='z'\nC=plain\n# c\n`)).toEqual({ A: 'x "y"', B: 'z', C: 'plain' });
  });

  it('gathers with one exec whose script runs in bash', async () => {
    const h = new LocalHost('here');
    const out = await h.run(FACTS_SCRIPT);
    expect(out.code).toBe(0);
    // this machine is Debian: the script ran, and the parser names the OS it refuses
    await expect(gatherFacts(h)).rejects.toThrow(/unsupported OS: Debian/);
    expect(out.stdout).toMatch(/^kernel=\S+$/m);
    expect(out.stdout).toMatch(/^time_ms=\d{13}$/m);
    expect(h.execs.length).toBe(2);
  });
});
