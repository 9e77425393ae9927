/**
 * A day-2 verb's connection to the cluster: the inventory's hosts over SSH, every
 * command journaled under .kubeforge/runs/ (through the Redactor, so tokens and
 * certificate keys never reach the logs), closed once at the end.
 */
import type { Cluster, HostSpec } from '../inventory/model.ts';
import { initMasterOf } from '../inventory/model.ts';
import { HostError, type RunOptions, type RunResult } from '../hosts/host.ts';
import { HostPool, passwordEnvNames } from '../engine/host-pool.ts';
import { Journal } from '../engine/journal.ts';
import { JournaledHost } from '../engine/journaled-host.ts';
import { Redactor } from '../engine/redact.ts';

export interface SessionOptions {
  command: string;
  /** project dir holding .kubeforge/; default cwd */
  root?: string;
  env?: NodeJS.ProcessEnv;
}

export class ClusterSession {
  readonly journal: Journal;
  readonly redactor: Redactor;
  private readonly pool: HostPool;
  private readonly hosts = new Map<string, JournaledHost>();

  constructor(readonly cluster: Cluster, opts: SessionOptions) {
    const env = opts.env ?? process.env;
    this.redactor = Redactor.fromEnv(passwordEnvNames(cluster), env);
    this.journal = new Journal({ root: opts.root, command: opts.command, redactor: this.redactor });
    this.pool = new HostPool(cluster, { env, log: (l) => this.journal.note(l.split(':')[0], l) });
  }

  get initMaster(): HostSpec {
    return initMasterOf(this.cluster);
  }

  spec(name: string): HostSpec {
    const h = this.cluster.hosts.find((x) => x.name === name);
    if (!h) throw new HostError(name, '?', `no host named ${name} in ${this.cluster.file}`);
    return h;
  }

  host(name: string): JournaledHost {
    let h = this.hosts.get(name);
    if (!h) {
      h = new JournaledHost(this.pool.get(name), this.journal);
      this.hosts.set(name, h);
    }
    return h;
  }

  /** Run a script on a host as root, filed under `label` in the host's log. */
  async run(name: string, label: string, script: string, opts: RunOptions = {}): Promise<RunResult> {
    const h = this.host(name);
    h.label = label;
    return h.run(script, { timeoutMs: 120_000, ...opts });
  }

  /** Like run, but a non-zero exit is a HostError naming what failed and kubeadm's/kubectl's last words. */
  async must(name: string, label: string, script: string, opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.run(name, label, script, opts);
    if (r.code !== 0) {
      const h = this.host(name);
      throw new HostError(name, h.endpoint, `${label} failed (exit ${r.code}): ${this.redactor.redact(lastLine(r))}`, false);
    }
    return r;
  }

  /** Text safe to print: every registered secret and every token/key found by shape hidden. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  async close(ok: boolean): Promise<void> {
    this.journal.record.ok = ok;
    this.journal.record.endedAt = new Date().toISOString();
    this.journal.save();
    await this.pool.closeAll();
  }
}

/** The most telling line of a failed command: the last non-empty line of stderr, else of stdout. */
export function lastLine(r: { stdout: string; stderr: string }): string {
  // kubeadm ends every error with a hint about --v=5: the cause is the line before
  const pick = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('To see the stack trace')).pop();
  return pick(r.stderr) ?? pick(r.stdout) ?? '';
}

/** Run `body` with a session, closing it whatever happens. */
export async function withSession<T>(cluster: Cluster, opts: SessionOptions, body: (s: ClusterSession) => Promise<T>): Promise<T> {
  const s = new ClusterSession(cluster, opts);
  let ok = false;
  try {
    const out = await body(s);
    ok = true;
    return out;
  } finally {
    await s.close(ok);
  }
}
