/**
 * Run-time values some steps read from their environment (HostStep.env): the
 * certificate key of this run, and a fresh bootstrap token with the CA hash
 * from the init master. Each is fetched once per run, and only when a step
 * that needs it has to apply.
 */
import { randomBytes } from 'node:crypto';
import { HostError, type Host } from '../hosts/host.ts';
import type { RuntimeEnvName } from '../phases/types.ts';

export interface RuntimeEnvSource {
  resolve(names: RuntimeEnvName[], host: (name: string) => Host): Promise<Record<string, string>>;
}

export interface JoinCredentials {
  token: string;
  caCertHash: string;
}

/** `kubeadm join <ep> --token T --discovery-token-ca-cert-hash sha256:H` -> {token, caCertHash} */
export function parseJoinCommand(text: string): JoinCredentials | undefined {
  const token = /--token\s+([a-z0-9]{6}\.[a-z0-9]{16})\b/.exec(text)?.[1];
  const caCertHash = /--discovery-token-ca-cert-hash\s+(sha256:[a-f0-9]{64})\b/.exec(text)?.[1];
  return token && caCertHash ? { token, caCertHash } : undefined;
}

export class ClusterRuntimeEnv implements RuntimeEnvSource {
  /** kubeadm's certificate key: 32 random bytes, hex (what `kubeadm certs certificate-key` prints) */
  readonly certKey = randomBytes(32).toString('hex');
  private join?: Promise<JoinCredentials>;

  /**
   * `onSecret` is told every secret value before any script sees it (for the redactor).
   * The join token only has to outlive this run's joins: short-lived, and revoked at the end.
   */
  constructor(private readonly initMaster: string, private readonly onSecret: (v: string) => void, private readonly tokenTtl = '15m') {
    onSecret(this.certKey);
  }

  private joinCredentials(host: (name: string) => Host): Promise<JoinCredentials> {
    this.join ??= (async () => {
      const h = host(this.initMaster);
      // journaled hosts file the exec under this label
      if ('label' in h) (h as { label: string }).label = 'join token';
      const r = await h.run(`kubeadm token create --ttl ${this.tokenTtl} --print-join-command`, { timeoutMs: 120_000 });
      const creds = r.code === 0 ? parseJoinCommand(r.stdout) : undefined;
      if (!creds) {
        const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() ?? '';
        throw new HostError(h.name, h.endpoint, `cannot create a join token (kubeadm token create exit ${r.code}): ${why}`, false);
      }
      this.onSecret(creds.token);
      return creds;
    })();
    // a failure is not cached: the next step asking tries again
    this.join.catch(() => {
      this.join = undefined;
    });
    return this.join;
  }

  /**
   * Delete the join token this run created, if any (its id only is on the command line:
   * `kubeadm token delete` takes the id). Returns the id deleted.
   */
  async revoke(host: (name: string) => Host): Promise<string | undefined> {
    const pending = this.join;
    if (!pending) return undefined;
    const creds = await pending.catch(() => undefined);
    if (!creds) return undefined;
    const id = creds.token.split('.')[0];
    const h = host(this.initMaster);
    if ('label' in h) (h as { label: string }).label = 'join token delete';
    const r = await h.run(`kubeadm token delete ${id}`, { timeoutMs: 60_000 });
    if (r.code !== 0) {
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() ?? '';
      throw new HostError(h.name, h.endpoint, `cannot delete this run's join token ${id} (kubeadm token delete exit ${r.code}): ${why}`, false);
    }
    this.join = undefined;
    return id;
  }

  async resolve(names: RuntimeEnvName[], host: (name: string) => Host): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const n of names) {
      if (n === 'KF_CERT_KEY') out[n] = this.certKey;
      else if (n === 'KF_JOIN_TOKEN') out[n] = (await this.joinCredentials(host)).token;
      else if (n === 'KF_JOIN_CA_CERT_HASH') out[n] = (await this.joinCredentials(host)).caCertHash;
    }
    return out;
  }
}
