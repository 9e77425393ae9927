/** faults.json (sim/api.ts LabFaults): read with an mtime cache, written atomically. */
import fs from 'node:fs';
import type { LabFaults } from './sim/api.ts';
import { emptyFaults } from './sim/context.ts';
import { writeJsonAtomic } from './lab-state.ts';

export class FaultsFile {
  private cached: LabFaults = emptyFaults();
  private mtime = -1;
  constructor(readonly file: string) {}

  read(): LabFaults {
    let m: number;
    try {
      m = fs.statSync(this.file).mtimeMs;
    } catch {
      this.mtime = -1;
      this.cached = emptyFaults();
      return this.cached;
    }
    if (m !== this.mtime) {
      try {
        this.cached = { ...emptyFaults(), ...(JSON.parse(fs.readFileSync(this.file, 'utf8')) as Partial<LabFaults>) };
        this.mtime = m;
      } catch {
        /* half-written by hand: keep the last good one */
      }
    }
    return this.cached;
  }

  write(f: LabFaults): void {
    writeJsonAtomic(this.file, f);
    this.cached = f;
    this.mtime = fs.statSync(this.file).mtimeMs;
  }

  /**
   * Consume one matching failNext entry for this command, if any (count goes down by one,
   * spent entries are dropped).
   */
  take(host: string, argv: string[]): LabFaults['failNext'][number] | undefined {
    const f = this.read();
    const line = argv.join(' ');
    const i = f.failNext.findIndex((e) => e.count > 0 && (!e.host || e.host === host) && safeRegex(e.pattern)?.test(line));
    if (i < 0) return undefined;
    const hit = f.failNext[i];
    const rest = f.failNext.map((e, j) => (j === i ? { ...e, count: e.count - 1 } : e)).filter((e) => e.count > 0);
    this.write({ ...f, failNext: rest });
    return hit;
  }
}

function safeRegex(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}
