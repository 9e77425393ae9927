/**
 * Several labs can run on one machine at once (one per directory): each takes a slot k,
 * which gives it its own bridge (kflab<k>), netns names, veth names and a /20 of
 * 198.18.0.0/15 (198.18.16k.0/20; slot 0 is 198.18.0.0/20, so the first lab's master is
 * 198.18.0.10). Hosts have no route to other slots' /20s. /run/kflab-slots/<k> names the lab
 * directory holding slot k and the pid of the `lab up` that claimed it.
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR = '/run/kflab-slots';
export const MAX_SLOTS = 32;
export const PREFIX_LEN = 20;

export interface SlotNet {
  slot: number;
  bridge: string;
  /** the machine's address on the bridge, with prefix */
  bridgeCidr: string;
  netnsPrefix: string;
  netns(host: string): string;
  veth(index: number): string;
  address(index: number): string;
}

/** 198.18.0.0 + offset, as a dotted quad (slots 16+ are in 198.19.x.y). */
function ipAt(offset: number): string {
  const n = ((198 << 24) >>> 0) + (18 << 16) + offset;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function slotNet(slot: number): SlotNet {
  const base = slot << (32 - PREFIX_LEN);
  const netnsPrefix = slot === 0 ? 'kflab-' : `kflab${slot}-`;
  return {
    slot,
    bridge: `kflab${slot}`,
    bridgeCidr: `${ipAt(base + 1)}/${PREFIX_LEN}`,
    netnsPrefix,
    netns: (host) => `${netnsPrefix}${host}`,
    veth: (i) => (slot === 0 ? `kfv${i}` : `kfv${slot}x${i}`),
    address: (i) => ipAt(base + 10 + i),
  };
}

export interface SlotOwner {
  dir: string;
  pid: number;
}

export function slotOwner(slot: number): SlotOwner | undefined {
  try {
    const [dir, pid] = fs.readFileSync(path.join(DIR, String(slot)), 'utf8').split('\n');
    return dir ? { dir, pid: Number(pid) } : undefined;
  } catch {
    return undefined;
  }
}

export function slotOf(labDir: string): number | undefined {
  for (let k = 0; k < MAX_SLOTS; k++) if (slotOwner(k)?.dir === labDir) return k;
  return undefined;
}

/**
 * Take the lowest free slot for labDir. A taken slot whose owner is stale (per isStale) is
 * cleaned by `reclaim` and taken.
 */
export async function claimSlot(
  labDir: string,
  isStale: (o: SlotOwner) => Promise<boolean>,
  reclaim: (slot: number, o: SlotOwner) => Promise<void>,
): Promise<number> {
  fs.mkdirSync(DIR, { recursive: true });
  for (let k = 0; k < MAX_SLOTS; k++) {
    const file = path.join(DIR, String(k));
    const owner = slotOwner(k);
    if (owner && owner.dir !== labDir) {
      if (!(await isStale(owner))) continue;
      await reclaim(k, owner);
      fs.rmSync(file, { force: true });
    }
    try {
      // 'wx': atomic against another `lab up` claiming the same slot now
      fs.writeFileSync(file, `${labDir}\n${process.pid}\n`, { flag: owner?.dir === labDir ? 'w' : 'wx' });
      return k;
    } catch {
      continue;
    }
  }
  throw new Error(`all ${MAX_SLOTS} lab slots of this machine are in use`);
}

export function releaseSlot(slot: number, labDir: string): void {
  if (slotOwner(slot)?.dir === labDir) fs.rmSync(path.join(DIR, String(slot)), { force: true });
}

/** Every netns of a slot on the machine, whoever made it. */
export function slotNetns(slot: number): string[] {
  const prefix = slotNet(slot).netnsPrefix;
  try {
    return fs.readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}
