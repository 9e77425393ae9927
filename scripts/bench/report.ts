/** The benchmark's table (terminal) and figures section (BENCHMARKS.md), from the same figures. */
import fs from 'node:fs';
import { cpuPerHostStep, ratio, targets, type BenchFigures } from './figures.ts';

const s = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const x = (v: number | undefined, d = 2): string => (v === undefined ? '-' : `${v.toFixed(d)}x`);
const pct = (v: number | undefined): string => (v === undefined ? '-' : `${Math.round(v * 100)}%`);
const n = (v: number | undefined, d = 0, unit = ''): string => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(d)}${unit}`);

/** Markdown table rows: one column per fleet size. */
export function figureRows(f: BenchFigures): string[][] {
  const col = (fn: (i: number) => string): string[] => f.sizes.map((_, i) => fn(i));
  const z = f.sizes;
  const cpu = (i: number): string => n(cpuPerHostStep(z[i].up?.cpuMs, f.cliStartCpuMs, z[i].up?.hostSteps), 2, ' ms');
  return [
    ['hosts', ...col((i) => String(z[i].hosts))],
    ['`lab up` (not kubeforge)', ...col((i) => s(z[i].labUpMs))],
    ['kubeforge `up` wall', ...col((i) => s(z[i].up?.wallMs))],
    ['critical path (lab command record)', ...col((i) => s(z[i].up?.criticalPathMs))],
    ['**up / critical path**', ...col((i) => x(ratio(z[i].up?.wallMs, z[i].up?.criticalPathMs)))],
    ['floor from the hosts\' SSH exec times (shells included)', ...col((i) => s(z[i].up?.execFloorMs))],
    ['up / that floor', ...col((i) => x(ratio(z[i].up?.wallMs, z[i].up?.execFloorMs)))],
    ['SSH execs: up / no-op', ...col((i) => `${n(z[i].up?.execs)} / ${n(z[i].up?.noopExecs)}`)],
    ['no-op re-run wall', ...col((i) => s(z[i].up?.noopWallMs))],
    ['**no-op / first run**', ...col((i) => x(ratio(z[i].up?.noopWallMs, z[i].up?.wallMs), 3))],
    ['steps applied by the no-op run', ...col((i) => n(z[i].up?.noopApplied))],
    ['up: CLI CPU (user+sys), of which sys', ...col((i) => `${s(z[i].up?.cpuMs)}, ${s(z[i].up?.sysMs)}`)],
    ['up: steps x hosts', ...col((i) => n(z[i].up?.hostSteps))],
    ['**up: CPU per step per host** (start-up taken out)', ...col(cpu)],
    ['up: CLI peak RSS', ...col((i) => n(z[i].up?.rssMiB, 0, ' MiB'))],
    ['machine CPUs busy during up / no-op', ...col((i) => `${pct(z[i].up?.machineBusy)} / ${pct(z[i].up?.noopMachineBusy)}`)],
    ['prep: kubeforge (engine, 5 phases)', ...col((i) => s(z[i].prep.kubeforge))],
    ['prep: plain OpenSSH, 1 call per step', ...col((i) => s(z[i].prep.openssh))],
    ['prep: 1 combined script per host', ...col((i) => s(z[i].prep.combined))],
    ['prep: Ansible (script tasks, forks=N)', ...col((i) => s(z[i].prep.ansible))],
    ['**prep: Ansible / kubeforge**', ...col((i) => x(ratio(z[i].prep.ansible, z[i].prep.kubeforge), 1))],
    ['**prep: kubeforge / OpenSSH**', ...col((i) => x(ratio(z[i].prep.kubeforge, z[i].prep.openssh)))],
    ['**prep: kubeforge / combined**', ...col((i) => x(ratio(z[i].prep.kubeforge, z[i].prep.combined)))],
    ['prep: steps x hosts', ...col((i) => n(z[i].prep.hostSteps))],
    ['prep: machine CPUs busy (kf, ssh, comb, ansible)', ...col((i) => (['kubeforge', 'openssh', 'combined', 'ansible'] as const).map((t) => pct(z[i].prep.machineBusy[t])).join(', '))],
    ['prep: lab commands (all / yum install) kf, ssh, comb, ansible', ...col((i) => (['kubeforge', 'openssh', 'combined', 'ansible'] as const)
      .map((t) => { const c = z[i].prep.commands[t]; return c ? `${c.all}/${c.yumInstall}` : '-'; }).join(', '))],
    ['prep: kubeforge CPU per step per host', ...col((i) => n(cpuPerHostStep(z[i].prep.kubeforgeCpuMs, f.cliStartCpuMs, z[i].prep.hostSteps), 2, ' ms'))],
    ['prep: Ansible CPU per step per host (with its ssh)', ...col((i) => n(cpuPerHostStep(z[i].prep.ansibleCpuMs, 0, z[i].prep.hostSteps), 1, ' ms'))],
  ];
}

export function markdownTable(rows: string[][]): string {
  const [head, ...rest] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rest.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function textTable(rows: string[][]): string {
  const plain = rows.map((r) => r.map((c) => c.replace(/\*\*/g, '').replace(/`/g, '')));
  const w = plain[0].map((_, j) => Math.max(...plain.map((r) => r[j].length)));
  return plain.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  ')).join('\n');
}

