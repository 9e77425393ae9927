/**
 * The lab daemon: one detached Node process per lab (`lab up` starts it, `lab down` stops
 * it). It owns the hosts' lifecycles (start, boot, reboot), listens on one unix socket per
 * host (sock/<host>/sim.sock, seen inside the host as /run/kflab/sim.sock: the host's
 * identity is the socket, never what the client says) and on sock/control.sock for the lab
 * verbs, dispatches every shim call to the simulated commands, and records them.
 * Usage: tsx scripts/lab/daemon.ts <directory holding .kubeforge/lab>
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CommandResult, LabHost } from './sim/api.ts';
import { boot } from './sim/all.ts';
import { dispatch, makeContext, type LabServices } from './sim/context.ts';
import { emptyCluster, type ClusterState } from './sim/cluster/types.ts';
import { hostPaths, labPaths } from './paths.ts';
import { readLabState, writeJsonAtomic, type LabState } from './lab-state.ts';
import { FaultsFile } from './faults-file.ts';
import type { ShimRequest } from './protocol.ts';
import { onShimConnection } from './shim-server.ts';
import { isAlive, killHost, processesOf, spawnHost, waitPort } from './host-process.ts';
import { pool, run } from './run.ts';
import { slotNet } from './slots.ts';
import type { ControlAnswer, ControlRequest } from './control.ts';
import { expireAllTokens, expireCertificateKeys } from './sim/node/index.ts';
import { preciseNow, recordLine } from './command-record.ts';

const lab = labPaths(process.argv[2] ?? process.cwd());
const initial = readLabState(lab.labJson);
if (!initial) {
  process.stderr.write(`kflab daemon: no lab at ${lab.dir}\n`);
  process.exit(1);
}
const state: LabState = initial;
const labNet = slotNet(state.slot ?? 0);
const REBOOT_PAUSE_MS = 2500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Entry {
  host: LabHost;
  pid?: number;
  /** start or reboot under way: a second one waits for it */
  busy?: Promise<void>;
}
const entries = new Map<string, Entry>(state.hosts.map((h) => [h.name, { host: h }]));

const faults = new FaultsFile(lab.faults);
let cluster: ClusterState = (() => {
  try {
    return JSON.parse(fs.readFileSync(lab.cluster, 'utf8')) as ClusterState;
  } catch {
    return emptyCluster();
  }
})();
const commandsLog = fs.createWriteStream(lab.commands, { flags: 'a' });

function log(line: string): void {
  fs.appendFileSync(lab.log, `${new Date().toISOString()} ${line}\n`);
}

function savePids(): void {
  const pids: Record<string, number> = {};
  for (const e of entries.values()) if (e.pid) pids[e.host.name] = e.pid;
  state.pids = pids;
  writeJsonAtomic(lab.labJson, state);
}

const rootOf = (e: Entry): string | undefined => (e.pid ? `/proc/${e.pid}/root` : undefined);

const services: LabServices = {
  options: state.options,
  hosts: () => [...entries.values()].map((e) => ({ host: e.host, root: rootOf(e) })),
  faults: () => faults.read(),
  cluster: () => cluster,
  saveCluster: () => writeJsonAtomic(lab.cluster, cluster),
  nsExec: async (host, argv) => {
    const pid = entries.get(host.name)?.pid;
    if (!pid) return { code: 1, stdout: '', stderr: `host ${host.name} is down\n` };
    // net + UTS only, with the machine's own binaries: the host's /usr has shims where the
    // real `hostname` or `ip` might be, and these commands act on namespaces, not on files.
    return run('nsenter', ['-t', String(pid), '-u', '-n', '--', ...argv]);
  },
  requestReboot: (host) => {
    // after the current command has answered, like a real reboot cutting the session
    setTimeout(() => void reboot(host.name).catch((e: unknown) => log(`${host.name}: reboot failed: ${String(e)}`)), 200);
  },
  log,
};

async function bootHost(e: Entry): Promise<void> {
  const t0 = Date.now();
  const pid = await spawnHost(lab, e.host, labNet.netns(e.host.name));
  e.pid = pid;
  const t1 = Date.now();
  const ctx = makeContext(services, { host: e.host, root: `/proc/${pid}/root`, argv: ['(boot)'] });
  await boot(ctx);
  ctx.save();
  fs.writeFileSync(`/proc/${pid}/root/run/.kflab/booted`, new Date().toISOString() + '\n');
  savePids();
  const t2 = Date.now();
  if (!(await waitPort(e.host.address, 22, 15_000))) {
    throw new Error(`host ${e.host.name}: sshd did not come up (see ${hostPaths(lab, e.host.name).fs}/var/log/secure)`);
  }
  process.stdout.write(`${new Date().toISOString()} ${e.host.name}: up in ${Date.now() - t0} ms (namespaces ${t1 - t0}, boot ${t2 - t1}, sshd ${Date.now() - t2})\n`);
}

function exclusive(e: Entry, job: () => Promise<void>): Promise<void> {
  const prev = e.busy ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(job);
  e.busy = next.finally(() => {
    if (e.busy === next) e.busy = undefined;
  });
  return next;
}

function startHost(name: string): Promise<void> {
  const e = entries.get(name);
  if (!e) return Promise.reject(new Error(`no host ${name}`));
  return exclusive(e, async () => {
    if (e.pid && isAlive(e.pid)) return;
    e.pid = undefined;
    await bootHost(e);
  });
}

async function reboot(name: string): Promise<void> {
  const e = entries.get(name);
  if (!e) throw new Error(`no host ${name}`);
  await exclusive(e, async () => {
    log(`${name}: reboot`);
    await killHost(e.pid);
    e.pid = undefined;
    savePids();
    await sleep(REBOOT_PAUSE_MS);
    await bootHost(e);
  });
}

