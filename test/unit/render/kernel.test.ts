import { describe, expect, it } from 'vitest';
import { conntrackModule, kernelAtLeast, kernelVersion } from '../../../src/render/kernel.ts';

describe('kernel versions', () => {
  it('reads uname -r', () => {
    expect(kernelVersion('3.10.0-1160.el7.x86_64')).toEqual([3, 10, 0]);
    expect(kernelVersion('5.14.0-427.13.1.el9_4.x86_64')).toEqual([5, 14, 0]);
    expect(kernelVersion('6.1')).toEqual([6, 1, 0]);
    expect(() => kernelVersion('linux')).toThrow(/cannot read a kernel version/);
  });

  it('compares major.minor', () => {
    expect(kernelAtLeast('4.19.0-1', 4, 19)).toBe(true);
    expect(kernelAtLeast('4.18.0-553.el8_10.x86_64', 4, 19)).toBe(false);
    expect(kernelAtLeast('5.4.278-1.el7.elrepo.x86_64', 4, 12)).toBe(true);
    expect(kernelAtLeast('3.10.0-1160.el7.x86_64', 4, 12)).toBe(false);
  });

  it('picks the conntrack module: nf_conntrack_ipv4 only on EL7 kernels before 4.19', () => {
    expect(conntrackModule('3.10.0-1160.el7.x86_64', 'el7')).toBe('nf_conntrack_ipv4');
    expect(conntrackModule('5.4.278-1.el7.elrepo.x86_64', 'el7')).toBe('nf_conntrack');
    // EL8's 4.18 has the 4.19 merge backported
    expect(conntrackModule('4.18.0-553.el8_10.x86_64', 'el8')).toBe('nf_conntrack');
    expect(conntrackModule('5.14.0-427.13.1.el9_4.x86_64', 'el9')).toBe('nf_conntrack');
  });
});
