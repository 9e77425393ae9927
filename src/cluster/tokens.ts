/**
 * Bootstrap tokens as kubeforge shows them: read from the bootstrap-token-<id> Secrets
 * (base64 `expiration`, RFC 3339) and cross-checked with `kubeadm token list`. Only the
 * token id is ever shown; the secret half is masked.
 */
import type { SecretJson } from './kube-json.ts';

export const BOOTSTRAP_TOKEN_TYPE = 'bootstrap.kubernetes.io/token';

export interface TokenView {
  id: string;
  /** `abcdef.****************` */
  masked: string;
  /** ms since epoch; undefined = never expires */
  expiresMs?: number;
  usages: string[];
  groups: string[];
  description?: string;
  /** where it was seen: the Secret, kubeadm token list, or both */
  seenIn: ('secret' | 'kubeadm')[];
}

const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

export const maskToken = (id: string): string => `${id}.${'*'.repeat(16)}`;

/** One bootstrap token Secret -> its public view (never the secret half), or undefined for other Secrets. */
export function decodeTokenSecret(s: SecretJson): TokenView | undefined {
  if (s.type !== BOOTSTRAP_TOKEN_TYPE) return undefined;
  const d = s.data ?? {};
  const id = unb64(d['token-id']) || s.metadata.name.replace(/^bootstrap-token-/, '');
  if (!/^[a-z0-9]{6}$/.test(id)) return undefined;
  const exp = unb64(d.expiration);
  const parsed = exp ? Date.parse(exp) : NaN;
  return {
    id,
    masked: maskToken(id),
    expiresMs: Number.isFinite(parsed) ? parsed : undefined,
    usages: Object.keys(d).filter((k) => k.startsWith('usage-bootstrap-') && unb64(d[k]) === 'true').map((k) => k.slice('usage-bootstrap-'.length)).sort(),
    groups: unb64(d['auth-extra-groups']).split(',').filter(Boolean),
    description: unb64(d.description) || undefined,
    seenIn: ['secret'],
  };
}

/** A row of `kubeadm token list`: the id and the EXPIRES column (RFC 3339, or <never>). */
export interface KubeadmTokenRow {
  id: string;
  expiresMs?: number;
}

/**
 * `kubeadm token list` table: TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS.
 * Only the token id and expiry are kept (the secret half is dropped here).
 */
export function parseKubeadmTokenList(text: string): KubeadmTokenRow[] {
  const rows: KubeadmTokenRow[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const m = /^([a-z0-9]{6})\.[a-z0-9]{16}$/.exec(cols[0] ?? '');
    if (!m) continue;
    const exp = cols[2];
    const t = exp && exp !== '<never>' ? Date.parse(exp) : NaN;
    rows.push({ id: m[1], expiresMs: Number.isFinite(t) ? t : undefined });
  }
  return rows;
}

/** Secrets are the source of truth; kubeadm's list adds what it saw, and marks tokens found in both. */
export function mergeTokens(fromSecrets: TokenView[], fromKubeadm: KubeadmTokenRow[]): TokenView[] {
  const byId = new Map(fromSecrets.map((t) => [t.id, { ...t, seenIn: [...t.seenIn] }]));
  for (const r of fromKubeadm) {
    const t = byId.get(r.id);
    if (t) t.seenIn.push('kubeadm');
    else byId.set(r.id, { id: r.id, masked: maskToken(r.id), expiresMs: r.expiresMs, usages: [], groups: [], seenIn: ['kubeadm'] });
  }
  return [...byId.values()].sort((a, b) => (a.expiresMs ?? Infinity) - (b.expiresMs ?? Infinity) || a.id.localeCompare(b.id));
}

/** Time left as `1h 59m`, `14m 3s`, `2d 3h`; `expired` when past. */
export function timeLeft(expiresMs: number | undefined, nowMs: number): string {
  if (expiresMs === undefined) return 'never expires';
  let s = Math.floor((expiresMs - nowMs) / 1000);
  if (s <= 0) return 'expired';
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** Expiry in the local time zone of the machine running kubeforge: `2026-11-23 21:04:05 +01:00`. */
export function localTime(ms: number, tzOffsetMin = -new Date(ms).getTimezoneOffset()): string {
  const d = new Date(ms + tzOffsetMin * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const sign = tzOffsetMin < 0 ? '-' : '+';
  const off = Math.abs(tzOffsetMin);
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${sign}${p(Math.floor(off / 60))}:${p(off % 60)}`;
}
