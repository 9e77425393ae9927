import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../src/engine/redact.ts';

describe('redaction', () => {
  const token = 'abcdef.0123456789abcdef';
  const certKey = 'e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204';
  const caHash = 'sha256:7d1c3b1e4f2a9f0c8e6b5d4a3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b';

  it('removes bootstrap tokens, certificate keys and private keys found by shape, keeps the CA hash', () => {
    const r = new Redactor();
    const text = [
      `kubeadm join 198.18.0.10:6443 --token ${token} \\`,
      `  --discovery-token-ca-cert-hash ${caHash} --control-plane --certificate-key ${certKey}`,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
      'client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=',
    ].join('\n');
    const out = r.redact(text);
    expect(out).not.toContain(token);
    expect(out).not.toContain(certKey);
    expect(out).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(out).not.toContain('LS0tLS1CRUdJTiBSU0');
    expect(out).toContain(caHash);
    expect(out).toContain(`--token ${REDACTED}`);
  });

  it('removes declared secrets and their base64 form, and the secret half of a token seen earlier', () => {
    const r = new Redactor(['s3cr3t-pass']);
    expect(r.redact('password=s3cr3t-pass')).toBe(`password=${REDACTED}`);
    expect(r.redact(`echo ${Buffer.from('s3cr3t-pass').toString('base64')}`)).toBe(`echo ${REDACTED}`);
    r.redact(`token ${token}`);
    // a bootstrap token Secret shows its parts base64-encoded
    const secretYaml = `token-id: ${Buffer.from('abcdef').toString('base64')}\ntoken-secret: ${Buffer.from('0123456789abcdef').toString('base64')}`;
    expect(r.redact(secretYaml)).not.toContain(Buffer.from('0123456789abcdef').toString('base64').replace(/=+$/, ''));
  });

  it('reads passwords from the variables the inventory names', () => {
    const r = Redactor.fromEnv(['KF_PW', 'KF_UNSET', undefined], { KF_PW: 'hunter22' });
    expect(r.redact('sudo pw hunter22')).toBe(`sudo pw ${REDACTED}`);
  });

  it('redacts inside values', () => {
    const r = new Redactor(['topsecret']);
    expect(r.redactValue({ a: ['x topsecret'], b: { c: 'topsecret"' }, n: 3 })).toEqual({ a: [`x ${REDACTED}`], b: { c: `${REDACTED}"` }, n: 3 });
  });
});
