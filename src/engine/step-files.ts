/**
 * A step's managed files: written only when content or mode differ; an existing
 * different file is first copied beside itself as `<path>.kubeforge-bak-<time>`.
 * One exec reads the state of all of a host's files for a phase.
 */
import { createHash } from 'node:crypto';
import { shq, type Host } from '../hosts/host.ts';
import type { StepFile } from '../phases/types.ts';

export interface FileState {
  /** sha256 hex, undefined when missing */
  sha?: string;
  /** octal mode, e.g. "644" */
  mode?: string;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** One exec: `<sha> <mode>` or `- -` per path, in order. */
export async function readFileStates(host: Host, paths: string[]): Promise<Map<string, FileState>> {
  const states = new Map<string, FileState>();
  if (paths.length === 0) return states;
  const script = [
    `for f in ${paths.map(shq).join(' ')}; do`,
    '  if [ -f "$f" ]; then printf "%s %s\\n" "$(sha256sum < "$f" | cut -c1-64)" "$(stat -c %a "$f")"; else echo "- -"; fi',
    'done',
  ].join('\n');
  const r = await host.run(script, { timeoutMs: 60_000 });
  const lines = r.stdout.split('\n');
  if (r.code !== 0 || lines.length < paths.length) throw new Error(`cannot read file states: ${r.stderr.trim() || `exit ${r.code}`}`);
  paths.forEach((p, i) => {
    const [sha, mode] = lines[i].split(' ');
    states.set(p, sha === '-' ? {} : { sha, mode });
  });
  return states;
}

export const backupPath = (path: string, stamp: string): string => `${path}.kubeforge-bak-${stamp}`;

/** Write what differs; returns the paths replaced or created. */
export async function syncFiles(host: Host, files: StepFile[], states: Map<string, FileState>, stamp: string): Promise<string[]> {
  const stale = files.filter((f) => {
    const s = states.get(f.path);
    return s?.sha !== sha256(f.content) || s.mode !== f.mode.toString(8);
  });
  if (stale.length === 0) return [];
  const backups = stale.filter((f) => f.backup && states.get(f.path)?.sha && states.get(f.path)?.sha !== sha256(f.content));
  if (backups.length > 0) {
    const script = backups.map((f) => `cp -p -- ${shq(f.path)} ${shq(backupPath(f.path, stamp))}`).join(' && \\\n');
    const r = await host.run(script, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`cannot back up ${backups.map((f) => f.path).join(', ')}: ${r.stderr.trim()}`);
  }
  for (const f of stale) {
    await host.put(f.path, f.content, f.mode);
    states.set(f.path, { sha: sha256(f.content), mode: f.mode.toString(8) });
  }
  return stale.map((f) => f.path);
}
