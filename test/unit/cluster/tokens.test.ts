import { describe, expect, it } from 'vitest';
import { decodeTokenSecret, localTime, mergeTokens, parseKubeadmTokenList, timeLeft } from '../../../src/cluster/tokens.ts';
import { parseList, secretSchema } from '../../../src/cluster/kube-json.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const secret = (id: string, secret: string, expiration?: string, extra: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
  metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
  data: {
    'token-id': b64(id), 'token-secret': b64(secret), ...(expiration ? { expiration: b64(expiration) } : {}),
    'usage-bootstrap-authentication': b64('true'), 'usage-bootstrap-signing': b64('true'),
    'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token'), ...extra,
  },
});

describe('bootstrap token Secrets', () => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [secret('abcdef', '0123456789abcdef', '2026-11-24T10:00:00Z'), secret('zyxwvu', 'ffffffffffffffff')] });

  it('decodes the base64 expiration and never keeps the secret half', () => {
    const views = parseList(list, secretSchema, 'secrets').map(decodeTokenSecret);
    expect(views[0]).toMatchObject({ id: 'abcdef', masked: 'abcdef.****************', expiresMs: Date.parse('2026-11-24T10:00:00Z'), usages: ['authentication', 'signing'] });
    expect(views[1]?.expiresMs).toBeUndefined();
    expect(JSON.stringify(views)).not.toContain('0123456789abcdef');
    expect(JSON.stringify(views)).not.toContain(b64('0123456789abcdef'));
  });

  it('ignores other Secrets and rejects non-list JSON', () => {
    expect(decodeTokenSecret({ metadata: { name: 'x' }, type: 'Opaque', data: {} })).toBeUndefined();
    expect(() => parseList('{"kind":"Secret"}', secretSchema, 'secrets')).toThrow(/unexpected JSON/);
    expect(() => parseList('error: the server doesn\'t have a resource type', secretSchema, 'secrets')).toThrow(/did not print JSON/);
  });
});

describe('kubeadm token list', () => {
  const text = [
    'TOKEN                     TTL         EXPIRES                USAGES                   DESCRIPTION                                                EXTRA GROUPS',
    'abcdef.0123456789abcdef   23h         2026-11-24T10:00:00Z   authentication,signing   <none>                                                     system:bootstrappers:kubeadm:default-node-token',
    'q1w2e3.q1w2e3r4t5y6u7i8   <forever>   <never>                authentication,signing   <none>                                                     system:bootstrappers:kubeadm:default-node-token',
    'p0o9i8.p0o9i8u7y6t5r4e3   1h          2026-11-23T12:00:00Z   <none>                   Proxy for managing TTL for the kubeadm-certs secret        <none>',
  ].join('\n');

  it('keeps ids and expiry only', () => {
    expect(parseKubeadmTokenList(text)).toEqual([
      { id: 'abcdef', expiresMs: Date.parse('2026-11-24T10:00:00Z') },
      { id: 'q1w2e3', expiresMs: undefined },
      { id: 'p0o9i8', expiresMs: Date.parse('2026-11-23T12:00:00Z') },
    ]);
  });

  it('merges with the Secrets: both sources marked, soonest expiry first', () => {
    const fromSecret = decodeTokenSecret(secret('abcdef', '0123456789abcdef', '2026-11-24T10:00:00Z'))!;
    const merged = mergeTokens([fromSecret], parseKubeadmTokenList(text));
    expect(merged.map((t) => [t.id, t.seenIn.join('+')])).toEqual([['p0o9i8', 'kubeadm'], ['abcdef', 'secret+kubeadm'], ['q1w2e3', 'kubeadm']]);
  });
});

describe('time left and local time', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('says expired once past, and counts down otherwise', () => {
    expect(timeLeft(now - 1000, now)).toBe('expired');
    expect(timeLeft(now, now)).toBe('expired');
    expect(timeLeft(now + 2 * 3600_000, now)).toBe('2h 0m');
    expect(timeLeft(now + 14 * 60_000 + 3000, now)).toBe('14m 3s');
    expect(timeLeft(now + 50 * 3600_000, now)).toBe('2d 2h');
    expect(timeLeft(undefined, now)).toBe('never expires');
  });
  it('prints local time with its offset', () => {
    expect(localTime(now, 480)).toBe('2026-11-23 18:00:00 +08:00');
    expect(localTime(now, -300)).toBe('2026-11-23 05:00:00 -05:00');
  });
});
