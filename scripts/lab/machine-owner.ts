/**
 * The lab's names on the machine (bridge kflab0, netns kflab-*) are machine-wide, so only one
 * lab runs at a time. /run/kflab-owner names the lab directory that holds them.
 */
import fs from 'node:fs';

const OWNER = '/run/kflab-owner';

export function ownerDir(): string | undefined {
  try {
    return fs.readFileSync(OWNER, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export const claimOwner = (labDir: string): void => fs.writeFileSync(OWNER, labDir + '\n');

export function releaseOwner(labDir: string): void {
  if (ownerDir() === labDir) fs.rmSync(OWNER, { force: true });
}

/** Every lab netns on the machine, whoever made it. */
export function labNetnsNames(): string[] {
  try {
    return fs.readdirSync('/run/netns').filter((n) => n.startsWith('kflab-'));
  } catch {
    return [];
  }
}
