/**
 * The lab network of one slot (slots.ts): a bridge on the machine, one netns per host with a
 * veth `eth0` on the bridge. No default route in a host, no NAT, the machine's ip_forward
 * untouched: a packet for anything outside the lab's /20 has nowhere to go.
 */
import fs from 'node:fs';
import type { LabHost } from './sim/api.ts';
import { PREFIX_LEN, type SlotNet } from './slots.ts';
import { must, run } from './run.ts';

export async function bridgeUp(net: SlotNet): Promise<void> {
  const exists = (await run('ip', ['link', 'show', net.bridge])).code === 0;
  if (!exists) await must('ip', ['link', 'add', net.bridge, 'type', 'bridge']);
  const addrs = await must('ip', ['-o', 'addr', 'show', 'dev', net.bridge]);
  if (!addrs.includes(net.bridgeCidr)) await must('ip', ['addr', 'add', net.bridgeCidr, 'dev', net.bridge]);
  await must('ip', ['link', 'set', net.bridge, 'up']);
}

export async function hostNetUp(net: SlotNet, h: LabHost): Promise<void> {
  const ns = net.netns(h.name);
  if (fs.existsSync(`/run/netns/${ns}`)) await hostNetDown(net, h);
  await must('ip', ['netns', 'add', ns]);
  await must('ip', ['link', 'add', net.veth(h.index), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await must('ip', ['link', 'set', net.veth(h.index), 'master', net.bridge, 'up']);
  const batch = [
    `link set lo up`,
    `link set eth0 address ${h.mac}`,
    `addr add ${h.address}/${PREFIX_LEN} dev eth0`,
    `link set eth0 up`,
  ].join('\n') + '\n';
  await must('ip', ['-n', ns, '-batch', '-'], { input: batch });
}

export async function hostNetDown(net: SlotNet, h: LabHost): Promise<void> {
  await netnsDown(net.netns(h.name));
  await run('ip', ['link', 'del', net.veth(h.index)]);
}

function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Kill whatever still runs in the netns, then delete it (its veth pair goes with it). */
export async function netnsDown(ns: string): Promise<void> {
  if (!fs.existsSync(`/run/netns/${ns}`)) return;
  const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  // SIGKILL is asynchronous: wait until they are gone (or zombies) before saying so
  for (let i = 0; i < 200 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 10));
  await run('ip', ['netns', 'del', ns]);
}

export async function bridgeDown(net: SlotNet): Promise<void> {
  if ((await run('ip', ['link', 'show', net.bridge])).code === 0) await must('ip', ['link', 'del', net.bridge]);
}
