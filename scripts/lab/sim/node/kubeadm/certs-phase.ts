/** The [certs] and [kubeconfig] phases of init and control-plane join, written under the host's /etc/kubernetes. */
import fs from 'node:fs';
import path from 'node:path';
import type { SimContext } from '../../api.ts';
import { writeHostFile } from '../state.ts';
import { clientCert, kubeconfigYaml, makeCA, makeCert, makeSAKeys, type CertSpec } from './pki.ts';
import { apiServiceIp } from './render.ts';
import { splitEndpoint } from './common.ts';

export interface PkiInput {
  nodeName: string;
  address: string;
  serviceSubnet: string;
  dnsDomain: string;
  certSANs: string[];
  controlPlaneEndpoint: string;
}

const isIp = (s: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(':');

/** Generates what is missing; the CAs (and sa) are reused when present (joins get them from kubeadm-certs). */
export async function certsPhase(ctx: SimContext, inp: PkiInput): Promise<string> {
  const pki = ctx.path('/etc/kubernetes/pki');
  fs.mkdirSync(path.join(pki, 'etcd'), { recursive: true });
  const has = (n: string) => fs.existsSync(path.join(pki, `${n}.crt`)) && fs.existsSync(path.join(pki, `${n}.key`));
  let out = '[certs] Using certificateDir folder "/etc/kubernetes/pki"\n';
  const cas: [string, string][] = [['ca', 'kubernetes'], ['front-proxy-ca', 'front-proxy-ca'], ['etcd/ca', 'etcd-ca']];
  const existingCAs = new Set(cas.filter(([n]) => has(n)).map(([n]) => n));
  await Promise.all(cas.filter(([n]) => !existingCAs.has(n)).map(([n, cn]) => makeCA(pki, n, cn)));
  const epHost = inp.controlPlaneEndpoint ? splitEndpoint(inp.controlPlaneEndpoint).host : '';
  const apiDns = [inp.nodeName, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${inp.dnsDomain}`];
  const apiIps = [apiServiceIp(inp.serviceSubnet), inp.address];
  for (const s of [epHost, ...inp.certSANs].filter(Boolean)) {
    if (isIp(s)) {
      if (!apiIps.includes(s)) apiIps.push(s);
    } else if (!apiDns.includes(s)) apiDns.push(s);
  }
  const etcdDns = [inp.nodeName, 'localhost'];
  const etcdIps = [inp.address, '127.0.0.1', '::1'];
  const leaves: CertSpec[] = [
    { name: 'apiserver', cn: 'kube-apiserver', ca: 'ca', usage: 'server', dns: apiDns, ips: apiIps },
    { name: 'apiserver-kubelet-client', cn: 'kube-apiserver-kubelet-client', org: 'system:masters', ca: 'ca', usage: 'client' },
    { name: 'front-proxy-client', cn: 'front-proxy-client', ca: 'front-proxy-ca', usage: 'client' },
    { name: 'etcd/server', cn: inp.nodeName, ca: 'etcd/ca', usage: 'both', dns: etcdDns, ips: etcdIps },
    { name: 'etcd/peer', cn: inp.nodeName, ca: 'etcd/ca', usage: 'both', dns: etcdDns, ips: etcdIps },
    { name: 'etcd/healthcheck-client', cn: 'kube-etcd-healthcheck-client', ca: 'etcd/ca', usage: 'client' },
    { name: 'apiserver-etcd-client', cn: 'kube-apiserver-etcd-client', ca: 'etcd/ca', usage: 'client' },
  ];
  const todo = leaves.filter((l) => !has(l.name));
  const saExists = fs.existsSync(path.join(pki, 'sa.key'));
  await Promise.all([...todo.map((l) => makeCert(pki, l)), ...(saExists ? [] : [makeSAKeys(pki)])]);
  const line = (n: string, ca: boolean) => existingCAs.has(n) || (!ca && !todo.some((t) => t.name === n))
    ? `[certs] Using existing ${n} ${ca ? 'certificate authority' : 'certificate and key on disk'}\n`
    : `[certs] Generating "${n}" certificate and key\n`;
  out += line('ca', true) + line('apiserver', false);
  if (todo.some((t) => t.name === 'apiserver')) out += `[certs] apiserver serving cert is signed for DNS names [${apiDns.join(' ')}] and IPs [${apiIps.join(' ')}]\n`;
  out += line('apiserver-kubelet-client', false) + line('front-proxy-ca', true) + line('front-proxy-client', false) + line('etcd/ca', true) + line('etcd/server', false);
  if (todo.some((t) => t.name === 'etcd/server')) out += `[certs] etcd/server serving cert is signed for DNS names [${etcdDns.join(' ')}] and IPs [${etcdIps.join(' ')}]\n`;
  out += line('etcd/peer', false);
  if (todo.some((t) => t.name === 'etcd/peer')) out += `[certs] etcd/peer serving cert is signed for DNS names [${etcdDns.join(' ')}] and IPs [${etcdIps.join(' ')}]\n`;
  out += line('etcd/healthcheck-client', false) + line('apiserver-etcd-client', false);
  out += saExists ? '[certs] Using the existing "sa" key\n' : '[certs] Generating "sa" key and public key\n';
  return out;
}

export interface KubeconfigInput {
  nodeName: string;
  server: string;
  minor: number;
  files: ('admin' | 'super-admin' | 'kubelet' | 'controller-manager' | 'scheduler')[];
}

/** Writes kubeconfigs signed by the local CA; returns the [kubeconfig] lines. */
export async function kubeconfigPhase(ctx: SimContext, inp: KubeconfigInput): Promise<string> {
  const caCrt = ctx.path('/etc/kubernetes/pki/ca.crt');
  const caKey = ctx.path('/etc/kubernetes/pki/ca.key');
  const caPem = fs.readFileSync(caCrt, 'utf8');
  const ids: Record<string, { user: string; cn: string; org?: string }> = {
    admin: { user: 'kubernetes-admin', cn: 'kubernetes-admin', org: inp.minor >= 29 ? 'kubeadm:cluster-admins' : 'system:masters' },
    'super-admin': { user: 'kubernetes-super-admin', cn: 'kubernetes-super-admin', org: 'system:masters' },
    kubelet: { user: `system:node:${inp.nodeName}`, cn: `system:node:${inp.nodeName}`, org: 'system:nodes' },
    'controller-manager': { user: 'system:kube-controller-manager', cn: 'system:kube-controller-manager' },
    scheduler: { user: 'system:kube-scheduler', cn: 'system:kube-scheduler' },
  };
  const made = await Promise.all(inp.files.map(async (f) => {
    const id = ids[f];
    const { cert, key } = await clientCert(caCrt, caKey, id.cn, id.org);
    return { f, text: kubeconfigYaml({ server: inp.server, caPem, user: id.user, cert, key }) };
  }));
  let out = '[kubeconfig] Using kubeconfig folder "/etc/kubernetes"\n';
  for (const m of made) {
    writeHostFile(ctx, `/etc/kubernetes/${m.f}.conf`, m.text, 0o600);
    out += `[kubeconfig] Writing "${m.f}.conf" kubeconfig file\n`;
  }
  return out;
}
