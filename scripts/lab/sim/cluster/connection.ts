/**
 * kubectl's way to the API server: which kubeconfig, which server, can the caller reach it, is an
 * API server alive there, does the TLS handshake pass (kubeconfig CA vs the cluster's CA, the
 * server address among the serving certificate's SANs), is the client certificate accepted.
 * Each failure with kubectl's own words.
 */
import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import YAML from 'yaml';
import type { PeerView, SimContext } from '../api.ts';
import { kubeletActive, readPeerFile } from './nodes.ts';
import { arr, isObject, rec, str } from './util.ts';

export type Connection =
  | { ok: true; server: string; kubeconfigPath: string; namespace?: string }
  | { ok: false; code: number; stderr: string };

const REFUSED_LOCAL = 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n';

function readHostFile(ctx: SimContext, p: string): string | undefined {
  try {
    return fs.readFileSync(ctx.path(p), 'utf8');
  } catch {
    return undefined;
  }
}

/** Unix permission bits as the caller's uid sees them (root reads everything). */
function readableBy(ctx: SimContext, p: string): boolean {
  if (ctx.uid === 0) return true;
  try {
    const st = fs.statSync(ctx.path(p));
    return st.uid === ctx.uid ? (st.mode & 0o400) !== 0 : (st.mode & 0o004) !== 0;
  } catch {
    return false;
  }
}

function homeOf(ctx: SimContext): string {
  if (ctx.env.HOME) return ctx.env.HOME;
  return ctx.uid === 0 ? '/root' : `/home/${ctx.user}`;
}

/** The kubeconfig kubectl would load: --kubeconfig, else $KUBECONFIG (first existing), else ~/.kube/config. */
export function kubeconfigPath(ctx: SimContext, flag: string | undefined): { path?: string; explicitMissing?: boolean } {
  if (flag) return readHostFile(ctx, flag) === undefined ? { path: flag, explicitMissing: true } : { path: flag };
  if (ctx.env.KUBECONFIG) {
    for (const p of ctx.env.KUBECONFIG.split(':').filter(Boolean)) if (readHostFile(ctx, p) !== undefined) return { path: p };
    return {};
  }
  const p = `${homeOf(ctx)}/.kube/config`;
  return readHostFile(ctx, p) !== undefined ? { path: p } : {};
}