function dropSsh(name: string, seconds: number): void {
  const e = entries.get(name);
  if (!e?.pid) throw new Error(`host ${name} is down`);
  const until = Date.now() + seconds * 1000;
  fs.writeFileSync(`/proc/${e.pid}/root/run/.kflab/sshd-hold`, `${until}\n`);
  for (const p of processesOf(e.pid, 'sshd')) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  log(`${name}: ssh dropped for ${seconds}s`);
}

// ---- the shim sockets -------------------------------------------------------------

async function serveCommand(e: Entry, req: ShimRequest, stdin: () => Promise<Buffer>): Promise<CommandResult | 'hang'> {
  const start = preciseNow();
  const host = e.host;
  const root = rootOf(e);
  let res: CommandResult;
  const fault = faults.take(host.name, req.argv);
  if (fault?.mode === 'hang') {
    log(`${host.name}: fault: hanging ${req.argv.join(' ')}`);
    return 'hang';
  }
  if (fault) {
    res = { code: fault.code ?? 1, stderr: fault.stderr ?? '' };
  } else if (!root) {
    res = { code: 70, stderr: `lab: host ${host.name} is down\n` };
  } else {
    const ctx = makeContext(services, { host, root, argv: req.argv, cwd: req.cwd, uid: req.uid, user: req.user, env: req.env, stdin });
    res = await dispatch(ctx);
  }
  // exec answers hand the command to a real binary: the record covers the simulated part
  commandsLog.write(recordLine(host.name, req.argv, start, preciseNow(), res.exec ? 0 : res.code));
  return res;
}

const onShim = (e: Entry) => (sock: net.Socket): void =>
  onShimConnection(sock, (req, stdin) => serveCommand(e, req, stdin), (err) =>
    log(`${e.host.name}: daemon error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));

function listen(file: string, onConn: (s: net.Socket) => void): Promise<net.Server> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  const server = net.createServer(onConn);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      fs.chmodSync(file, 0o666);
      resolve(server);
    });
  });
}

// ---- control ----------------------------------------------------------------------

async function handleControl(req: ControlRequest): Promise<ControlAnswer> {
  switch (req.op) {
    case 'ping':
      return { ok: true, pid: process.pid };
    case 'status':
      return { ok: true, hosts: [...entries.values()].map((e) => ({ name: e.host.name, pid: e.pid, running: isAlive(e.pid) })) };
    case 'start': {
      const names = req.hosts ?? [...entries.keys()];
      const todo = names.filter((n) => !isAlive(entries.get(n)?.pid));
      const errors: Record<string, string> = {};
      await pool(todo, 8, async (n) => {
        try {
          await startHost(n);
        } catch (err) {
          errors[n] = err instanceof Error ? err.message : String(err);
        }
      });
      return { ok: Object.keys(errors).length === 0, errors, started: todo };
    }
    case 'reboot':
      await reboot(req.host);
      return { ok: true };
    case 'drop-ssh':
      dropSsh(req.host, req.seconds);
      return { ok: true };
    case 'expire-tokens':
    case 'expire-cert-keys': {
      // on the in-memory state the shim handlers use, then persisted like any command's change
      const count = req.op === 'expire-tokens' ? expireAllTokens(cluster) : expireCertificateKeys(cluster);
      services.saveCluster();
      return { ok: true, count };
    }
    case 'clock': {
      const e = entries.get(req.host);
      if (!e?.pid) return { ok: false, error: `host ${req.host} is not running` };
      const ctx = makeContext(services, { host: e.host, root: `/proc/${e.pid}/root`, argv: ['(lab fault clock)'] });
      ctx.runtime().clockOffsetSec = req.seconds;
      ctx.save();
      return { ok: true };
    }
    case 'shutdown':
      await Promise.all([...entries.values()].map(async (e) => {
        await killHost(e.pid);
        e.pid = undefined;
      }));
      savePids();
      // the command record is written through a stream: let it reach the file first
      setTimeout(() => commandsLog.end(() => process.exit(0)), 50);
      return { ok: true };
  }
}

function onControlConnection(sock: net.Socket): void {
  let buf = '';
  sock.on('error', () => undefined);
  sock.on('data', (d) => {
    buf += d.toString();
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    const line = buf.slice(0, nl);
    buf = '';
    let req: ControlRequest;
    try {
      req = JSON.parse(line) as ControlRequest;
    } catch {
      sock.end(JSON.stringify({ ok: false, error: 'bad request' }) + '\n');
      return;
    }
    handleControl(req)
      .then((a) => sock.end(JSON.stringify(a) + '\n'))
      .catch((err: unknown) => sock.end(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }) + '\n'));
  });
}

// ---- main -------------------------------------------------------------------------

for (const e of entries.values()) {
  // a restarted daemon adopts hosts that still run
  const pid = state.pids?.[e.host.name];
  if (pid && isAlive(pid) && fs.existsSync(`/proc/${pid}/root/run/.kflab/booted`)) e.pid = pid;
  await listen(path.join(hostPaths(lab, e.host.name).sockDir, 'sim.sock'), onShim(e));
}
await listen(lab.controlSock, onControlConnection);
fs.writeFileSync(lab.daemonPid, `${process.pid}\n`);
process.on('SIGTERM', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  commandsLog.end(() => process.exit(0));
});
process.on('uncaughtException', (err) => log(`daemon: uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => log(`daemon: unhandled: ${String(err)}`));
process.stdout.write(`kflab daemon ${process.pid} serving ${entries.size} hosts\n`);
