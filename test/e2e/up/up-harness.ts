/** Helpers for `kubeforge up` end-to-end tests: a lab of the file's own (see ../lab/lab-harness.ts), run records, secret search. */
import fs from 'node:fs';
import path from 'node:path';
import { makeTestLab, type Run, type TestLab } from '../lab/lab-harness.ts';

export { makeTestLab, type Run, type TestLab };

export const UP_TIMEOUT = 150_000;

export const inventoryOf = (lab: TestLab): string => path.join(lab.paths.dir, 'inventory.yaml');

/** `kubeforge up -i FILE` in the lab's cwd, plain output (no TTY). */
export const up = (lab: TestLab, inventory = inventoryOf(lab)): Promise<Run> => lab.kf(['up', '-i', inventory], { timeout: UP_TIMEOUT });

/** `lab exec HOST -- CMD`, failing the test with the command's stderr when it exits non-zero. */
export async function exec(lab: TestLab, host: string, cmd: string): Promise<string> {
  const r = await lab.kf(['lab', 'exec', host, '--', cmd]);
  if (r.exitCode !== 0) throw new Error(`lab exec ${host} -- ${cmd}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

export const runsDir = (lab: TestLab): string => path.join(lab.cwd, '.kubeforge', 'runs');

/** Run directories, oldest first (names are ISO times). */
export function runDirs(lab: TestLab): string[] {
  const dir = runsDir(lab);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().map((d) => path.join(dir, d));
}

export interface StepRec { id: string; host: string; status: string }
export interface RunRec { ok: boolean; hosts: Record<string, StepRec[]>; counts: { applied: number; checked: number } }

export const readRun = (dir: string): RunRec => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRec;

/** Every file under dir, recursively. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Patterns of what must never be written: bootstrap tokens, certificate keys, passwords. */
export const SECRET_PATTERNS: [string, RegExp][] = [
  ['bootstrap token', /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/],
  ['certificate key', /certificate[-_ ]?key["':=\s]+[a-f0-9]{64}/i],
  ['password', /\bpassword\b\s*[:=]\s*(?!\[REDACTED\])\S+/i],
  ['lab sudo password', /kflab-sudo/],
];

/** "<what> in <where>" for each secret pattern or literal found in the texts. */
export function secretsIn(texts: Record<string, string>, literals: string[] = []): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const [what, re] of SECRET_PATTERNS) {
      const m = re.exec(text);
      if (m) found.push(`${what} in ${where}: ${m[0]}`);
    }
    for (const l of literals) if (l && text.includes(l)) found.push(`secret literal in ${where}`);
  }
  return found;
}

/** "name True|False" per node, sorted, read with kubectl on the host. */
export async function nodeReadiness(lab: TestLab, master = 'kf-master01'): Promise<string[]> {
  const out = await exec(lab, master, `kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'`);
  return out.trim().split('\n').sort();
}

/** Calico's default pool CIDR as stored in the cluster. */
export const calicoPool = (lab: TestLab, master = 'kf-master01'): Promise<string> =>
  exec(lab, master, `kubectl get ippools.crd.projectcalico.org default-ipv4-ippool -o jsonpath='{.spec.cidr}'`);

/** kube-proxy's /proxyMode answer on a host. */
export const proxyMode = (lab: TestLab, host: string): Promise<string> => exec(lab, host, 'curl -s 127.0.0.1:10249/proxyMode');

/** A copy of the lab inventory with edits (plain string replacements, each must apply). */
export function editedInventory(lab: TestLab, name: string, edits: [string | RegExp, string][]): string {
  let text = fs.readFileSync(inventoryOf(lab), 'utf8');
  for (const [from, to] of edits) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`inventory edit did not apply: ${String(from)}`);
    text = next;
  }
  const file = path.join(lab.cwd, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** `kubeforge lab fault ARGS...`, failing the test's setup when the lab refuses it. */
export async function labFault(lab: TestLab, ...args: string[]): Promise<void> {
  const r = await lab.kf(['lab', 'fault', ...args]);
  if (r.exitCode !== 0) throw new Error(`lab fault ${args.join(' ')}: ${r.stderr}`);
}

/** A lab of N Rocky 9 hosts and its inventory moved to containerd and Kubernetes 1.33.3 (with its add-ons). */
export async function rockyLab133(lab: TestLab, hosts: number, name: string): Promise<string> {
  const r = await lab.kf(['lab', 'up', String(hosts), '--os', 'rocky9']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  return editedInventory(lab, name, [
    ['kubernetesVersion: 1.23.17', 'kubernetesVersion: 1.33.3'],
    ['containerRuntime: docker', 'containerRuntime: containerd'],
    [/v3\.25\.2/g, 'v3.31.0'],
    [/v0\.5\.2/g, 'v0.8.0'],
  ]);
}

/** The cluster's bootstrap tokens, from `kubeadm token list` (first column of its table). */
export async function bootstrapTokens(lab: TestLab, master = 'kf-master01'): Promise<string[]> {
  const out = await exec(lab, master, 'kubeadm token list');
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > 0 && !lines[0].startsWith('TOKEN')) throw new Error(`kubeadm token list: unexpected output: ${lines[0]}`);
  return lines.slice(1).map((l) => l.split(/\s+/)[0]);
}
