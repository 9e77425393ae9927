// An `up` that fails midway (docker-ce's install fails on one host), run again once the fault
// is gone: it converges and does not redo the steps the first run finished.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, makeTestLab, readRun, runDirs, up, type Run, type TestLab } from './up-harness.ts';

let lab: TestLab;
let failed: Run;
let resumed: Run;
let faultsAfterFirst = '';

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-node01', '--count', '20', '--stderr',
    'Error: Package: docker-ce-20.10.24-3.el7.x86_64 (docker-ce-stable) Requires: container-selinux >= 2:2.74', 'yum .*install.*docker-ce']);
  if (f.exitCode !== 0) throw new Error(`lab fault: ${f.stderr}`);
  failed = await up(lab);
  faultsAfterFirst = (await lab.kf(['lab', 'fault', 'show'])).stdout;
  const c = await lab.kf(['lab', 'fault', 'clear']);
  if (c.exitCode !== 0) throw new Error(`lab fault clear: ${c.stderr}`);
  resumed = await up(lab);
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

/** "host step" -> status of a run. */
const statuses = (dir: string): Map<string, string> =>
  new Map(Object.values(readRun(dir).hosts).flat().map((s) => [`${s.host} ${s.id}`, s.status]));

describe('up after a failure midway', () => {
  it('the first run fails on kf-node01 runtime.packages, naming host, step and cause', () => {
    expect(faultsAfterFirst).toContain('kf-node01'); // the fault was still armed: the failure came from it
    expect(failed.exitCode).toBe(1);
    const all = failed.stdout + failed.stderr;
    expect(all).toMatch(/kf-node01: runtime\.packages FAILED \(exit 1\)/);
    expect(all).toContain('Requires: container-selinux');
    expect(all).toMatch(/stopped before kube-packages/);
  });

  it('the first run stopped before the next phase and left the other hosts done', () => {
    const s = statuses(runDirs(lab)[0]);
    expect(s.get('kf-node01 runtime.packages')).toBe('failed');
    expect(s.get('kf-master01 runtime.packages')).toBe('done');
    expect(s.get('kf-node02 runtime.packages')).toBe('done');
    expect([...s].filter(([k]) => / (kube-packages|init|join)\./.test(k)).every(([, v]) => v === 'not-run')).toBe(true);
  });

  it('the second run converges', async () => {
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/^converged: /m);
    const ready = await exec(lab, 'kf-master01', `kubectl get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}'`);
    expect(ready.trim().split(' ')).toEqual(['True', 'True', 'True']);
  });

  it('the second run only checks what the first did, and does the rest', () => {
    const [one, two] = runDirs(lab).map(statuses);
    const doneFirst = [...one].filter(([, v]) => v === 'done').map(([k]) => k);
    expect(doneFirst.length).toBeGreaterThan(20);
    for (const k of doneFirst) expect(two.get(k), k).toBe('skipped');
    expect(two.get('kf-node01 runtime.packages')).toBe('done');
    expect(two.get('kf-master01 init.kubeadm-init')).toBe('done');
  });

  it('installed docker-ce once on each host that had it', () => {
    const lines = fs.readFileSync(path.join(lab.paths.dir, 'commands.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { host: string; argv: string[]; code: number });
    const installs = (h: string) => lines.filter((l) => l.host === h && l.argv[0] === 'yum' && l.argv.includes('install') && l.argv.some((a) => a.startsWith('docker-ce-')));
    expect(installs('kf-master01')).toHaveLength(1);
    expect(installs('kf-node02')).toHaveLength(1);
    // kf-node01: the failed tries of the first run (heavy steps retry), then the one that worked
    const codes = installs('kf-node01').map((l) => l.code);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(codes.slice(0, -1).every((c) => c === 1)).toBe(true);
    expect(codes.at(-1)).toBe(0);
  });
});
