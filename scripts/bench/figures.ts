/** What one size of `npm run bench` measured, and the issue-8 targets it is judged by. */

export interface PrepFigures {
  /** wall ms of the prep part per tool (undefined: not run or failed) */
  kubeforge?: number;
  openssh?: number;
  combined?: number;
  ansible?: number;
  /** CPU ms of the tool's own process tree (kubeforge, ansible-playbook) */
  kubeforgeCpuMs?: number;
  ansibleCpuMs?: number;
  kubeforgeRssMiB?: number;
  /** per tool: busy fraction of the machine's CPUs while it ran */
  machineBusy: Record<string, number | undefined>;
  /** steps x hosts of the prep part */
  hostSteps: number;
  /** per tool: simulated commands the lab answered, and how many were `yum install` (same work = same counts) */
  commands: Record<string, { all: number; yumInstall: number }>;
  errors: string[];
}

export interface UpFigures {
  wallMs: number;
  criticalPathMs: number;
  /** the windows' floors, for finding where the time goes */
  windows: { name: string; floorMs: number; execFloorMs?: number; wallMs: number; host?: string; machineBusy?: number }[];
  /** the same floor from the hosts' SSH exec times (shells + simulated commands, no transport) */
  execFloorMs?: number;
  /** SSH execs the hosts served, first run and no-op */
  execs?: number;
  noopExecs?: number;
  /** busy fraction of the machine's CPUs during the run (all processes: kubeforge, sshd, shells, the lab) */
  machineBusy?: number;
  noopMachineBusy?: number;
  cpuMs: number;
  sysMs?: number;
  rssMiB: number;
  /** steps x hosts checked */
  hostSteps: number;
  noopWallMs?: number;
  noopCpuMs?: number;
  noopRssMiB?: number;
  noopApplied?: number;
  noopHostSteps?: number;
}

export interface SizeFigures {
  hosts: number;
  labUpMs: number;
  up?: UpFigures;
  prep: PrepFigures;
  errors: string[];
}

export interface MemoryFigures {
  hosts: number;
  /** the prep part on a fresh fleet, then again (no-op) */
  prepRssMiB?: number;
  prepCpuMs?: number;
  prepHostSteps?: number;
  noopRssMiB?: number;
  noopCpuMs?: number;
  noopHostSteps?: number;
  upRssMiB?: number;
  errors: string[];
}

export interface BenchFigures {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string; loadAvg: number[]; kernel: string };
  latencyMs: number;
  /** CPU ms of `kubeforge --version`: the CLI's fixed start-up cost */
  cliStartCpuMs: number;
  command: string;
  sizes: SizeFigures[];
  memory?: MemoryFigures;
}

export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;

/** CPU per step per host, the start-up cost taken out (it does not grow with the work). */
export const cpuPerHostStep = (cpuMs: number | undefined, startMs: number, hostSteps: number | undefined): number | undefined =>
  cpuMs !== undefined && hostSteps ? Math.max(0, cpuMs - startMs) / hostSteps : undefined;

export interface Target {
  what: string;
  value: number | undefined;
  /** shown as e.g. "<= 1.15" */
  limit: string;
  holds: boolean | undefined;
  unit: string;
}

/** The issue-8 targets (judged at the largest size run, 50 by default; memory at 100). */
export function targets(f: BenchFigures): Target[] {
  const big = f.sizes.at(-1);
  const t = (what: string, value: number | undefined, limit: string, ok: (v: number) => boolean, unit = 'x'): Target => ({
    what, value, limit, unit, holds: value === undefined ? undefined : ok(value),
  });
  const up = big?.up;
  const p = big?.prep;
  const mem = f.memory;
  const peak = Math.max(mem?.prepRssMiB ?? 0, mem?.noopRssMiB ?? 0, mem?.upRssMiB ?? 0);
  return [
    t(`up / critical path at ${big?.hosts}`, ratio(up?.wallMs, up?.criticalPathMs), '<= 1.15', (v) => v <= 1.15),
    t(`prep: Ansible / kubeforge at ${big?.hosts}`, ratio(p?.ansible, p?.kubeforge), '>= 10', (v) => v >= 10),
    t(`prep: kubeforge / plain OpenSSH at ${big?.hosts}`, ratio(p?.kubeforge, p?.openssh), '<= 1', (v) => v <= 1),
    t(`prep: kubeforge / combined script at ${big?.hosts}`, ratio(p?.kubeforge, p?.combined), '<= 2', (v) => v <= 2),
    t(`kubeforge CPU per step per host (up, at ${big?.hosts})`, cpuPerHostStep(up?.cpuMs, f.cliStartCpuMs, up?.hostSteps), '< 2', (v) => v < 2, ' ms'),
    t(`no-op re-run / first run at ${big?.hosts}`, ratio(up?.noopWallMs, up?.wallMs), '< 0.10', (v) => v < 0.1),
    t(`peak RSS at ${mem?.hosts ?? '-'} hosts`, mem ? peak : undefined, '< 150', (v) => v < 150, ' MiB'),
  ];
}
