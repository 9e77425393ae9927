/**
 * kubeadm's PKI made for real with openssl (keys with node's crypto in parallel, certificates
 * signed by `openssl req -x509 -CA`), plus the discovery hash and kubeconfig files.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPair, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertSpec {
  /** path under the pki dir without extension, e.g. 'apiserver' or 'etcd/server' */
  name: string;
  cn: string;
  org?: string;
  /** signing CA, by name (e.g. 'ca', 'etcd/ca', 'front-proxy-ca') */
  ca: string;
  usage: 'server' | 'client' | 'both';
  dns?: string[];
  ips?: string[];
}

const rsaKey = (): Promise<string> =>
  new Promise<string>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv)),
  );

/**
 * RSA-2048 generation costs about a second of CPU here, so leaf certificates, the non-root CAs
 * and the sa key take keys from a small machine-wide pool (made once, kept in the temp dir).
 * The cluster CA key is always fresh: the discovery hash must differ from cluster to cluster.
 */
const POOL_DIR = path.join(os.tmpdir(), 'kflab-rsa-pool-v1');
const POOL_SIZE = 6;
let pool: Promise<string[]> | undefined;
function keyPool(): Promise<string[]> {
  pool ??= (async () => {
    fs.mkdirSync(POOL_DIR, { recursive: true });
    const have = fs.readdirSync(POOL_DIR).filter((f) => f.endsWith('.pem')).map((f) => fs.readFileSync(path.join(POOL_DIR, f), 'utf8')).filter((k) => k.includes('BEGIN RSA PRIVATE KEY'));
    const missing = Math.max(0, POOL_SIZE - have.length);
    const made = await Promise.all(Array.from({ length: missing }, () => rsaKey()));
    made.forEach((k, i) => {
      const f = path.join(POOL_DIR, `key-${process.pid}-${i}.pem`);
      fs.writeFileSync(`${f}.tmp`, k, { mode: 0o600 });
      fs.renameSync(`${f}.tmp`, f);
    });
    return [...have, ...made];
  })();
  return pool;
}

/** Fill the key pool ahead of the first `kubeadm init` (the lab daemon may call this at start). */
export async function warmKeyPool(): Promise<void> {
  await keyPool();
}

async function newKey(file: string, fresh = false): Promise<void> {
  let pem: string;
  if (fresh) pem = await rsaKey();
  else {
    const keys = await keyPool();
    pem = keys[Math.floor(Math.random() * keys.length)];
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, pem, { mode: 0o600 });
}

const subj = (cn: string, org?: string): string => `${org ? `/O=${org}` : ''}/CN=${cn}`;

/** A self-signed CA (10 years, as kubeadm's). */
export async function makeCA(pkiDir: string, name: string, cn: string): Promise<void> {
  const key = path.join(pkiDir, `${name}.key`);
  await newKey(key, name === 'ca');
  await run('openssl', ['req', '-x509', '-new', '-key', key, '-sha256', '-days', '3650', '-subj', subj(cn), '-out', path.join(pkiDir, `${name}.crt`),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign', '-addext', 'subjectKeyIdentifier=hash'], { timeout: 20_000 });
}

/** A leaf certificate signed by a CA in the same pki dir (1 year, as kubeadm's). */
export async function makeCert(pkiDir: string, spec: CertSpec, caDir = pkiDir): Promise<void> {
  const key = path.join(pkiDir, `${spec.name}.key`);
  await newKey(key);
  const eku = spec.usage === 'server' ? 'serverAuth' : spec.usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
  const sans = [...(spec.dns ?? []).map((d) => `DNS:${d}`), ...(spec.ips ?? []).map((i) => `IP:${i}`)];
  const args = ['req', '-x509', '-new', '-key', key, '-sha256', '-days', '365', '-subj', subj(spec.cn, spec.org),
    '-CA', path.join(caDir, `${spec.ca}.crt`), '-CAkey', path.join(caDir, `${spec.ca}.key`), '-out', path.join(pkiDir, `${spec.name}.crt`),
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment', '-addext', `extendedKeyUsage=${eku}`];
  if (sans.length) args.push('-addext', `subjectAltName=${sans.join(',')}`);
  await run('openssl', args, { timeout: 20_000 });
}

/** sa.key / sa.pub */
export async function makeSAKeys(pkiDir: string): Promise<void> {
  const key = path.join(pkiDir, 'sa.key');
  await newKey(key);
  const { stdout } = await run('openssl', ['rsa', '-in', key, '-pubout'], { timeout: 20_000 });
  fs.writeFileSync(path.join(pkiDir, 'sa.pub'), stdout);
}

/** A client certificate for a kubeconfig, in memory (cert PEM, key PEM). */
export async function clientCert(caCrt: string, caKey: string, cn: string, org?: string): Promise<{ cert: string; key: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-kc-'));
  try {
    fs.copyFileSync(caCrt, path.join(tmp, 'ca.crt'));
    fs.copyFileSync(caKey, path.join(tmp, 'ca.key'));
    await makeCert(tmp, { name: 'client', cn, org, ca: 'ca', usage: 'client' });
    return { cert: fs.readFileSync(path.join(tmp, 'client.crt'), 'utf8'), key: fs.readFileSync(path.join(tmp, 'client.key'), 'utf8') };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** sha256:<hex> of the DER SubjectPublicKeyInfo: what --discovery-token-ca-cert-hash pins. */
export function caCertHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

export function kubeconfigYaml(opts: { server: string; caPem: string; user: string; cluster?: string; cert?: string; key?: string; certFile?: string; keyFile?: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cluster = opts.cluster ?? 'kubernetes';
  const userBlock = opts.certFile
    ? `    client-certificate: ${opts.certFile}\n    client-key: ${opts.keyFile}\n`
    : `    client-certificate-data: ${b64(opts.cert ?? '')}\n    client-key-data: ${b64(opts.key ?? '')}\n`;
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(opts.caPem)}
    server: https://${opts.server}
  name: ${cluster}
contexts:
- context:
    cluster: ${cluster}
    user: ${opts.user}
  name: ${opts.user}@${cluster}
current-context: ${opts.user}@${cluster}
kind: Config
preferences: {}
users:
- name: ${opts.user}
  user:
${userBlock}`;
}

/** Certificate facts for `certs check-expiration`. */
export function certInfo(pem: string): { notAfter: Date; issuerCN: string } {
  const c = new X509Certificate(pem);
  const cn = /CN=([^\n,]+)/.exec(c.issuer)?.[1] ?? '';
  return { notAfter: new Date(c.validTo), issuerCN: cn };
}
