/** Kernel-release arithmetic: the module and sysctl choices hang on `uname -r`. */

/** "3.10.0-1160.el7.x86_64" -> [3, 10, 0] */
export function kernelVersion(release: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (!m) throw new Error(`cannot read a kernel version from "${release}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [a, b] = kernelVersion(release);
  return a > major || (a === major && b >= minor);
}

/**
 * Kernel 4.19 merged nf_conntrack_ipv4 into nf_conntrack. EL8's 4.18 kernel carries the merge
 * too (modprobe nf_conntrack_ipv4 fails there), so only EL7 kernels older than 4.19 have it.
 */
export const conntrackModule = (release: string, family: 'el7' | 'el8' | 'el9'): string =>
  family === 'el7' && !kernelAtLeast(release, 4, 19) ? 'nf_conntrack_ipv4' : 'nf_conntrack';