/** An /etc/hosts lookup on the calling host (the lab has no DNS). */
export function resolveName(ctx: SimContext, name: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  if (name === 'localhost') return '127.0.0.1';
  const hosts = readHostFile(ctx, '/etc/hosts') ?? '';
  for (const line of hosts.split('\n')) {
    const parts = line.replace(/#.*/, '').trim().split(/\s+/);
    if (parts.length > 1 && parts.slice(1).includes(name)) return parts[0];
  }
  return undefined;
}

/** An API server runs on this host: a control plane of this cluster whose kubelet runs its static pod. */
export function apiServerAlive(ctx: SimContext, peer: PeerView | undefined): boolean {
  const cluster = ctx.cluster();
  if (!peer || !peer.running || !cluster.initialized || !cluster.controlPlaneHosts.includes(peer.host.name)) return false;
  return kubeletActive(peer) && readPeerFile(peer, '/etc/kubernetes/manifests/kube-apiserver.yaml') !== undefined;
}

// certificates parse slowly: kubectl runs often against the same few PEMs
const certCache = new Map<string, X509Certificate | null>();
function cert(pem: string): X509Certificate | undefined {
  if (!certCache.has(pem)) {
    if (certCache.size > 64) certCache.clear();
    try {
      certCache.set(pem, new X509Certificate(pem));
    } catch {
      certCache.set(pem, null);
    }
  }
  return certCache.get(pem) ?? undefined;
}
const fingerprint = (pem: string): string | undefined => cert(pem)?.fingerprint256;
const verifyCache = new Map<string, boolean>();
function signedBy(pem: string, caPem: string): boolean {
  const key = `${pem}\n${caPem}`;
  let v = verifyCache.get(key);
  if (v === undefined) {
    const c = cert(pem);
    const ca = cert(caPem);
    v = !!c && !!ca && c.verify(ca.publicKey);
    if (verifyCache.size > 64) verifyCache.clear();
    verifyCache.set(key, v);
  }
  return v;
}
const yamlCache = new Map<string, unknown>();
function parseYamlCached(text: string): unknown {
  if (!yamlCache.has(text)) {
    if (yamlCache.size > 32) yamlCache.clear();
    yamlCache.set(text, YAML.parse(text));
  }
  return yamlCache.get(text);
}

function dataOrFile(ctx: SimContext, obj: Record<string, unknown>, dataKey: string, fileKey: string): string | undefined {
  if (typeof obj[dataKey] === 'string') return Buffer.from(str(obj[dataKey]), 'base64').toString('utf8');
  if (typeof obj[fileKey] === 'string') return readHostFile(ctx, str(obj[fileKey]));
  return undefined;
}

export function connect(ctx: SimContext, flags: { kubeconfig?: string; server?: string }): Connection {
  const kc = kubeconfigPath(ctx, flags.kubeconfig);
  if (kc.explicitMissing) return { ok: false, code: 1, stderr: `error: stat ${kc.path}: no such file or directory\n` };
  if (!kc.path) return { ok: false, code: 1, stderr: REFUSED_LOCAL };
  if (!readableBy(ctx, kc.path)) {
    return { ok: false, code: 1, stderr: `error: error loading config file "${kc.path}": open ${kc.path}: permission denied\n` };
  }
  let doc: unknown;
  try {
    doc = parseYamlCached(readHostFile(ctx, kc.path) ?? '');
  } catch (err) {
    return { ok: false, code: 1, stderr: `error: error loading config file "${kc.path}": yaml: ${(err as Error).message.split('\n')[0]}\n` };
  }
  const cfg = rec(doc);
  const currentName = str(cfg['current-context']);
  const context = rec(rec(arr(cfg.contexts).find((c) => isObject(c) && c.name === currentName)).context);
  const cluster = rec(rec(arr(cfg.clusters).find((c) => isObject(c) && c.name === context.cluster)).cluster);
  const user = rec(rec(arr(cfg.users).find((c) => isObject(c) && c.name === context.user)).user);
  const server = flags.server ?? str(cluster.server);
  if (!server) return { ok: false, code: 1, stderr: REFUSED_LOCAL };
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return { ok: false, code: 1, stderr: `error: couldn't parse server address "${server}"\n` };
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const hostPort = `${url.hostname}:${port}`;
  const ip = resolveName(ctx, url.hostname);
  if (!ip) {
    return { ok: false, code: 1, stderr: `Unable to connect to the server: dial tcp: lookup ${url.hostname} on 127.0.0.1:53: read udp 127.0.0.1:46571->127.0.0.1:53: read: connection refused\n` };
  }
  const target = `${ip}:${port}`;
  const labHost = ip.startsWith('127.') ? ctx.host : ctx.hosts().find((h) => h.address === ip);
  if (!ip.startsWith('127.') && !ctx.runtime().networkUp) {
    return { ok: false, code: 1, stderr: `Unable to connect to the server: dial tcp ${target}: connect: network is unreachable\n` };
  }
  let servingPeer: PeerView | undefined;
  if (labHost) {
    const peer = ctx.peer(labHost.name);
    const self = labHost.name === ctx.host.name;
    if (!peer || !peer.running || (!self && peer.runtime().networkUp === false)) {
      return { ok: false, code: 1, stderr: `Unable to connect to the server: dial tcp ${target}: connect: no route to host\n` };
    }
    if (port !== '6443' || !apiServerAlive(ctx, peer)) {
      return { ok: false, code: 1, stderr: `The connection to the server ${hostPort} was refused - did you specify the right host or port?\n` };
    }
    servingPeer = peer;
  } else {
    // an address no lab host has (a VIP without a load balancer in the lab): nothing answers there
    return { ok: false, code: 1, stderr: `Unable to connect to the server: dial tcp ${target}: connect: no route to host\n` };
  }
  if (url.protocol !== 'https:') {
    return { ok: false, code: 1, stderr: `The connection to the server ${hostPort} was refused - did you specify the right host or port?\n` };
  }
  const tlsError = checkTls(ctx, cluster, url.hostname, servingPeer);
  if (tlsError) return { ok: false, code: 1, stderr: `Unable to connect to the server: ${tlsError}\n` };
  const clientPem = dataOrFile(ctx, user, 'client-certificate-data', 'client-certificate');
  const caPem = ctx.cluster().caCertPem;
  if (clientPem && caPem) {
    if (!signedBy(clientPem, caPem)) return { ok: false, code: 1, stderr: 'error: You must be logged in to the server (Unauthorized)\n' };
  } else if (!clientPem && typeof user.token !== 'string') {
    return { ok: false, code: 1, stderr: 'Please enter Username: error: EOF\n' };
  }
  const ns = typeof context.namespace === 'string' ? context.namespace : undefined;
  return { ok: true, server, kubeconfigPath: kc.path, namespace: ns };
}

function checkTls(ctx: SimContext, cluster: Record<string, unknown>, hostname: string, peer: PeerView): string | undefined {
  if (cluster['insecure-skip-tls-verify'] === true) return undefined;
  const clusterCa = ctx.cluster().caCertPem;
  const ca = dataOrFile(ctx, cluster, 'certificate-authority-data', 'certificate-authority');
  const want = clusterCa ? fingerprint(clusterCa) : undefined;
  if (!ca || !want || fingerprint(ca) !== want) {
    return 'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")';
  }
  const servingPem = readPeerFile(peer, '/etc/kubernetes/pki/apiserver.crt');
  if (!servingPem) return undefined;
  const serving = cert(servingPem);
  if (!serving) return undefined;
  // the caller's clock decides (a skewed host sees a certificate from the future, or expired)
  const now = ctx.now();
  const from = Date.parse(serving.validFrom);
  const to = Date.parse(serving.validTo);
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  if (now < from) return `x509: certificate has expired or is not yet valid: current time ${iso(now)} is before ${iso(from)}`;
  if (now > to) return `x509: certificate has expired or is not yet valid: current time ${iso(now)} is after ${iso(to)}`;
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
  const okName = isIp ? serving.checkIP(hostname) !== undefined : serving.checkHost(hostname) !== undefined;
  if (okName) return undefined;
  const sans = (serving.subjectAltName ?? '').split(', ');
  const names = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11));
  return isIp
    ? `x509: certificate is valid for ${ips.join(', ')}, not ${hostname}`
    : `x509: certificate is valid for ${names.join(', ')}, not ${hostname}`;
}
