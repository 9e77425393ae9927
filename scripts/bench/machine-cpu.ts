/**
 * How busy the whole machine was (all CPUs, /proc/stat), sampled while a tool runs: on a
 * small machine that also runs the simulated hosts, a window whose wall time is far above its
 * command-time floor with the CPUs near 100% is the machine's limit, not the orchestrator's.
 */
import fs from 'node:fs';

export interface CpuSample {
  t: number;
  busy: number;
  total: number;
}

export function readProcStat(text: string = fs.readFileSync('/proc/stat', 'utf8')): { busy: number; total: number } {
  const f = (/^cpu\s+(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are inside user/nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export class CpuSampler {
  readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  start(everyMs = 200): this {
    const take = (): void => void this.samples.push({ t: Date.now(), ...readProcStat() });
    take();
    this.timer = setInterval(take, everyMs);
    return this;
  }

  stop(): CpuSample[] {
    if (this.timer) clearInterval(this.timer);
    this.samples.push({ t: Date.now(), ...readProcStat() });
    return this.samples;
  }
}

/** Busy fraction of the machine's CPUs between two instants (nearest samples inside). */
export function busyFraction(samples: readonly CpuSample[], from: number, to: number): number | undefined {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  const a = inside[0];
  const b = inside.at(-1);
  if (!a || !b || b.total <= a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}
