/**
 * Builds a SimContext for one command on one host. Used by the daemon (host root =
 * /proc/<init pid>/root) and by unit tests (host root = a temp dir), so handlers are
 * tested through the same code path they run on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type {
  CommandResult, HostPersist, HostRuntime, LabFaults, LabHost, LabOptions, PeerView, SimContext,
} from './api.ts';
import type { ClusterState } from './cluster/types.ts';
import { commandHandler } from './registry.ts';

export const RUNTIME_FILE = '/run/.kflab/runtime.json';
export const PERSIST_FILE = '/var/lib/kflab/host.json';

export const emptyFaults = (): LabFaults => ({ mirrors: {}, registriesDown: [], missingTags: [], staleMirrors: {}, failNext: [] });

export function freshRuntime(hostname: string): HostRuntime {
  return {
    bootId: randomUUID(),
    bootedAt: Date.now(),
    modules: [],
    sysctl: {},
    swapActive: false,
    selinuxMode: 'enforcing',
    services: {},
    hostname,
    clockOffsetSec: 0,
    networkUp: true,
    extra: {},
  };
}

export const freshPersist = (kernel: string): HostPersist => ({ rpms: {}, defaultKernel: kernel, extra: {} });

/** Where a host's files are, seen from the machine. */
export interface HostRoot {
  host: LabHost;
  /** machine path of the host's "/" (e.g. /proc/123/root), or undefined when the host is down */
  root: string | undefined;
}

/** What the lab (daemon or test harness) provides to every context. */
export interface LabServices {
  options: LabOptions;
  hosts(): HostRoot[];
  faults(): LabFaults;
  cluster(): ClusterState;
  saveCluster(): void;
  nsExec(host: LabHost, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  requestReboot(host: LabHost): void;
  log(line: string): void;
}

export const resolveIn = (root: string, cwd: string, p: string): string =>
  path.join(root, path.posix.resolve(cwd || '/', p));

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}

/** Runtime + persistent state of one host, loaded lazily, saved together. */
class HostStateFiles {
  private rt: HostRuntime | undefined;
  private ps: HostPersist | undefined;
  constructor(private readonly root: string, private readonly host: LabHost) {}
  runtime(): HostRuntime {
    this.rt ??= readJson<HostRuntime>(path.join(this.root, RUNTIME_FILE)) ?? freshRuntime('localhost.localdomain');
    return this.rt;
  }
  persist(): HostPersist {
    this.ps ??= readJson<HostPersist>(path.join(this.root, PERSIST_FILE)) ??
      freshPersist(this.host.os === 'centos7' ? '3.10.0-1160.el7.x86_64' : '5.14.0-427.13.1.el9_4.x86_64');
    return this.ps;
  }
  save(): void {
    if (this.rt) writeJson(path.join(this.root, RUNTIME_FILE), this.rt);
    if (this.ps) writeJson(path.join(this.root, PERSIST_FILE), this.ps);
  }
}

export interface ContextInput {
  host: LabHost;
  root: string;
  argv: string[];
  cwd?: string;
  uid?: number;
  user?: string;
  env?: Record<string, string>;
  stdin?: () => Promise<Buffer>;
}

export function makeContext(lab: LabServices, input: ContextInput): SimContext {
  const state = new HostStateFiles(input.root, input.host);
  const cwd = input.cwd ?? '/root';
  const ctx: SimContext = {
    host: input.host,
    options: lab.options,
    argv: input.argv,
    cwd,
    uid: input.uid ?? 0,
    user: input.user ?? 'root',
    env: input.env ?? {},
    path: (p) => resolveIn(input.root, cwd, p),
    readStdin: input.stdin ?? (async () => Buffer.alloc(0)),
    runtime: () => state.runtime(),
    persist: () => state.persist(),
    save: () => state.save(),
    faults: () => lab.faults(),
    cluster: () => lab.cluster(),
    saveCluster: () => lab.saveCluster(),
    run: async (argv, opts) => {
      // Nested commands share this host's state object: save first so they see our changes.
      state.save();
      const sub = makeContext(lab, {
        ...input,
        argv,
        stdin: async () => Buffer.from(opts?.stdin ?? ''),
      });
      const res = await dispatch(sub);
      return { ...res, stdout: String(res.stdout ?? ''), stderr: res.stderr ?? '' };
    },
    nsExec: (argv) => lab.nsExec(input.host, argv),
    hosts: () => lab.hosts().map((h) => h.host),
    peer: (name) => {
      const h = lab.hosts().find((x) => x.host.name === name);
      if (!h) return undefined;
      if (h.host.name === input.host.name) {
        return { host: h.host, running: true, path: ctx.path, runtime: ctx.runtime, persist: ctx.persist, save: ctx.save };
      }
      const root = h.root;
      const files = root ? new HostStateFiles(root, h.host) : undefined;
      const view: PeerView = {
        host: h.host,
        running: root !== undefined,
        path: (p) => resolveIn(root ?? '/nonexistent', '/', p),
        runtime: () => {
          if (!files) throw new Error(`host ${name} is down`);
          return files.runtime();
        },
        persist: () => {
          if (!files) throw new Error(`host ${name} is down`);
          return files.persist();
        },
        save: () => files?.save(),
      };
      return view;
    },
    heavyDelay: () =>
      lab.options.latencyMs > 0 ? new Promise((r) => setTimeout(r, lab.options.latencyMs)) : Promise.resolve(),
    requestReboot: () => lab.requestReboot(input.host),
    log: (line) => lab.log(line),
    now: () => Date.now() + state.runtime().clockOffsetSec * 1000,
  };
  return ctx;
}

/** Run the handler for ctx.argv[0]; unknown commands are the lab's 127. */
export async function dispatch(ctx: SimContext): Promise<CommandResult> {
  const handler = commandHandler(ctx.argv[0] ?? '');
  if (!handler) {
    const line = `lab: unsupported command: ${ctx.argv.join(' ')}`;
    ctx.log(`${ctx.host.name}: ${line}`);
    return { code: 127, stdout: '', stderr: line + '\n' };
  }
  try {
    const res = await handler(ctx);
    ctx.save();
    return res;
  } catch (err) {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    ctx.log(`${ctx.host.name}: simulator error in ${ctx.argv.join(' ')}: ${msg}`);
    return { code: 70, stdout: '', stderr: `lab: simulator error: ${err instanceof Error ? err.message : String(err)}\n` };
  }
}
