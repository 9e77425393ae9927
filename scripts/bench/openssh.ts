/**
 * The prep part over plain OpenSSH: a ControlMaster connection per host, then either one
 * `ssh` call per step (phases in order, the hosts of a phase in parallel, as kubeforge does)
 * or one combined script per host over its connection.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchLab, BenchHost } from './lab.ts';
import { stepFileName, type PrepPlan } from './prep-scripts.ts';

interface Ssh {
  args: (h: BenchHost) => string[];
  close: () => Promise<void>;
}

function run(argv: string[], stdinFile?: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: [stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Open one master connection per host (in parallel). */
async function openMasters(lab: BenchLab): Promise<Ssh> {
  // short: a unix socket path must stay under ~100 bytes
  const cmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfcm'));
  const base = (h: BenchHost): string[] => [
    'ssh', '-i', lab.paths.key, '-o', `UserKnownHostsFile=${lab.paths.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-o', `ControlPath=${cmDir}/${h.name}`, '-o', 'ConnectTimeout=20', `root@${h.address}`,
  ];
  const opened = await Promise.all(lab.hosts.map((h) => run([...base(h).slice(0, -1), '-o', 'ControlMaster=yes', '-o', 'ControlPersist=yes', '-f', '-N', base(h).at(-1) ?? ''])));
  const bad = opened.findIndex((r) => r.code !== 0);
  if (bad >= 0) throw new Error(`ssh master to ${lab.hosts[bad].name}: ${opened[bad].stderr.trim()}`);
  return {
    args: base,
    close: async () => {
      await Promise.all(lab.hosts.map((h) => run([...base(h).slice(0, -1), '-O', 'exit', base(h).at(-1) ?? ''])));
      fs.rmSync(cmDir, { recursive: true, force: true });
    },
  };
}

export interface ToolRun {
  wallMs: number;
  failures: string[];
}

/** One `ssh host bash -s < step.sh` per step; phases are barriers. */
export async function opensshPerStep(lab: BenchLab, plan: PrepPlan, scriptsDir: string): Promise<ToolRun> {
  const t0 = Date.now();
  const ssh = await openMasters(lab);
  const failures: string[] = [];
  try {
    const index = new Map<string, number>();
    for (const phase of plan.phases) {
      await Promise.all(phase.hosts.map(async (name) => {
        const h = lab.hosts.find((x) => x.name === name);
        if (!h) throw new Error(`no lab host ${name}`);
        for (const step of phase.steps[name] ?? []) {
          const i = index.get(name) ?? 0;
          index.set(name, i + 1);
          if (failures.some((f) => f.startsWith(`${name} `))) return;
          const r = await run([...ssh.args(h), 'bash', '-s'], path.join(scriptsDir, name, stepFileName(i, step)));
          if (r.code !== 0) failures.push(`${name} ${step.id}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        }
      }));
    }
  } finally {
    await ssh.close();
  }
  return { wallMs: Date.now() - t0, failures };
}

/** One `ssh host bash -s < all.sh` per host, all hosts at once. */
export async function opensshCombined(lab: BenchLab, scriptsDir: string): Promise<ToolRun> {
  const t0 = Date.now();
  const ssh = await openMasters(lab);
  const failures: string[] = [];
  try {
    await Promise.all(lab.hosts.map(async (h) => {
      const r = await run([...ssh.args(h), 'bash', '-s'], path.join(scriptsDir, h.name, 'all.sh'));
      if (r.code !== 0) failures.push(`${h.name}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }));
  } finally {
    await ssh.close();
  }
  return { wallMs: Date.now() - t0, failures };
}
