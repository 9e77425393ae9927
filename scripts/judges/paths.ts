/**
 * Where the real programs unpacked by scripts/judges/fetch.sh live. Tests and the lab call
 * them by absolute path: they are never on this machine's PATH, so a lab host still sees
 * "command not found" until its own yum install brings the simulated one.
 */
import fs from 'node:fs';
import path from 'node:path';

export const JUDGES_DIR = process.env.KUBEFORGE_JUDGES_DIR ?? '/var/cache/kubeforge/judges';

const WHERE: Record<string, string> = {
  dockerd: 'usr/sbin/dockerd',
  containerd: 'usr/bin/containerd',
  runc: 'usr/sbin/runc',
  chronyd: 'usr/sbin/chronyd',
  shellcheck: 'usr/bin/shellcheck',
};

export type Judge = keyof typeof WHERE;

/** Absolute path of a judge; throws naming the fetch script when it was not fetched. */
export function judgeBin(name: string): string {
  const rel = WHERE[name];
  if (!rel) throw new Error(`unknown judge ${name}`);
  const p = path.join(JUDGES_DIR, 'root', rel);
  if (!fs.existsSync(p)) throw new Error(`${p} missing: run bash scripts/judges/fetch.sh`);
  return p;
}
