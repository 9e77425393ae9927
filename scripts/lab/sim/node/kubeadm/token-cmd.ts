/** kubeadm token create/list/delete/generate and `init phase upload-certs`. */
import { fail, ok, type CommandResult, type SimContext } from '../../api.ts';
import { objectKey } from '../../cluster/types.ts';
import { readHostFile } from '../state.ts';
import { table } from '../table.ts';
import { renderJsonPath } from '../../cluster/jsonpath.ts';
import { FlagError, boolFlag, flag, listFlag, parseFlags } from './args.ts';
import { reachApiServer } from './apiserver.ts';
import { STACK_HINT } from './common.ts';
import { readCertFiles } from './init.ts';
import { addToken, allTokens, DEFAULT_GROUP, generateCertificateKey, generateToken, parseDuration, rfc3339, shortHuman, TOKEN_RE, uploadCerts } from './tokens.ts';

const plain = (msg: string, stdout = ''): CommandResult => fail(1, `${msg}\n${STACK_HINT}\n`, stdout);

/** The admin kubeconfig and a live API server behind it, or kubeadm's error. */
function adminClient(ctx: SimContext, kubeconfig: string, what: string, urlPath: string): { server: string } | CommandResult {
  const text = readHostFile(ctx, kubeconfig);
  if (text === undefined) return plain(`failed to load admin kubeconfig: open ${kubeconfig}: no such file or directory`);
  // admin.conf is 0600 root
  if (ctx.uid !== 0 && kubeconfig.startsWith('/etc/kubernetes/')) return plain(`failed to load admin kubeconfig: open ${kubeconfig}: permission denied`);
  const server = /server:\s*https:\/\/(\S+)/.exec(text)?.[1];
  if (!server) return plain(`failed to load admin kubeconfig: invalid configuration: no server found for cluster "kubernetes"`);
  const reach = reachApiServer(ctx, server, urlPath);
  if (!reach.ok) return plain(`${what}: ${reach.error}`);
  const ca = /certificate-authority-data:\s*(\S+)/.exec(text)?.[1];
  if (ca && Buffer.from(ca, 'base64').toString('utf8').trim() !== ctx.cluster().caCertPem.trim()) {
    return plain(`${what}: Get "https://${server}${urlPath}": x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")`);
  }
  return { server };
}

const TOKEN_FLAGS: Record<string, 'bool' | 'value'> = {
  kubeconfig: 'value', 'dry-run': 'bool', ttl: 'value', description: 'value', usages: 'value', groups: 'value',
  'print-join-command': 'bool', 'certificate-key': 'value', config: 'value', output: 'value', 'allow-missing-template-keys': 'bool', 'show-managed-fields': 'bool', experimental_output: 'value',
};

