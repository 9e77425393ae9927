/** IPv4 addresses, CIDRs and names: the small amount of parsing the semantic checks need. */

/** Dotted quad -> 32-bit unsigned number, or undefined when not a plain IPv4 address. */
export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  // leading zeros are refused: some tools read them as octal
  if (parts.some((p, i) => p > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export const formatIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export interface Cidr {
  base: number;
  prefix: number;
  /** first and last address (inclusive) */
  first: number;
  last: number;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** "10.96.0.0/12" -> Cidr; `aligned` false when host bits are set (e.g. 10.96.1.0/12). */
export function parseCidr(s: string): (Cidr & { aligned: boolean }) | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const base = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  if (base === undefined || prefix > 32) return undefined;
  const first = (base & maskOf(prefix)) >>> 0;
  const last = (first | (~maskOf(prefix) >>> 0)) >>> 0;
  return { base, prefix, first, last, aligned: first === base };
}

export const cidrString = (c: Cidr): string => `${formatIPv4(c.first)}/${c.prefix}`;
export const cidrContains = (c: Cidr, ip: number): boolean => ip >= c.first && ip <= c.last;
export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => a.first <= b.last && b.first <= a.last;

/** Addresses a node cannot use: unspecified, loopback, link-local, multicast, broadcast. */
export function unusableAddress(ip: number): string | undefined {
  const a = ip >>> 24;
  if (a === 0) return 'an unspecified (0.x.x.x) address';
  if (a === 127) return 'a loopback address';
  if (a === 169 && ((ip >>> 16) & 255) === 254) return 'a link-local address';
  if (a >= 224) return a < 240 ? 'a multicast address' : 'a reserved address';
  return undefined;
}

/** RFC 1123 subdomain, as Kubernetes requires for node names (lowercase, <= 253, labels <= 63). */
export function isDns1123Subdomain(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((l) => l.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l));
}

/** A host name as used in an endpoint or certSAN (letters in any case allowed, no underscore). */
export function isDnsName(s: string): boolean {
  return isDns1123Subdomain(s.toLowerCase());
}
