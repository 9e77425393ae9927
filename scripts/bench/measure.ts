/**
 * A child process's wall time, CPU time and peak memory (GNU time -v: it waits for the
 * child, so its figures are the child's alone, never the benchmark's own).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Measured {
  code: number;
  /** epoch ms at spawn and at exit */
  t0: number;
  t1: number;
  wallMs: number;
  /** user + system, ms */
  cpuMs: number;
  /** the system part (on the lab, sending on a veth also runs the receiving side's network stack) */
  sysMs: number;
  maxRssKiB: number;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

export function parseTimeV(text: string): { cpuMs: number; sysMs: number; maxRssKiB: number } {
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  return { cpuMs: Math.round((user + sys) * 1000), sysMs: Math.round(sys * 1000), maxRssKiB: num(/Maximum resident set size \(kbytes\): (\d+)/) };
}

export interface RunOpts {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** file fed to stdin */
  stdinFile?: string;
  timeoutMs?: number;
}

/** Run argv under GNU time (when installed; else wall time only). */
export function measure(argv: string[], o: RunOpts = {}): Promise<Measured> {
  const useTime = fs.existsSync(TIME);
  const report = path.join(os.tmpdir(), `kfb-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const cmd = useTime ? [TIME, '-v', '-o', report, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: [o.stdinFile ? fs.openSync(o.stdinFile, 'r') : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), o.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const t1 = Date.now();
      let tv = { cpuMs: NaN, sysMs: NaN, maxRssKiB: NaN };
      if (useTime) {
        try {
          tv = parseTimeV(fs.readFileSync(report, 'utf8'));
          fs.rmSync(report, { force: true });
        } catch {
          /* killed before time wrote */
        }
      }
      resolve({ code: code ?? 1, t0, t1, wallMs: t1 - t0, ...tv, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}