export async function kubeadmToken(ctx: SimContext, args: string[]): Promise<CommandResult> {
  const [sub, ...rest] = args;
  let p;
  try {
    p = parseFlags(rest, TOKEN_FLAGS, { o: 'output' });
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n`);
    throw e;
  }
  if (sub === 'generate') return ok(`${generateToken()}\n`);
  const kubeconfig = flag(p, 'kubeconfig') ?? '/etc/kubernetes/admin.conf';
  const c = ctx.cluster();
  const now = ctx.now();
  if (sub === 'create') {
    const given = p.positional[0];
    if (given && !TOKEN_RE.test(given)) return plain(`the bootstrap token "${given}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
    const ttlStr = flag(p, 'ttl') ?? '24h0m0s';
    const ttl = parseDuration(ttlStr);
    if (ttl === undefined) return fail(1, `invalid argument "${ttlStr}" for "--ttl" flag: time: invalid duration "${ttlStr}"\n`);
    const certKey = flag(p, 'certificate-key');
    if (certKey && !boolFlag(p, 'print-join-command')) return plain(`the flag --certificate-key can only be used with --print-join-command`);
    const cl = adminClient(ctx, kubeconfig, 'failed to create or update bootstrap token', '/api/v1/namespaces/kube-system/secrets?timeout=10s');
    if ('code' in cl) return cl;
    const token = given ?? generateToken();
    const [id, secret] = token.split('.');
    if (allTokens(c).some((t) => t.id === id)) return plain(`failed to create or update bootstrap token with name bootstrap-token-${id}: secrets "bootstrap-token-${id}" already exists`);
    const usages = listFlag(p, 'usages');
    const groups = listFlag(p, 'groups');
    addToken(c, { id, secret, expires: ttl > 0 ? now + ttl : undefined, usages: usages.length ? usages : ['signing', 'authentication'], groups: groups.length ? groups : [DEFAULT_GROUP], description: flag(p, 'description') }, now);
    ctx.saveCluster();
    if (boolFlag(p, 'print-join-command')) {
      let s = `kubeadm join ${cl.server} --token ${token} --discovery-token-ca-cert-hash ${c.caCertHash} `;
      if (certKey) s += `--control-plane --certificate-key ${certKey}`;
      return ok(`${s}\n`);
    }
    return ok(`${token}\n`);
  }
  if (sub === 'list') {
    const cl = adminClient(ctx, kubeconfig, 'failed to list bootstrap tokens', '/api/v1/namespaces/kube-system/secrets?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken');
    if ('code' in cl) return cl;
    const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
    const list = allTokens(c).sort((a, b) => a.id.localeCompare(b.id));
    const o = flag(p, 'output');
    const items = list.map((t) => ({ kind: 'BootstrapToken', apiVersion: 'output.kubeadm.k8s.io/v1alpha2', token: `${t.id}.${t.secret}`, ...(t.description ? { description: t.description } : {}), ...(t.expires !== undefined ? { expires: rfc3339(t.expires) } : {}), usages: t.usages, groups: t.groups }));
    if (o === 'json' || o === 'yaml') {
      return ok(items.map((i) => JSON.stringify(i, null, 4)).join('\n') + '\n');
    }
    // -o jsonpath=TEMPLATE: printed once per token object, as kubeadm's printer does
    if (o?.startsWith('jsonpath=')) {
      try {
        return ok(items.map((i) => renderJsonPath(o.slice('jsonpath='.length), i)).join(''));
      } catch (e) {
        return fail(1, `error: ${(e as Error).message}\n`);
      }
    }
    for (const t of list) {
      rows.push([
        `${t.id}.${t.secret}`,
        t.expires === undefined ? '<forever>' : shortHuman(t.expires - now),
        t.expires === undefined ? '<never>' : rfc3339(t.expires),
        t.usages.length ? t.usages.join(',') : '<none>',
        t.description ?? '<none>',
        t.groups.length ? t.groups.join(',') : '<none>',
      ]);
    }
    return ok(table(rows, { minWidth: 10, padding: 3 }));
  }
  if (sub === 'delete') {
    if (!p.positional.length) return plain('missing subcommand; \'token delete\' is missing token of form "^([a-z0-9]{6})$" or "^([a-z0-9]{6})\\.([a-z0-9]{16})$"');
    const cl = adminClient(ctx, kubeconfig, 'failed to delete bootstrap token', '/api/v1/namespaces/kube-system/secrets');
    if ('code' in cl) return cl;
    let out = '';
    for (const t of p.positional) {
      const id = t.split('.')[0];
      if (!/^[a-z0-9]{6}$/.test(id)) return plain(`given token didn't match pattern "^([a-z0-9]{6})$" or "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, out);
      const key = objectKey('Secret', 'kube-system', `bootstrap-token-${id}`);
      if (!c.objects[key]) return plain(`failed to delete bootstrap token with ID "${id}": secrets "bootstrap-token-${id}" not found`, out);
      delete c.objects[key];
      out += `bootstrap token "${id}" deleted\n`;
    }
    ctx.saveCluster();
    return ok(out);
  }
  return fail(1, `Error: unknown command "${sub ?? ''}" for "kubeadm token"\nRun 'kubeadm token --help' for usage.\n`);
}

const UPLOAD_FLAGS: Record<string, 'bool' | 'value'> = { 'upload-certs': 'bool', 'certificate-key': 'value', config: 'value', kubeconfig: 'value', 'skip-certificate-key-print': 'bool' };

export async function uploadCertsPhase(ctx: SimContext, args: string[]): Promise<CommandResult> {
  let p;
  try {
    p = parseFlags(args, UPLOAD_FLAGS);
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n`);
    throw e;
  }
  if (!boolFlag(p, 'upload-certs')) return ok('[upload-certs] Skipping phase. Please see --upload-certs\n');
  const key = flag(p, 'certificate-key') ?? generateCertificateKey();
  if (!/^[0-9a-f]{64}$/i.test(key)) return plain(`error execution phase upload-certs: error uploading certs: error decoding certificate key: encoding/hex: invalid byte`);
  const cl = adminClient(ctx, flag(p, 'kubeconfig') ?? '/etc/kubernetes/admin.conf', 'error execution phase upload-certs: error uploading certs', '/api/v1/namespaces/kube-system/secrets/kubeadm-certs');
  if ('code' in cl) return cl;
  const files = readCertFiles(ctx);
  if (!files['ca.key']) return plain(`error execution phase upload-certs: error uploading certs: failed to load the CA certificate: open /etc/kubernetes/pki/ca.key: no such file or directory`);
  await ctx.heavyDelay();
  uploadCerts(ctx.cluster(), key, files, ctx.now());
  ctx.saveCluster();
  return ok(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${boolFlag(p, 'skip-certificate-key-print') ? '<value withheld>' : key}\n`);
}
