/**
 * Bootstrap tokens (Secrets bootstrap-token-<id> in kube-system, with the real data fields) and
 * the kubeadm-certs Secret whose TTL rides on a proxy token (the certificate key, 2 hours).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import type { ClusterState, KubeObject } from '../../cluster/types.ts';
import { objectKey } from '../../cluster/types.ts';

export const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const DEFAULT_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
export const CERTS_PROXY_DESCRIPTION = 'Proxy for managing TTL for the kubeadm-certs secret';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number): string => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
export const generateToken = (): string => `${rand(6)}.${rand(16)}`;
export const generateCertificateKey = (): string => randomBytes(32).toString('hex');

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function nextRevision(c: ClusterState): string {
  c.revision += 1;
  return String(c.revision);
}

export function putObject(c: ClusterState, o: KubeObject): void {
  const key = objectKey(o.kind, o.metadata.namespace, o.metadata.name);
  const prev = c.objects[key];
  o.metadata.uid = prev?.metadata.uid ?? (o.metadata.uid || `${(c.revision * 2654435761 >>> 0).toString(16).padStart(8, '0')}-${o.metadata.name.length.toString(16).padStart(4, '0')}-4000-8000-${String(c.revision).padStart(12, '0')}`);
  o.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? o.metadata.creationTimestamp ?? rfc3339(Date.now());
  o.metadata.resourceVersion = nextRevision(c);
  c.objects[key] = o;
}

export interface TokenInfo {
  id: string;
  secret: string;
  expires?: number;
  usages: string[];
  groups: string[];
  description?: string;
}

export function tokenSecret(t: TokenInfo, nowMs: number): KubeObject {
  const data: Record<string, string> = {
    'token-id': b64(t.id),
    'token-secret': b64(t.secret),
  };
  if (t.description) data.description = b64(t.description);
  if (t.expires !== undefined) data.expiration = b64(rfc3339(t.expires));
  for (const u of t.usages) data[`usage-bootstrap-${u}`] = b64('true');
  if (t.groups.length) data['auth-extra-groups'] = b64(t.groups.join(','));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${t.id}`, namespace: 'kube-system', creationTimestamp: rfc3339(nowMs) },
    type: 'bootstrap.kubernetes.io/token',
    data,
  };
}

export function readToken(o: KubeObject): TokenInfo | undefined {
  if (o.kind !== 'Secret' || o.type !== 'bootstrap.kubernetes.io/token') return undefined;
  const d = (o.data ?? {}) as Record<string, string>;
  const id = unb64(d['token-id']);
  if (!id) return undefined;
  const exp = unb64(d.expiration);
  return {
    id,
    secret: unb64(d['token-secret']),
    expires: exp ? Date.parse(exp) : undefined,
    usages: Object.keys(d).filter((k) => k.startsWith('usage-bootstrap-') && unb64(d[k]) === 'true').map((k) => k.slice('usage-bootstrap-'.length))
      .sort(), // kubeadm sorts them (BootstrapTokenFromSecret): `token list` prints authentication,signing
    groups: unb64(d['auth-extra-groups']).split(',').filter(Boolean),
    description: unb64(d.description) || undefined,
  };
}

export function allTokens(c: ClusterState): TokenInfo[] {
  return Object.values(c.objects).map(readToken).filter((t): t is TokenInfo => t !== undefined);
}

export function addToken(c: ClusterState, t: TokenInfo, nowMs: number): void {
  putObject(c, tokenSecret(t, nowMs));
}

/** Go's duration.ShortHumanDuration, as `kubeadm token list` prints the TTL. */
export function shortHuman(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 365) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** Go duration strings kubeadm takes for --ttl ("24h0m0s", "2h", "30m", "0" = never). */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += n * ({ ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit];
    consumed += m[0];
  }
  return consumed === s && s ? total : undefined;
}

// ---- kubeadm-certs (uploaded control-plane certificates) ----

export const CERT_FILES: [string, string][] = [
  ['ca.crt', 'ca.crt'], ['ca.key', 'ca.key'], ['front-proxy-ca.crt', 'front-proxy-ca.crt'], ['front-proxy-ca.key', 'front-proxy-ca.key'],
  ['sa.key', 'sa.key'], ['sa.pub', 'sa.pub'], ['etcd-ca.crt', 'etcd/ca.crt'], ['etcd-ca.key', 'etcd/ca.key'],
];

export function encrypt(keyHex: string, data: Buffer): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), nonce);
  const body = Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  return Buffer.concat([nonce, body]).toString('base64');
}

export function decrypt(keyHex: string, b64data: string): Buffer {
  const raw = Buffer.from(b64data, 'base64');
  const key = Buffer.from(keyHex, 'hex');
  if (key.length !== 32) throw new Error(`crypto/aes: invalid key size ${key.length}`);
  const nonce = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const body = raw.subarray(12, raw.length - 16);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    throw new Error('cipher: message authentication failed');
  }
}

const CERTS_KEY = objectKey('Secret', 'kube-system', 'kubeadm-certs');

/** Upload the control-plane certificates encrypted with the key; TTL 2h through a proxy token. */
export function uploadCerts(c: ClusterState, keyHex: string, files: Record<string, Buffer>, nowMs: number): void {
  const proxy: TokenInfo = { id: generateToken().slice(0, 6), secret: generateToken().slice(7), expires: nowMs + 2 * 3600_000, usages: [], groups: [], description: CERTS_PROXY_DESCRIPTION };
  addToken(c, proxy, nowMs);
  const owner = c.objects[objectKey('Secret', 'kube-system', `bootstrap-token-${proxy.id}`)];
  const data: Record<string, string> = {};
  for (const [name] of CERT_FILES) if (files[name]) data[name] = encrypt(keyHex, files[name]);
  putObject(c, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'kubeadm-certs', namespace: 'kube-system', creationTimestamp: rfc3339(nowMs),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true }],
    },
    type: 'Opaque',
    data,
  });
}

/** The uploaded certificates, or the real error a control-plane join prints. */
export function downloadCerts(c: ClusterState, keyHex: string, nowMs: number): { files?: Record<string, Buffer>; error?: string } {
  const s = c.objects[CERTS_KEY];
  const gone = `error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one`;
  if (!s) return { error: gone };
  const ownerName = s.metadata.ownerReferences?.[0]?.name;
  const owner = ownerName ? c.objects[objectKey('Secret', 'kube-system', ownerName)] : undefined;
  const ot = owner ? readToken(owner) : undefined;
  // the garbage collector removes the Secret with its expired owner token
  if (ownerName && (!ot || (ot.expires !== undefined && ot.expires <= nowMs))) {
    delete c.objects[CERTS_KEY];
    if (owner) delete c.objects[objectKey('Secret', 'kube-system', ownerName)];
    return { error: gone };
  }
  if (!/^[0-9a-f]{64}$/i.test(keyHex)) return { error: `error decoding certificate key: encoding/hex: invalid byte` };
  const files: Record<string, Buffer> = {};
  try {
    for (const [name, v] of Object.entries((s.data ?? {}) as Record<string, string>)) files[name] = decrypt(keyHex, v);
  } catch (e) {
    return { error: `error decoding secret data with provided key: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { files };
}
