/** Helpers for the day-2 end-to-end tests: a lab of the file's own, converged by `up`, and derived inventories. */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { makeTestLab, type Run, type TestLab } from '../lab/lab-harness.ts';

export { makeTestLab, type Run, type TestLab };

export const inventoryOf = (lab: TestLab): string => path.join(lab.paths.dir, 'inventory.yaml');

/**
 * A copy of the lab's inventory holding only `hosts` (in the lab's order), with roles
 * changed where `roles` says; written next to it as `name`.
 */
export function inventoryWith(lab: TestLab, name: string, hosts: string[], roles: Record<string, 'master' | 'worker'> = {}): string {
  const doc = parseDocument(fs.readFileSync(inventoryOf(lab), 'utf8'));
  const list = (doc.toJS() as { hosts: { name: string; address: string; role: string }[] }).hosts
    .filter((h) => hosts.includes(h.name))
    .map((h) => ({ ...h, role: roles[h.name] ?? h.role }));
  doc.set('hosts', list);
  const file = path.join(lab.cwd, name);
  fs.writeFileSync(file, doc.toString());
  return file;
}

/** `lab exec HOST -- CMD`, throwing with the command's stderr when it exits non-zero. */
export async function exec(lab: TestLab, host: string, cmd: string): Promise<string> {
  const r = await lab.kf(['lab', 'exec', host, '--', cmd]);
  if (r.exitCode !== 0) throw new Error(`lab exec ${host} -- ${cmd}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** `lab up N` then `up` on `inventory` (default: the whole lab); throws when either fails. */
export async function convergedLab(hosts: number, inventory?: (lab: TestLab) => string): Promise<TestLab> {
  const lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', String(hosts)]);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const u = await lab.kf(['up', '-i', inventory ? inventory(lab) : inventoryOf(lab)], { timeout: 200_000 });
  if (u.exitCode !== 0) throw new Error(`up failed (exit ${u.exitCode}):\n${u.stdout.slice(-3000)}\n${u.stderr}`);
  return lab;
}

/** Node name -> Ready condition status, from the init master. */
export async function nodeReady(lab: TestLab): Promise<Record<string, string>> {
  const out = await exec(lab, 'kf-master01', `kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'`);
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
}

/** Force every bootstrap token to be expired (as weeks after init): their Secrets' expiration set in the past. */
export async function expireAllTokens(lab: TestLab): Promise<void> {
  const past = Buffer.from('2020-01-01T00:00:00Z').toString('base64');
  await exec(lab, 'kf-master01', `for s in $(kubectl -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o name); do kubectl -n kube-system patch "$s" --type merge -p '{"data":{"expiration":"${past}"}}' >/dev/null || exit 1; done`);
}

export interface StepRec { id: string; host: string; status: string }
export const runDirs = (lab: TestLab): string[] => {
  const dir = path.join(lab.cwd, '.kubeforge', 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((d) => path.join(dir, d)) : [];
};
export const readRun = (dir: string): { command: string; hosts: Record<string, StepRec[]> } => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
