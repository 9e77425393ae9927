/**
 * Starting and stopping one host's namespaces (used by the daemon). A host is the process
 * tree of host-init.sh: pid 1 of its own pid namespace, so killing that one pid takes every
 * process of the host with it, and its mount namespace goes when the last one exits.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { LabHost } from './sim/api.ts';
import { hostPaths, labSourceDir, type LabPaths } from './paths.ts';
import { etcLayerDir, shimLayerDir } from './layers.ts';
import { writeSeed } from './host-seed.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Start the host's init; resolves with its machine pid once its filesystem is mounted. */
export async function spawnHost(lab: LabPaths, h: LabHost, netns: string, timeoutMs = 20_000): Promise<number> {
  const hp = hostPaths(lab, h.name);
  writeSeed(hp.seed, h);
  const pidFile = path.join(hp.dir, 'init.pid');
  fs.rmSync(pidFile, { force: true });
  const log = fs.openSync(hp.initLog, 'a');
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${netns}`, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private',
      'bash', path.join(labSourceDir, 'host-init.sh')],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        KF_HOST_DIR: hp.dir,
        KF_ETC_LAYER: etcLayerDir(lab.layersDir, h.os),
        KF_SHIM_LAYER: shimLayerDir(lab.layersDir, h.os),
        KF_SOCK_DIR: hp.sockDir,
      },
    },
  );
  fs.closeSync(log);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : 0);
    if (pid && fs.existsSync(`/proc/${pid}/root/run/.kflab/mounted`)) return pid;
    if (exited) break;
    await sleep(15);
  }
  const tail = fs.readFileSync(hp.initLog, 'utf8').trim().split('\n').slice(-5).join(' | ');
  if (!exited) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  throw new Error(`host ${h.name} did not start: ${tail || 'no output'}`);
}

export async function killHost(pid: number | undefined): Promise<void> {
  if (!pid || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 400 && isAlive(pid); i++) await sleep(10);
}

/** Wait until something accepts TCP on address:port (the host's sshd). */
export async function waitPort(address: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: address, port, timeout: 500 });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.once('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return true;
    await sleep(30);
  }
  return false;
}

/** Machine pids of every process in the pid namespace whose init is `pid`, whose command is `comm`. */
export function processesOf(pid: number, comm: string): number[] {
  let ns: string;
  try {
    ns = fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/ns/pid`) !== ns) continue;
      if (fs.readFileSync(`/proc/${e}/comm`, 'utf8').trim() === comm) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}
