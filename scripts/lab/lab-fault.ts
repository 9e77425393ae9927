/** `lab fault ...`: edit faults.json (sim/api.ts LabFaults); drop-ssh goes through the daemon. */
import fs from 'node:fs';
import type { LabFaults, MirrorFault } from './sim/api.ts';
import { labPaths } from './paths.ts';
import { FaultsFile } from './faults-file.ts';
import { emptyFaults } from './sim/context.ts';
import { control } from './control.ts';

export class NoLabError extends Error {}

export type FaultChange =
  | { kind: 'mirror'; url: string; fault: MirrorFault | null }
  | { kind: 'registry-down'; registry: string; down: boolean }
  | { kind: 'missing-tag'; image: string; missing: boolean }
  | { kind: 'stale-mirror'; url: string; newest: string | null }
  | { kind: 'fail-next'; entry: LabFaults['failNext'][number] }
  | { kind: 'clear-fail-next' }
  | { kind: 'clear' };

export function applyFault(f: LabFaults, c: FaultChange): LabFaults {
  const toggle = (list: string[], v: string, on: boolean): string[] => (on ? [...new Set([...list, v])] : list.filter((x) => x !== v));
  switch (c.kind) {
    case 'mirror': {
      const mirrors = { ...f.mirrors };
      if (c.fault) mirrors[c.url] = c.fault;
      else delete mirrors[c.url];
      return { ...f, mirrors };
    }
    case 'registry-down':
      return { ...f, registriesDown: toggle(f.registriesDown, c.registry, c.down) };
    case 'missing-tag':
      return { ...f, missingTags: toggle(f.missingTags, c.image, c.missing) };
    case 'stale-mirror': {
      const staleMirrors = { ...f.staleMirrors };
      if (c.newest) staleMirrors[c.url] = c.newest;
      else delete staleMirrors[c.url];
      return { ...f, staleMirrors };
    }
    case 'fail-next':
      new RegExp(c.entry.pattern); // a bad pattern is the user's error now, not a silent no-op later
      return { ...f, failNext: [...f.failNext, c.entry] };
    case 'clear-fail-next':
      return { ...f, failNext: [] };
    case 'clear':
      return emptyFaults();
  }
}

export function changeFaults(cwd: string, c: FaultChange): LabFaults {
  const lab = labPaths(cwd);
  if (!fs.existsSync(lab.labJson)) throw new NoLabError('no lab here (run `kubeforge lab up N` first)');
  const file = new FaultsFile(lab.faults);
  const next = applyFault(file.read(), c);
  file.write(next);
  return next;
}

export const readFaults = (cwd: string): LabFaults => new FaultsFile(labPaths(cwd).faults).read();

export async function dropSsh(cwd: string, host: string, seconds: number): Promise<void> {
  const a = await control(labPaths(cwd).controlSock, { op: 'drop-ssh', host, seconds });
  if (!a.ok) throw new Error(a.error ?? 'drop-ssh failed');
}

/** Cluster-state faults (bootstrap tokens, uploaded-certs key) and host clock skew: the daemon holds that state. */
export async function daemonFault(cwd: string, req: { op: 'expire-tokens' } | { op: 'expire-cert-keys' } | { op: 'clock'; host: string; seconds: number }): Promise<number | undefined> {
  const lab = labPaths(cwd);
  if (!fs.existsSync(lab.labJson)) throw new NoLabError('no lab here (run `kubeforge lab up N` first)');
  const a = await control(lab.controlSock, req);
  if (!a.ok) throw new Error(a.error ?? `${req.op} failed`);
  return a.count;
}
