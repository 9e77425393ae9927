import { describe, expect, it, onTestFinished } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blobKeyType, fingerprint, knownHostsName, parseKnownHosts, patternMatches, recordHostKey, verifyHostKey,
} from '../../../src/hosts/known-hosts.ts';

/** An SSH public key blob: string type, then some bytes. */
const blob = (type: string, body: string): Buffer => {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
};
const hashed = (name: string): string => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts', () => {
  const ed = blob('ssh-ed25519', 'key-one');
  const ed2 = blob('ssh-ed25519', 'key-two');
  const rsa = blob('ssh-rsa', 'rsa-key');

  it('names hosts as OpenSSH does', () => {
    expect(knownHostsName('198.18.0.11', 22)).toBe('198.18.0.11');
    expect(knownHostsName('198.18.0.11', 2222)).toBe('[198.18.0.11]:2222');
  });

  it('matches plain, bracketed, wildcard, negated and hashed patterns', () => {
    expect(patternMatches('198.18.0.11,k8s-node01', '198.18.0.11')).toBe(true);
    expect(patternMatches('198.18.0.11', '[198.18.0.11]:2222')).toBe(false);
    expect(patternMatches('[198.18.0.11]:2222', '[198.18.0.11]:2222')).toBe(true);
    expect(patternMatches('198.18.0.*', '198.18.0.42')).toBe(true);
    expect(patternMatches('198.18.0.?', '198.18.0.42')).toBe(false);
    expect(patternMatches('198.18.0.*,!198.18.0.13', '198.18.0.13')).toBe(false);
    expect(patternMatches(hashed('198.18.0.11'), '198.18.0.11')).toBe(true);
    expect(patternMatches(hashed('198.18.0.11'), '198.18.0.12')).toBe(false);
  });

  it('verifies: known, new, changed (same type differs), revoked; ignores @cert-authority and comments', () => {
    const text = [
      '# comment',
      `@cert-authority *.example ssh-ed25519 ${ed2.toString('base64')}`,
      `${hashed('198.18.0.11')} ssh-ed25519 ${ed.toString('base64')}`,
      `198.18.0.12 ssh-ed25519 ${ed.toString('base64')} comment here`,
      `@revoked 198.18.0.13 ssh-ed25519 ${ed2.toString('base64')}`,
      '',
    ].join('\n');
    expect(verifyHostKey(parseKnownHosts(text, '198.18.0.11'), ed)).toEqual({ status: 'known' });
    expect(verifyHostKey(parseKnownHosts(text, '198.18.0.11'), ed2)).toEqual({ status: 'changed', line: 3 });
    // another key type than the one on file is a new key, not a changed one (OpenSSH does the same)
    expect(verifyHostKey(parseKnownHosts(text, '198.18.0.11'), rsa)).toEqual({ status: 'new' });
    expect(verifyHostKey(parseKnownHosts(text, '198.18.0.99'), ed)).toEqual({ status: 'new' });
    expect(verifyHostKey(parseKnownHosts(text, '198.18.0.13'), ed2)).toEqual({ status: 'revoked', line: 5 });
  });

  it('records first-seen keys on their own line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-kh-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'sub', 'known_hosts');
    recordHostKey(file, '198.18.0.11', ed);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# no newline at end`);
    recordHostKey(file, '[198.18.0.12]:2222', rsa);
    expect(readFileSync(file, 'utf8')).toBe(
      `198.18.0.11 ssh-ed25519 ${ed.toString('base64')}\n# no newline at end\n[198.18.0.12]:2222 ssh-rsa ${rsa.toString('base64')}\n`,
    );
  });

  it('reads key types and fingerprints like ssh-keygen', () => {
    expect(blobKeyType(ed)).toBe('ssh-ed25519');
    expect(fingerprint(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
