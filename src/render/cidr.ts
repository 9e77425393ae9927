/** IPv4 helpers for the values templates need (Calico's autodetection CIDRs). */

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** The /prefix networks holding the given addresses, deduplicated, in first-seen order. */
export function coveringCidrs(addresses: string[], prefix = 24): string[] {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const out: string[] = [];
  for (const a of addresses) {
    const net = `${intToIp((ipToInt(a) & mask) >>> 0)}/${prefix}`;
    if (!out.includes(net)) out.push(net);
  }
  return out;
}
