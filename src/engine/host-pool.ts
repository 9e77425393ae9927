/** One SshHost per inventory host (one connection each, made on first use), sharing bastion connections. */
import type { Cluster } from '../inventory/model.ts';
import { BastionPool, SshHost, type SshHostOptions } from '../hosts/ssh.ts';

export class HostPool {
  private readonly hosts = new Map<string, SshHost>();
  private readonly bastions = new BastionPool();

  constructor(private readonly cluster: Cluster, private readonly opts: Omit<SshHostOptions, 'bastions'> = {}) {}

  get(name: string): SshHost {
    let h = this.hosts.get(name);
    if (!h) {
      const spec = this.cluster.hosts.find((x) => x.name === name);
      if (!spec) throw new Error(`no host ${name} in ${this.cluster.file}`);
      h = new SshHost(spec, { ...this.opts, bastions: this.bastions });
      this.hosts.set(name, h);
    }
    return h;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.close().catch(() => undefined)));
    this.hosts.clear();
    this.bastions.closeAll();
  }
}

/** Names of the environment variables holding passwords: their values are redacted everywhere. */
export function passwordEnvNames(cluster: Cluster): string[] {
  const names = new Set<string>();
  for (const h of cluster.hosts) {
    for (const n of [h.ssh.passwordEnv, h.ssh.sudoPasswordEnv, h.ssh.bastion?.passwordEnv]) if (n) names.add(n);
  }
  return [...names];
}
