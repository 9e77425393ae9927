/** kubeadm reset and certs check-expiration. */
import fs from 'node:fs';
import path from 'node:path';
import { fail, ok, type CommandResult, type SimContext } from '../../api.ts';
import { readHostFile, setService } from '../state.ts';
import { table } from '../table.ts';
import { FlagError, boolFlag, parseFlags } from './args.ts';
import { kubeadmMinor, STACK_HINT } from './common.ts';
import { certInfo } from './pki.ts';
import { shortHuman } from './tokens.ts';

function emptyDir(ctx: SimContext, p: string): void {
  const d = ctx.path(p);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(d);
  } catch {
    return;
  }
  for (const e of entries) fs.rmSync(path.join(d, e), { recursive: true, force: true });
}

const RESET_FLAGS: Record<string, 'bool' | 'value'> = {
  force: 'bool', 'cert-dir': 'value', 'cri-socket': 'value', 'dry-run': 'bool', 'ignore-preflight-errors': 'value', kubeconfig: 'value',
  'skip-phases': 'value', 'cleanup-tmp-dir': 'bool', config: 'value',
};

export async function kubeadmReset(ctx: SimContext, args: string[]): Promise<CommandResult> {
  let p;
  try {
    p = parseFlags(args, RESET_FLAGS, { f: 'force' });
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n`);
    throw e;
  }
  const minor = kubeadmMinor(ctx);
  const c = ctx.cluster();
  const wasCp = c.controlPlaneHosts.includes(ctx.host.name) || fs.existsSync(ctx.path('/etc/kubernetes/manifests/kube-apiserver.yaml'));
  let out = '';
  const haveConf = readHostFile(ctx, '/etc/kubernetes/admin.conf') ?? readHostFile(ctx, '/etc/kubernetes/kubelet.conf');
  if (haveConf && c.initialized) out += `[reset] Reading configuration from the cluster...\n[reset] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n`;
  if (!boolFlag(p, 'force')) {
    out += `[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.\n[reset] Are you sure you want to proceed? [y/N]: `;
    const answer = (await ctx.readStdin()).toString('utf8').trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') return fail(1, `aborted reset operation\n${STACK_HINT}\n`, out);
  }
  out += '[preflight] Running pre-flight checks\n';
  if (wasCp && c.initialized && minor <= 23) {
    out += `[reset] Removing info for node "${ctx.runtime().hostname.toLowerCase()}" from the ConfigMap "kubeadm-config" in the "kube-system" Namespace\n`;
  }
  out += '[reset] Stopping the kubelet service\n';
  const kubelet = ctx.runtime().services.kubelet;
  if (kubelet) setService(ctx, 'kubelet', 'inactive');
  out += '[reset] Unmounting mounted directories in "/var/lib/kubelet"\n';
  const dirs = ['/etc/kubernetes/manifests', '/etc/kubernetes/pki'];
  for (const d of dirs) emptyDir(ctx, d);
  out += `[reset] Deleting contents of config directories: [${dirs.join(' ')}]\n`;
  const files = ['/etc/kubernetes/admin.conf', ...(minor >= 29 ? ['/etc/kubernetes/super-admin.conf'] : []), '/etc/kubernetes/kubelet.conf', '/etc/kubernetes/bootstrap-kubelet.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/scheduler.conf'];
  for (const f of files) fs.rmSync(ctx.path(f), { force: true });
  out += `[reset] Deleting files: [${files.join(' ')}]\n`;
  const stateful = wasCp ? ['/var/lib/etcd', '/var/lib/kubelet', ...(minor <= 23 ? ['/var/lib/dockershim'] : []), '/var/run/kubernetes', '/var/lib/cni'] : ['/var/lib/kubelet', ...(minor <= 23 ? ['/var/lib/dockershim'] : []), '/var/run/kubernetes', '/var/lib/cni'];
  for (const d of stateful) emptyDir(ctx, d);
  out += `[reset] Deleting contents of stateful directories: [${stateful.join(' ')}]\n`;
  out += `\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\nThe reset process does not reset or clean up iptables rules or IPVS tables.\nIf you wish to reset iptables, you must do so manually by using the "iptables" command.\n\nIf your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)\nto reset your system's IPVS tables.\n\nThe reset process does not clean your kubeconfig files and you must remove them manually.\nPlease, check the contents of the $HOME/.kube/config file.\n`;
  // the cluster loses this control plane (and its etcd member); the Node object stays until deleted
  if (c.controlPlaneHosts.includes(ctx.host.name)) {
    c.controlPlaneHosts = c.controlPlaneHosts.filter((h) => h !== ctx.host.name);
    if (c.controlPlaneHosts.length === 0) {
      c.initialized = false;
      ctx.log(`${ctx.host.name}: kubeadm reset removed the last control plane; the lab cluster is gone`);
    }
  }
  delete c.extra[`node.joined.${ctx.host.name}`];
  ctx.saveCluster();
  return ok(out);
}

const fmtDate = (d: Date): string => {
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${m} ${p(d.getUTCDate())}, ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
};

export async function certsCheckExpiration(ctx: SimContext): Promise<CommandResult> {
  const minor = kubeadmMinor(ctx);
  const now = ctx.now();
  const pki = '/etc/kubernetes/pki';
  const readCert = (rel: string): string | undefined => readHostFile(ctx, rel);
  const fromKubeconfig = (f: string): string | undefined => {
    const t = readHostFile(ctx, `/etc/kubernetes/${f}`);
    const d = t ? /client-certificate-data:\s*(\S+)/.exec(t)?.[1] : undefined;
    return d ? Buffer.from(d, 'base64').toString('utf8') : undefined;
  };
  const leaves: [string, () => string | undefined, string][] = [
    ['admin.conf', () => fromKubeconfig('admin.conf'), 'ca'],
    ['apiserver', () => readCert(`${pki}/apiserver.crt`), 'ca'],
    ['apiserver-etcd-client', () => readCert(`${pki}/apiserver-etcd-client.crt`), 'etcd-ca'],
    ['apiserver-kubelet-client', () => readCert(`${pki}/apiserver-kubelet-client.crt`), 'ca'],
    ['controller-manager.conf', () => fromKubeconfig('controller-manager.conf'), 'ca'],
    ['etcd-healthcheck-client', () => readCert(`${pki}/etcd/healthcheck-client.crt`), 'etcd-ca'],
    ['etcd-peer', () => readCert(`${pki}/etcd/peer.crt`), 'etcd-ca'],
    ['etcd-server', () => readCert(`${pki}/etcd/server.crt`), 'etcd-ca'],
    ['front-proxy-client', () => readCert(`${pki}/front-proxy-client.crt`), 'front-proxy-ca'],
    ['scheduler.conf', () => fromKubeconfig('scheduler.conf'), 'ca'],
    ...(minor >= 29 ? [['super-admin.conf', () => fromKubeconfig('super-admin.conf'), 'ca'] as [string, () => string | undefined, string]] : []),
  ];
  let out = '';
  const c = ctx.cluster();
  if (c.initialized && readHostFile(ctx, '/etc/kubernetes/admin.conf')) out += `[check-expiration] Reading configuration from the cluster...\n[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n`;
  else out += `[check-expiration] Error reading configuration from the Cluster. Falling back to default configuration\n`;
  out += '\n';
  const rows = [['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED']];
  for (const [name, get, ca] of leaves) {
    const pem = get();
    if (!pem) {
      out += '';
      continue;
    }
    const { notAfter } = certInfo(pem);
    rows.push([name, fmtDate(notAfter), shortHuman(notAfter.getTime() - now), ca, 'no']);
  }
  out += table(rows, { minWidth: 10, padding: 3 });
  const caRows = [['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED']];
  for (const [name, rel] of [['ca', 'ca.crt'], ['etcd-ca', 'etcd/ca.crt'], ['front-proxy-ca', 'front-proxy-ca.crt']]) {
    const pem = readCert(`${pki}/${rel}`);
    if (!pem) continue;
    const { notAfter } = certInfo(pem);
    caRows.push([name, fmtDate(notAfter), shortHuman(notAfter.getTime() - now), 'no']);
  }
  out += '\n' + table(caRows, { minWidth: 10, padding: 3 });
  if (rows.length === 1 && caRows.length === 1) {
    return fail(1, `error execution phase: [check-expiration] failed to load existing certificate: open ${pki}/ca.crt: no such file or directory\n${STACK_HINT}\n`);
  }
  return ok(out);
}

