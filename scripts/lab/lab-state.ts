/** lab.json: the fleet (options + one LabHost each) and the live pids, written atomically. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { LabHost, LabOptions, OsProfile } from './sim/api.ts';
import { slotNet } from './slots.ts';

export interface LabState {
  createdAt: string;
  /** the machine-wide slot (slots.ts): bridge, netns names, address block */
  slot: number;
  options: LabOptions;
  hosts: LabHost[];
  /** host name -> machine pid of its init (pid 1 of the host's pid namespace); absent while down */
  pids: Record<string, number>;
}

export function readLabState(file: string): LabState | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export const hostName = (i: number): string =>
  i === 0 ? 'kf-master01' : `kf-node${String(i).padStart(2, '0')}`;

/** Locally administered KVM-style MAC, unique per index. */
export function hostMac(i: number): string {
  const n = 10 + i;
  const b = [0x52, 0x54, 0x00, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export interface FleetSpec {
  slot: number;
  count: number;
  os: OsProfile;
  /** CPU count per host in order; hosts past the end take the last value */
  cpus: number[];
  memoryMiB: number;
}

export function planFleet(spec: FleetSpec): LabHost[] {
  return Array.from({ length: spec.count }, (_, i) => ({
    name: hostName(i),
    address: slotNet(spec.slot).address(i),
    os: spec.os,
    cpus: spec.cpus[Math.min(i, spec.cpus.length - 1)] ?? 2,
    memoryMiB: spec.memoryMiB,
    mac: hostMac(i),
    productUuid: randomUUID(),
    index: i,
  }));
}
