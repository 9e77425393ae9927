/** `kubeadm certs check-expiration` rows: each certificate (and CA) with its expiry. */

export interface CertExpiry {
  name: string;
  /** ms since epoch */
  expiresMs: number;
  /** RESIDUAL TIME as kubeadm printed it (364d, 9y, <invalid>) */
  residual: string;
  authority: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// kubeadm prints EXPIRES as "Jan 02, 2006 15:04 UTC"
const ROW = /^(\S+)\s+([A-Z][a-z]{2}) (\d{2}), (\d{4}) (\d{2}):(\d{2}) UTC\s+(\S+)/;

export function parseCheckExpiration(text: string): CertExpiry[] {
  const out: CertExpiry[] = [];
  let authority = false;
  for (const line of text.split('\n')) {
    if (/^CERTIFICATE AUTHORITY\s/.test(line)) authority = true;
    else if (/^CERTIFICATE\s/.test(line)) authority = false;
    const m = ROW.exec(line);
    if (!m) continue;
    const month = MONTHS.indexOf(m[2]);
    if (month < 0) continue;
    out.push({ name: m[1], expiresMs: Date.UTC(Number(m[4]), month, Number(m[3]), Number(m[5]), Number(m[6])), residual: m[7], authority });
  }
  return out;
}

/** Certificates expiring within `days` (or already expired), soonest first. */
export function expiringWithin(certs: CertExpiry[], nowMs: number, days = 30): CertExpiry[] {
  return certs.filter((c) => c.expiresMs - nowMs < days * 86_400_000).sort((a, b) => a.expiresMs - b.expiresMs);
}
