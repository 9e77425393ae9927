/**
 * OpenSSH known_hosts: lookup (plain, [host]:port, wildcards, negation, hashed |1|
 * entries, @revoked), verification of a presented host key and recording of
 * first-seen keys (accept-new).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  keyType: string;
  /** base64 of the public key blob, as in the file */
  key: string;
  /** 1-based line in the file */
  line: number;
  revoked: boolean;
}

export type HostKeyVerdict =
  | { status: 'known' }
  | { status: 'new' }
  | { status: 'changed'; line: number }
  | { status: 'revoked'; line: number };

/** The name OpenSSH files a host under: `addr` on port 22, `[addr]:port` otherwise. */
export const knownHostsName = (address: string, port: number): string => (port === 22 ? address : `[${address}]:${port}`);

/** The key type inside an SSH public key blob (first length-prefixed string). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:...` as ssh-keygen -l prints it. */
export const fingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // |1|salt|hash -> ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = createHmac('sha1', salt).update(name).digest('base64');
  return want === parts[3];
}

/** Does a host-pattern field (comma list, `!` negation, globs, or one hashed entry) match `name`? */
export function patternMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pat = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pat).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string, name: string): KnownKey[] {
  const out: KnownKey[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker = '';
    if (fields[0].startsWith('@')) marker = fields.shift() ?? '';
    if (fields.length < 3) return;
    // certificate authorities sign host certificates, which kubeforge does not use
    if (marker === '@cert-authority') return;
    if (!patternMatches(fields[0], name)) return;
    out.push({ keyType: fields[1], key: fields[2], line: i + 1, revoked: marker === '@revoked' });
  });
  return out;
}

/** rsa-sha2-* signatures use ssh-rsa keys: compare key types, not signature algorithms. */
const sameKeyType = (a: string, b: string): boolean => a === b;

export function verifyHostKey(known: KnownKey[], blob: Buffer): HostKeyVerdict {
  const b64 = blob.toString('base64');
  const type = blobKeyType(blob);
  const revoked = known.find((k) => k.revoked && k.key === b64);
  if (revoked) return { status: 'revoked', line: revoked.line };
  if (known.some((k) => !k.revoked && k.key === b64)) return { status: 'known' };
  const other = known.find((k) => !k.revoked && sameKeyType(k.keyType, type));
  if (other) return { status: 'changed', line: other.line };
  return { status: 'new' };
}

export function readKnownHosts(file: string, name: string): KnownKey[] {
  if (!existsSync(file)) return [];
  return parseKnownHosts(readFileSync(file, 'utf8'), name);
}

/** Append a first-seen key (accept-new). One short append: safe with hosts connecting in parallel. */
export function recordHostKey(file: string, name: string, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  let prefix = '';
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  }
  appendFileSync(file, `${prefix}${name} ${blobKeyType(blob)} ${blob.toString('base64')}\n`, { mode: 0o644 });
}

/** ssh2 host key algorithm names for a known_hosts key type: prefer what the file knows, as OpenSSH does. */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}
