/**
 * `lab down`: stop the daemon and every host, delete the netns, veths and bridge, remove the
 * lab directory. Works on a half-made or crashed lab too (used to undo a failed `lab up`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabHost } from './sim/api.ts';
import { labPaths } from './paths.ts';
import { readLabState } from './lab-state.ts';
import { control, daemonAlive } from './control.ts';
import { isAlive, killHost } from './host-process.ts';
import { bridgeDown, hostNetDown, netnsDown } from './network.ts';
import { labNetnsNames, ownerDir, releaseOwner } from './machine-owner.ts';
import { run } from './run.ts';

export async function labDown(cwd: string): Promise<{ hosts: number }> {
  const lab = labPaths(cwd);
  const state = readLabState(lab.labJson);
  if (await daemonAlive(lab.controlSock)) {
    await control(lab.controlSock, { op: 'shutdown' }, 30_000).catch(() => undefined);
  }
  const daemonPid = Number(fs.existsSync(lab.daemonPid) ? fs.readFileSync(lab.daemonPid, 'utf8').trim() : 0);
  if (isAlive(daemonPid)) {
    process.kill(daemonPid, 'SIGKILL');
    // its children (the hosts' unshare parents) are reaped once it is gone
    for (let i = 0; i < 300 && isAlive(daemonPid); i++) await new Promise((r) => setTimeout(r, 10));
  }
  const hosts: LabHost[] = state?.hosts ?? [];
  for (const h of hosts) await killHost(state?.pids?.[h.name]);
  for (const h of hosts) await hostNetDown(h);
  // netns of this lab that lab.json does not list (a crash between creating and recording)
  const mine = ownerDir() === undefined || ownerDir() === lab.dir;
  if (mine) {
    for (const ns of labNetnsNames()) await netnsDown(ns);
    await bridgeDown();
  }
  // nothing of the lab should be mounted on the machine; lazily detach anything that is
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter(Boolean);
  for (const m of mounts.filter((m) => m.startsWith(lab.dir + '/')).reverse()) await run('umount', ['-l', m]);
  releaseOwner(lab.dir);
  fs.rmSync(lab.dir, { recursive: true, force: true });
  const parent = path.dirname(lab.dir);
  if (fs.existsSync(parent) && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
  return { hosts: hosts.length };
}
