/** `token create` and `token list` on the init master. */
import { loadInventory } from '../inventory/index.ts';
import { InputError, UserError } from '../errors.ts';
import { shq } from '../hosts/host.ts';
import { parseGoDuration } from './duration.ts';
import { controlPlaneJoinLine, parseCertificateKey, parseJoinCommand, workerJoinLine } from './join-command.ts';
import { jsonLines } from './json-lines.ts';
import { parseList, secretSchema } from './kube-json.ts';
import { withSession, lastLine, type ClusterSession } from './session.ts';
import { BOOTSTRAP_TOKEN_TYPE, decodeTokenSecret, localTime, maskToken, mergeTokens, parseKubeadmTokenList, timeLeft, type TokenView } from './tokens.ts';

export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
/** kubeadm deletes the uploaded certificates after this long */
const CERT_KEY_TTL_MS = 2 * 3600_000;

export interface TokenCreateOptions {
  inventory: string;
  output: 'text' | 'json';
  ttl: string;
  controlPlane: boolean;
}

export interface CreatedToken {
  id: string;
  token: string;
  expiresMs?: number;
  worker: string;
  controlPlane?: string;
  certificateKeyExpiresMs?: number;
}

/** Create a token (and upload certificates for a control-plane join) on the init master. */
export async function createToken(s: ClusterSession, ttl: string, controlPlane: boolean, description?: string): Promise<CreatedToken> {
  const master = s.initMaster.name;
  const started = Date.now();
  const desc = description ? ` --description ${shq(description)}` : '';
  const r = await s.must(master, 'token create', `kubeadm token create --kubeconfig ${ADMIN_KUBECONFIG} --ttl ${shq(ttl)}${desc} --print-join-command`);
  const join = parseJoinCommand(r.stdout);
  if (!join) throw new UserError(`${master}: kubeadm token create printed no join command: ${s.redact(lastLine(r))}`);
  s.redactor.add(join.token);
  const ttlMs = parseGoDuration(ttl) ?? 0;
  const out: CreatedToken = { id: join.token.slice(0, 6), token: join.token, expiresMs: ttlMs > 0 ? started + ttlMs : undefined, worker: workerJoinLine(join) };
  if (controlPlane) {
    const u = await s.must(master, 'upload-certs', `kubeadm init phase upload-certs --upload-certs --kubeconfig ${ADMIN_KUBECONFIG}`);
    const key = parseCertificateKey(u.stdout);
    if (!key) throw new UserError(`${master}: kubeadm init phase upload-certs printed no certificate key`);
    s.redactor.add(key);
    out.controlPlane = controlPlaneJoinLine(join, key);
    out.certificateKeyExpiresMs = started + CERT_KEY_TTL_MS;
  }
  return out;
}

export async function runTokenCreate(o: TokenCreateOptions): Promise<number> {
  if (parseGoDuration(o.ttl) === undefined) throw new InputError(`--ttl must be a duration such as 2h, 90m or 1h30m (0: never expires), not "${o.ttl}"`);
  const cluster = loadInventory(o.inventory);
  const t = await withSession(cluster, { command: 'token create' }, (s) => createToken(s, o.ttl, o.controlPlane));
  const now = Date.now();
  if (o.output === 'json') {
    jsonLines()({
      type: 'token-created', tokenId: t.id, expires: t.expiresMs !== undefined ? new Date(t.expiresMs).toISOString() : null,
      workerJoinCommand: t.worker,
      ...(t.controlPlane ? { controlPlaneJoinCommand: t.controlPlane, certificateKeyExpires: new Date(t.certificateKeyExpiresMs ?? now).toISOString() } : {}),
    });
    return 0;
  }
  const exp = t.expiresMs === undefined ? 'never expires' : `expires ${localTime(t.expiresMs)}, in ${timeLeft(t.expiresMs, now)}`;
  let text = `# worker join command (token ${maskToken(t.id)}, ${exp})\n${t.worker}\n`;
  if (t.controlPlane) {
    text += `# control-plane join command (certificates uploaded; the certificate key works until ${localTime(t.certificateKeyExpiresMs ?? now)})\n${t.controlPlane}\n`;
  }
  process.stdout.write(text);
  return 0;
}

/** Tokens from the Secrets, cross-checked with `kubeadm token list`, in one exec. */
export async function listTokens(s: ClusterSession): Promise<TokenView[]> {
  const master = s.initMaster.name;
  const mark = '==kf-kubeadm-token-list==';
  const script = [
    `kubectl --kubeconfig ${ADMIN_KUBECONFIG} get secrets -n kube-system --field-selector type=${BOOTSTRAP_TOKEN_TYPE} -o json || exit $?`,
    `echo ${mark}`,
    `kubeadm token list --kubeconfig ${ADMIN_KUBECONFIG}`,
  ].join('\n');
  const r = await s.must(master, 'token list', script);
  const at = r.stdout.indexOf(`${mark}\n`);
  const secretsText = at >= 0 ? r.stdout.slice(0, at) : r.stdout;
  const kubeadmText = at >= 0 ? r.stdout.slice(at + mark.length + 1) : '';
  const fromSecrets = parseList(secretsText, secretSchema, 'secrets').map(decodeTokenSecret).filter((t): t is TokenView => t !== undefined);
  return mergeTokens(fromSecrets, parseKubeadmTokenList(kubeadmText));
}

export function tokenTable(tokens: TokenView[], now: number): string {
  if (tokens.length === 0) return 'no bootstrap tokens\n';
  const rows = [['TOKEN', 'EXPIRES (LOCAL TIME)', 'TIME LEFT', 'USAGES', 'DESCRIPTION']];
  for (const t of tokens) {
    rows.push([
      t.masked,
      t.expiresMs === undefined ? '<never>' : localTime(t.expiresMs),
      timeLeft(t.expiresMs, now),
      t.usages.join(',') || '<none>',
      t.description ?? '<none>',
    ]);
  }
  return formatTable(rows);
}

/** Columns padded to their widest cell, three spaces apart (as kubectl and kubeadm print). */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd()).join('\n') + '\n';
}

export async function runTokenList(o: { inventory: string; output: 'text' | 'json' }): Promise<number> {
  const cluster = loadInventory(o.inventory);
  const tokens = await withSession(cluster, { command: 'token list' }, listTokens);
  const now = Date.now();
  if (o.output === 'json') {
    const emit = jsonLines();
    for (const t of tokens) {
      emit({
        type: 'token', tokenId: t.id, token: t.masked, expires: t.expiresMs !== undefined ? new Date(t.expiresMs).toISOString() : null,
        expired: t.expiresMs !== undefined && t.expiresMs <= now, secondsLeft: t.expiresMs !== undefined ? Math.max(0, Math.floor((t.expiresMs - now) / 1000)) : null,
        usages: t.usages, description: t.description ?? null, seenIn: t.seenIn,
      });
    }
    return 0;
  }
  process.stdout.write(tokenTable(tokens, now));
  return 0;
}
