/** A lab of the test's own in a temp cwd, driven through the real CLI; ssh through the system client. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { labPaths, type LabPaths } from '../../../scripts/lab/paths.ts';
import { MAX_SLOTS, slotNet, slotOwner } from '../../../scripts/lab/slots.ts';

const bin = new URL('../../../bin/kubeforge.mjs', import.meta.url).pathname;

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const plain = async (p: Promise<{ exitCode?: number; stdout?: unknown; stderr?: unknown; timedOut?: boolean }>): Promise<Run> => {
  const r = await p;
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), timedOut: r.timedOut ?? false };
};

export interface TestLab {
  cwd: string;
  paths: LabPaths;
  kf(args: string[], opts?: { input?: string; timeout?: number }): Promise<Run>;
  ssh(address: string, command: string, opts?: { user?: string; input?: string; timeout?: number }): Promise<Run>;
  down(): Promise<void>;
}

export function makeTestLab(): TestLab {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-e2e-'));
  const paths = labPaths(cwd);
  const lab: TestLab = {
    cwd,
    paths,
    kf: (args, opts = {}) => plain(execa('node', [bin, ...args], { cwd, reject: false, input: opts.input, timeout: opts.timeout ?? 120_000 })),
    ssh: (address, command, opts = {}) =>
      plain(execa('ssh', [
        '-i', paths.key, '-o', `UserKnownHostsFile=${paths.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR',
        `${opts.user ?? 'root'}@${address}`, command,
      ], { reject: false, input: opts.input ?? '', timeout: opts.timeout ?? 30_000 })),
    down: async () => {
      await lab.kf(['lab', 'down']);
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
  return lab;
}

/**
 * Everything a lab may leave on the machine, as text lines; empty when clean. Looks at the
 * given slot, or (slot unknown) at every slot no other lab owns right now.
 */
export async function machineLeftovers(labDir: string, slot?: number): Promise<string[]> {
  const slots = slot !== undefined ? [slot] : Array.from({ length: MAX_SLOTS }, (_, k) => k).filter((k) => !slotOwner(k));
  const nets = slots.map(slotNet);
  const out: string[] = [];
  const netns = await execa('ip', ['netns', 'list'], { reject: false });
  out.push(...netns.stdout.split('\n').filter((l) => nets.some((n) => l.startsWith(n.netnsPrefix))).map((l) => `netns ${l}`));
  const links = await execa('ip', ['-o', 'link', 'show'], { reject: false });
  const names = links.stdout.split('\n').map((l) => (l.split(':')[1] ?? '').trim().split('@')[0]);
  const vethRe = (k: number): RegExp => (k === 0 ? /^kfv\d+$/ : new RegExp(`^kfv${k}x\\d+$`));
  out.push(...names.filter((n) => nets.some((x) => n === x.bridge || vethRe(x.slot).test(n))).map((n) => `link ${n}`));
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n');
  out.push(...mounts.filter((l) => l.includes(labDir) || nets.some((n) => l.includes(`/run/netns/${n.netnsPrefix}`))).map((l) => `mount ${l}`));
  const ps = await execa('ps', ['-eo', 'pid,args'], { reject: false });
  out.push(
    ...ps.stdout.split('\n')
      .filter((l) => l.includes(labDir) || nets.some((n) => l.includes(`/run/netns/${n.netnsPrefix}`)) || rootUnder(l, labDir))
      .filter((l) => !/\bps -eo\b/.test(l))
      .map((l) => `process ${l.trim()}`),
  );
  return out;
}

/** A process living in a host's mount namespace: its mounts name the lab dir (overlay uppers). */
function rootUnder(psLine: string, labDir: string): boolean {
  const pid = psLine.trim().split(/\s+/)[0];
  try {
    return fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(labDir);
  } catch {
    return false;
  }
}
