import { describe, expect, it } from 'vitest';
import { controlPlaneJoinLine, parseCertificateKey, parseJoinCommand, workerJoinLine } from '../../../src/cluster/join-command.ts';
import { parseGoDuration } from '../../../src/cluster/duration.ts';

const HASH = `sha256:${'ab12'.repeat(16)}`;
const KEY = 'f0e1d2c3'.repeat(8);

describe('join commands', () => {
  it('parses what kubeadm token create --print-join-command prints (with its trailing space)', () => {
    const j = parseJoinCommand(`kubeadm join 198.18.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH} \n`);
    expect(j).toEqual({ endpoint: '198.18.0.10:6443', token: 'abcdef.0123456789abcdef', caCertHash: HASH });
    expect(workerJoinLine(j!)).toBe(`kubeadm join 198.18.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH}`);
    expect(controlPlaneJoinLine(j!, KEY)).toMatch(new RegExp(`--control-plane --certificate-key ${KEY}$`));
  });

  it('rejects malformed tokens and hashes', () => {
    expect(parseJoinCommand(`kubeadm join 1.2.3.4:6443 --token ABCDEF.0123456789abcdef --discovery-token-ca-cert-hash ${HASH}`)).toBeUndefined();
    expect(parseJoinCommand('kubeadm join 1.2.3.4:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:abc')).toBeUndefined();
    expect(parseJoinCommand('failed to create or update bootstrap token')).toBeUndefined();
  });

  it('reads the certificate key from upload-certs output, and only a 64-hex one', () => {
    const out = `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${KEY}\n`;
    expect(parseCertificateKey(out)).toBe(KEY);
    expect(parseCertificateKey(out.replace(KEY, '<value withheld>'))).toBeUndefined();
    expect(parseCertificateKey('[upload-certs] Skipping phase. Please see --upload-certs\n')).toBeUndefined();
  });
});

describe('Go durations for --ttl', () => {
  it('accepts what kubeadm accepts', () => {
    expect(parseGoDuration('2h')).toBe(7_200_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('24h0m0s')).toBe(86_400_000);
    expect(parseGoDuration('0')).toBe(0);
  });
  it('rejects the rest', () => {
    for (const bad of ['2 h', '2d', '', 'h', '15', '-1h', '2h;rm']) expect(parseGoDuration(bad)).toBeUndefined();
  });
});
