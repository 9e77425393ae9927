/**
 * Redaction of secrets from everything kubeforge writes or prints: declared
 * secrets (HostStep.secrets, passwords from the inventory's env vars), bootstrap
 * tokens, 64-hex certificate keys and private key blocks, found by shape.
 */

export const REDACTED = '[REDACTED]';

const PATTERNS: RegExp[] = [
  // PEM private keys (RSA, EC, OPENSSH, PKCS#8, encrypted)
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // kubeconfig embedded keys: base64 of a PEM private key
  /(?<=client-key-data:\s*)[A-Za-z0-9+/=]{16,}/g,
  // a bootstrap token: [a-z0-9]{6}.[a-z0-9]{16}
  /(?<![A-Za-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}(?![A-Za-z0-9])/g,
  // a certificate key (kubeadm --certificate-key): 64 hex; the CA hash (sha256:<hex>) is public and kept
  /(?<![A-Za-z0-9:])[a-f0-9]{64}(?![A-Za-z0-9])/g,
];

const MEMO_MAX = 100_000;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private secrets = new Set<string>();
  private literal?: RegExp;
  /**
   * redactValue's results per string, emptied whenever the secrets change: the run record is
   * re-saved many times with the same strings, and redacting them again was most of the
   * engine's CPU on a no-op run at 50 hosts (BENCHMARKS.md).
   */
  private memo = new Map<string, string>();

  constructor(secrets: Iterable<string> = []) {
    this.add(...secrets);
  }

  /** Values read from environment variables named by the inventory (passwords), skipping unset ones. */
  static fromEnv(names: Iterable<string | undefined>, env: NodeJS.ProcessEnv = process.env): Redactor {
    const values: string[] = [];
    for (const n of names) {
      const v = n ? env[n] : undefined;
      if (v) values.push(v);
    }
    return new Redactor(values);
  }

  /** Register secrets, with the encodings they travel in (base64 in Secrets and kubeconfigs). */
  add(...secrets: string[]): void {
    let changed = false;
    for (const s of secrets) {
      // very short values would shred ordinary text; they cannot be told apart from it anyway
      if (s.length < 4 || this.secrets.has(s)) continue;
      this.secrets.add(s);
      const b64 = Buffer.from(s).toString('base64');
      // padded and bare (longest wins in the regex), as Secrets and kubeconfigs carry them
      if (b64.length >= 8) this.secrets.add(b64).add(b64.replace(/=+$/, ''));
      const tok = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(s);
      if (tok) this.add(tok[2], Buffer.from(tok[2]).toString('base64').replace(/=+$/, ''));
      changed = true;
    }
    if (changed) {
      this.memo.clear();
      // longest first, so a secret containing another is replaced whole
      const alts = [...this.secrets].sort((a, b) => b.length - a.length).map(escape);
      this.literal = new RegExp(alts.join('|'), 'g');
    }
  }

  redact(text: string): string {
    if (!text) return text;
    // tokens found by shape also hide their secret half where it appears alone or base64-encoded
    for (const m of text.matchAll(/(?<![A-Za-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}(?![A-Za-z0-9])/g)) this.add(m[0]);
    let out = this.literal ? text.replace(this.literal, REDACTED) : text;
    for (const p of PATTERNS) out = out.replace(p, REDACTED);
    return out;
  }

  /** Redact every string inside a JSON-able value. */
  redactValue<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        const seen = this.memo.get(v);
        if (seen !== undefined) return seen;
        // redact() may add a token found by shape (clearing the memo): the result is for the new set
        const out = this.redact(v);
        if (this.memo.size >= MEMO_MAX) this.memo.clear();
        this.memo.set(v, out);
        return out;
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(value) as T;
  }
}
