/**
 * Lab fleets for the benchmark, each in its own temporary directory, always torn down:
 * `down()` in a finally, and every lab still up is taken down on SIGINT/SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { labPaths, projectRoot, type LabPaths } from '../lab/paths.ts';
import { measure } from './measure.ts';

export const kubeforgeBin = path.join(projectRoot, 'bin', 'kubeforge.mjs');

export interface BenchHost {
  name: string;
  address: string;
}

const open = new Set<BenchLab>();

export class BenchLab {
  readonly dir: string;
  readonly paths: LabPaths;
  hosts: BenchHost[] = [];
  upMs = 0;

  private constructor(readonly size: number) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `kfb-${size}-`));
    this.paths = labPaths(this.dir);
  }

  /** `lab up N --latency-ms M` in a fresh directory. */
  static async up(size: number, latencyMs: number): Promise<BenchLab> {
    const lab = new BenchLab(size);
    open.add(lab);
    const r = await measure(['node', kubeforgeBin, 'lab', 'up', String(size), '--latency-ms', String(latencyMs)], { cwd: lab.dir, timeoutMs: 600_000 });
    lab.upMs = r.wallMs;
    if (r.code !== 0) {
      lab.down();
      throw new Error(`lab up ${size} failed (${r.code}): ${(r.stderr || r.stdout).slice(-2000)}`);
    }
    const inv = YAML.parse(fs.readFileSync(lab.paths.inventory, 'utf8')) as {
      hosts: BenchHost[];
      cluster?: { cni?: { manifest?: string }; metricsServer?: { manifest?: string } };
    };
    // `up` would download an add-on manifest the inventory does not name as a local file: never from here
    for (const m of [inv.cluster?.cni?.manifest, inv.cluster?.metricsServer?.manifest]) {
      if (!m || !fs.existsSync(m)) {
        lab.down();
        throw new Error(`the lab inventory does not name a local add-on manifest (${m ?? 'none'}): the benchmark would download it`);
      }
    }
    lab.hosts = inv.hosts.map((h) => ({ name: h.name, address: h.address }));
    for (const h of lab.hosts) {
      // the benchmark only ever talks to the lab's own addresses
      if (!h.address.startsWith('198.18.') && !h.address.startsWith('198.19.')) throw new Error(`lab host ${h.name} at ${h.address}: not a lab address`);
    }
    return lab;
  }

  get inventory(): string {
    return this.paths.inventory;
  }

  /** Synchronous, so it also works from a signal handler. */
  down(): void {
    if (!open.has(this)) return;
    open.delete(this);
    spawnSync('node', [kubeforgeBin, 'lab', 'down'], { cwd: this.dir, stdio: 'ignore', timeout: 180_000 });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Run `body` on a fresh lab, down afterwards whatever happens. */
export async function withLab<T>(size: number, latencyMs: number, body: (lab: BenchLab) => Promise<T>): Promise<T> {
  const lab = await BenchLab.up(size, latencyMs);
  try {
    return await body(lab);
  } finally {
    lab.down();
  }
}

export function downAllOnSignal(): void {
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\nbench: ${sig}: taking down ${open.size} lab(s)\n`);
    for (const lab of [...open]) lab.down();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
