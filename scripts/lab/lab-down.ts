/**
 * `lab down`: stop the daemon and every host, delete the netns, veths and bridge of the lab's
 * slot, remove the lab directory. Works on a half-made or crashed lab too (used to undo a
 * failed `lab up`, and to reclaim the slot of a lab whose directory is gone).
 */
import fs from 'node:fs';
import path from 'node:path';
import { labPaths, labSourceDir } from './paths.ts';
import { readLabState } from './lab-state.ts';
import { control, daemonAlive } from './control.ts';
import { isAlive, killHost } from './host-process.ts';
import { bridgeDown, hostNetDown, netnsDown } from './network.ts';
import { releaseSlot, slotNet, slotNetns, slotOf } from './slots.ts';
import { pool, run } from './run.ts';

/** Remove what a slot has on the machine (netns and whatever runs in them, the bridge). */
export async function cleanSlot(slot: number): Promise<void> {
  await pool(slotNetns(slot), 16, netnsDown);
  await bridgeDown(slotNet(slot));
}

/** Pids of lab daemons started for this directory (their argv ends with `daemon.ts <cwd>`). */
function daemonsOf(cwd: string): number[] {
  const want = `${path.join(labSourceDir, 'daemon.ts')}\0${path.resolve(cwd)}\0`;
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').endsWith(want)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

export async function labDown(cwd: string): Promise<{ hosts: number }> {
  const lab = labPaths(cwd);
  const state = readLabState(lab.labJson);
  if (await daemonAlive(lab.controlSock)) {
    await control(lab.controlSock, { op: 'shutdown' }, 30_000).catch(() => undefined);
  }
  const pidFile = Number(fs.existsSync(lab.daemonPid) ? fs.readFileSync(lab.daemonPid, 'utf8').trim() : 0);
  // also daemons whose pid file is gone with their directory (a test's temp dir removed early)
  for (const pid of new Set([pidFile, ...daemonsOf(cwd)])) {
    if (!isAlive(pid)) continue;
    process.kill(pid, 'SIGKILL');
    // its children (the hosts' unshare parents) are reaped once it is gone
    for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  }
  const hosts = state?.hosts ?? [];
  const slot = state?.slot ?? slotOf(lab.dir);
  if (slot !== undefined) {
    const net = slotNet(slot);
    await pool(hosts, 16, async (h) => {
      await killHost(state?.pids?.[h.name]);
      await hostNetDown(net, h);
    });
    // netns that lab.json does not list (a crash between creating and recording)
    await cleanSlot(slot);
    releaseSlot(slot, lab.dir);
  }
  // nothing of the lab should be mounted on the machine; lazily detach anything that is
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter(Boolean);
  for (const m of mounts.filter((m) => m.startsWith(lab.dir + '/')).reverse()) await run('umount', ['-l', m]);
  fs.rmSync(lab.dir, { recursive: true, force: true });
  const parent = path.dirname(lab.dir);
  if (fs.existsSync(parent) && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
  return { hosts: hosts.length };
}