export function targetLines(f: BenchFigures): string[] {
  return targets(f).map((t) => {
    const v = t.value === undefined ? 'not measured' : `${t.value.toFixed(t.unit === 'x' ? 2 : 1)}${t.unit}`;
    const verdict = t.holds === undefined ? '?' : t.holds ? 'holds' : 'MISSED';
    return `${t.what}: ${v} (target ${t.limit}${t.unit === 'x' ? '' : t.unit}) -> ${verdict}`;
  });
}

function memoryLines(f: BenchFigures): string[] {
  const m = f.memory;
  if (!m) return ['(memory at 100 hosts not run)'];
  return [
    `${m.hosts} hosts: prep part on a fresh fleet: peak RSS ${n(m.prepRssMiB, 0, ' MiB')}, CPU ${s(m.prepCpuMs)} for ${n(m.prepHostSteps)} steps x hosts`
      + ` (${n(cpuPerHostStep(m.prepCpuMs, f.cliStartCpuMs, m.prepHostSteps), 2, ' ms')} per step per host)`,
    `${m.hosts} hosts: prep part again (no-op): peak RSS ${n(m.noopRssMiB, 0, ' MiB')}, CPU ${s(m.noopCpuMs)} for ${n(m.noopHostSteps)} steps x hosts`,
    ...(m.upRssMiB !== undefined ? [`${m.hosts} hosts: full up: peak RSS ${n(m.upRssMiB, 0, ' MiB')}`] : []),
    ...m.errors.map((e) => `error: ${e}`),
  ];
}

function windowLines(f: BenchFigures): string[] {
  const z = f.sizes.at(-1);
  const w = z?.up?.windows ?? [];
  if (w.length === 0) return [];
  return [`up at ${z?.hosts} hosts, per window: floor (slowest host's simulated-command time) / floor from SSH exec times / wall / machine CPUs busy`,
    ...w.map((v) => `  ${v.name.padEnd(18)} ${s(v.floorMs).padStart(8)} ${s(v.execFloorMs).padStart(8)} ${s(v.wallMs).padStart(8)} ${pct(v.machineBusy).padStart(5)}`)];
}

export function printReport(f: BenchFigures): string {
  const errs = f.sizes.flatMap((z) => [...z.errors, ...z.prep.errors].map((e) => `${z.hosts} hosts: ${e}`));
  return [
    '',
    textTable(figureRows(f)),
    '',
    ...windowLines(f),
    '',
    ...memoryLines(f),
    `CLI start-up CPU (kubeforge --version): ${f.cliStartCpuMs} ms`,
    '',
    'targets:',
    ...targetLines(f).map((l) => `  ${l}`),
    ...(errs.length ? ['', 'errors:', ...errs.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

export const BEGIN = '<!-- bench:figures:begin (written by npm run bench) -->';
export const END = '<!-- bench:figures:end -->';

/** The generated part of BENCHMARKS.md. */
export function markdownFigures(f: BenchFigures): string {
  const m = f.machine;
  const errs = f.sizes.flatMap((z) => [...z.errors, ...z.prep.errors].map((e) => `${z.hosts} hosts: ${e}`));
  const windows = f.sizes.at(-1)?.up?.windows ?? [];
  return [
    BEGIN,
    `Run of ${f.date} on ${m.cpus} CPUs, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; load average at the start ${m.loadAvg.map((v) => v.toFixed(1)).join(' / ')}.`,
    `Lab latency on heavy commands: ${f.latencyMs} ms. Command: \`${f.command}\`.`,
    '',
    markdownTable(figureRows(f)),
    '',
    ...memoryLines(f).map((l) => `- ${l}`),
    `- CLI start-up CPU (\`kubeforge --version\`): ${f.cliStartCpuMs} ms (taken out of the per-step CPU figures)`,
    '',
    `Where the critical path goes at ${f.sizes.at(-1)?.hosts} hosts (per window: the slowest host's command time, and the window's wall time):`,
    '',
    markdownTable([['window', 'floor (simulated commands)', 'floor (SSH execs)', 'wall', 'wall / floor', 'machine CPUs busy', 'slowest host'],
      ...windows.map((w) => [w.name, s(w.floorMs), s(w.execFloorMs), s(w.wallMs), x(ratio(w.wallMs, w.floorMs), 1), pct(w.machineBusy), w.host ?? '-'])]),
    '',
    'Targets:',
    '',
    ...targetLines(f).map((l) => `- ${l}`),
    ...(errs.length ? ['', 'Errors in this run:', '', ...errs.map((e) => `- ${e}`)] : []),
    END,
  ].join('\n');
}

/** Put the figures between the markers of BENCHMARKS.md (the hand-written text around them stays). */
export function writeBenchmarksMd(file: string, f: BenchFigures): void {
  const block = markdownFigures(f);
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, text);
}
