/**
 * The lab network: bridge kflab0 (198.18.0.1/15) on the machine, one netns per host with a
 * veth `eth0` on the bridge. No default route in a host, no NAT, the machine's ip_forward
 * untouched: a packet for anything outside 198.18.0.0/15 has nowhere to go.
 */
import fs from 'node:fs';
import type { LabHost } from './sim/api.ts';
import { BRIDGE, BRIDGE_ADDR, netnsName } from './paths.ts';
import { must, run } from './run.ts';

const vethName = (h: LabHost): string => `kfv${h.index}`;

export async function bridgeUp(): Promise<void> {
  const exists = (await run('ip', ['link', 'show', BRIDGE])).code === 0;
  if (!exists) await must('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  const addrs = await must('ip', ['-o', 'addr', 'show', 'dev', BRIDGE]);
  if (!addrs.includes(BRIDGE_ADDR)) await must('ip', ['addr', 'add', BRIDGE_ADDR, 'dev', BRIDGE]);
  await must('ip', ['link', 'set', BRIDGE, 'up']);
}

export const netnsExists = (h: LabHost): boolean => fs.existsSync(`/run/netns/${netnsName(h.name)}`);

export async function hostNetUp(h: LabHost): Promise<void> {
  const ns = netnsName(h.name);
  if (netnsExists(h)) await hostNetDown(h);
  await must('ip', ['netns', 'add', ns]);
  await must('ip', ['link', 'add', vethName(h), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await must('ip', ['link', 'set', vethName(h), 'master', BRIDGE, 'up']);
  const batch = [
    `link set lo up`,
    `link set eth0 address ${h.mac}`,
    `addr add ${h.address}/15 dev eth0`,
    `link set eth0 up`,
  ].join('\n') + '\n';
  await must('ip', ['-n', ns, '-batch', '-'], { input: batch });
}

/** Kill whatever still runs in the host's netns, then delete it (its veth pair goes with it). */
export async function hostNetDown(h: LabHost): Promise<void> {
  await netnsDown(netnsName(h.name));
  await run('ip', ['link', 'del', vethName(h)]);
}

export async function netnsDown(ns: string): Promise<void> {
  if (fs.existsSync(`/run/netns/${ns}`)) {
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await run('ip', ['netns', 'del', ns]);
  }
}

export async function bridgeDown(): Promise<void> {
  if ((await run('ip', ['link', 'show', BRIDGE])).code === 0) await must('ip', ['link', 'del', BRIDGE]);
}
