/**
 * A lab without namespaces for unit tests of simulated commands: each host's "/" is a
 * temp dir, the cluster is in memory, nsExec records what it would run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandResult, LabFaults, LabHost, LabOptions, OsProfile } from './api.ts';
import { emptyCluster, type ClusterState } from './cluster/types.ts';
import { dispatch, emptyFaults, makeContext, type LabServices } from './context.ts';

export interface TestLab extends LabServices {
  dir: string;
  hostList: LabHost[];
  roots: Record<string, string>;
  nsCalls: { host: string; argv: string[] }[];
  reboots: string[];
  logs: string[];
  faultsValue: LabFaults;
  clusterValue: ClusterState;
  /** run a simulated command on a host, like `ssh host 'argv...'` would */
  sh(host: string, argv: string[], opts?: { stdin?: string; uid?: number; user?: string; cwd?: string; env?: Record<string, string> }): Promise<CommandResult & { stdout: string; stderr: string }>;
  /** read / write a file on a host */
  read(host: string, p: string): string | undefined;
  write(host: string, p: string, content: string): void;
  cleanup(): void;
}

export function makeTestLab(spec: { hosts?: { name: string; os?: OsProfile; cpus?: number }[]; options?: Partial<LabOptions> } = {}): TestLab {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-unit-'));
  const hostSpecs = spec.hosts ?? [{ name: 'h1' }];
  const hostList: LabHost[] = hostSpecs.map((h, i) => ({
    name: h.name,
    address: `198.18.0.${10 + i}`,
    os: h.os ?? 'centos7',
    cpus: h.cpus ?? 2,
    memoryMiB: 4096,
    mac: `52:54:00:00:00:${(10 + i).toString(16).padStart(2, '0')}`,
    productUuid: `00000000-0000-4000-8000-${(10 + i).toString().padStart(12, '0')}`,
    index: i,
  }));
  const roots: Record<string, string> = {};
  for (const h of hostList) {
    roots[h.name] = path.join(dir, h.name);
    fs.mkdirSync(roots[h.name], { recursive: true });
  }
  const lab: TestLab = {
    dir,
    hostList,
    roots,
    nsCalls: [],
    reboots: [],
    logs: [],
    faultsValue: emptyFaults(),
    clusterValue: emptyCluster(),
    options: { latencyMs: 0, registryView: 'cn', ...spec.options },
    hosts: () => hostList.map((h) => ({ host: h, root: roots[h.name] })),
    faults: () => lab.faultsValue,
    cluster: () => lab.clusterValue,
    saveCluster: () => {},
    nsExec: async (host, argv) => {
      lab.nsCalls.push({ host: host.name, argv });
      return { code: 0, stdout: '', stderr: '' };
    },
    requestReboot: (host) => {
      lab.reboots.push(host.name);
    },
    log: (line) => {
      lab.logs.push(line);
    },
    sh: async (hostName, argv, opts = {}) => {
      const host = hostList.find((h) => h.name === hostName);
      if (!host) throw new Error(`no test host ${hostName}`);
      const ctx = makeContext(lab, {
        host,
        root: roots[hostName],
        argv,
        cwd: opts.cwd,
        uid: opts.uid,
        user: opts.user,
        env: opts.env,
        stdin: async () => Buffer.from(opts.stdin ?? ''),
      });
      const res = await dispatch(ctx);
      return { ...res, stdout: String(res.stdout ?? ''), stderr: res.stderr ?? '' };
    },
    read: (hostName, p) => {
      try {
        return fs.readFileSync(path.join(roots[hostName], p), 'utf8');
      } catch {
        return undefined;
      }
    },
    write: (hostName, p, content) => {
      const f = path.join(roots[hostName], p);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, content);
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return lab;
}
