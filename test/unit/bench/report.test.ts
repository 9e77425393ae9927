import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuPerHostStep, targets, type BenchFigures } from '../../../scripts/bench/figures.ts';
import { parseTimeV } from '../../../scripts/bench/measure.ts';
import { BEGIN, END, writeBenchmarksMd } from '../../../scripts/bench/report.ts';

const figures = (over: Partial<BenchFigures['sizes'][number]['prep']> = {}, upWall = 1100): BenchFigures => ({
  date: '2026-11-24T00:00:00.000Z',
  machine: { cpus: 2, memoryGiB: 24, node: 'v20.0.0', loadAvg: [1, 1, 1], kernel: '6.1' },
  latencyMs: 400,
  cliStartCpuMs: 300,
  command: 'npm run bench',
  sizes: [{
    hosts: 50, labUpMs: 30_000, errors: [],
    up: { wallMs: upWall, criticalPathMs: 1000, windows: [{ name: 'os', floorMs: 10, wallMs: 20, host: 'h' }], cpuMs: 2300, rssMiB: 120, hostSteps: 1000, noopWallMs: 100, noopApplied: 0 },
    prep: { kubeforge: 10_000, openssh: 12_000, combined: 6000, ansible: 150_000, hostSteps: 800, errors: [], commands: {}, machineBusy: {}, ...over },
  }],
  memory: { hosts: 100, prepRssMiB: 140, noopRssMiB: 151, errors: [] },
});

describe('targets', () => {
  it('judges each issue-8 target from the figures', () => {
    const t = Object.fromEntries(targets(figures()).map((x) => [x.what.split(' at ')[0], [Number(x.value?.toFixed(3)), x.holds]]));
    expect(t['up / critical path']).toEqual([1.1, true]);
    expect(t['prep: Ansible / kubeforge']).toEqual([15, true]);
    expect(t['prep: kubeforge / plain OpenSSH']).toEqual([0.833, true]);
    expect(t['prep: kubeforge / combined script']).toEqual([1.667, true]);
    expect(targets(figures()).find((x) => x.what.startsWith('kubeforge CPU'))).toMatchObject({ value: 2, holds: false });
    expect(t['no-op re-run / first run']).toEqual([0.091, true]);
    expect(targets(figures()).find((x) => x.what.startsWith('peak RSS'))).toMatchObject({ value: 151, holds: false });
  });
  it('misses, or cannot judge, what was not good or not measured', () => {
    const t = targets(figures({ ansible: 50_000, openssh: undefined }, 1300));
    expect(t.find((x) => x.what.startsWith('up /'))?.holds).toBe(false);
    expect(t.find((x) => x.what.startsWith('prep: Ansible'))?.holds).toBe(false);
    expect(t.find((x) => x.what.includes('OpenSSH'))?.holds).toBeUndefined();
  });
  it('takes the start-up cost out of the CPU per step', () => {
    expect(cpuPerHostStep(1300, 300, 500)).toBe(2);
    expect(cpuPerHostStep(200, 300, 500)).toBe(0);
    expect(cpuPerHostStep(undefined, 300, 500)).toBeUndefined();
  });
});

describe('parseTimeV', () => {
  it('reads CPU and peak memory from GNU time -v', () => {
    const text = '\tUser time (seconds): 1.10\n\tSystem time (seconds): 0.18\n\tMaximum resident set size (kbytes): 146940\n';
    expect(parseTimeV(text)).toEqual({ cpuMs: 1280, sysMs: 180, maxRssKiB: 146940 });
  });
});

describe('writeBenchmarksMd', () => {
  it('replaces only the figures between the markers', () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kfb-md-')), 'BENCHMARKS.md');
    fs.writeFileSync(f, `# Benchmarks\n\nintro\n\n${BEGIN}\nold figures\n${END}\n\n## Why\nanalysis\n`);
    writeBenchmarksMd(f, figures());
    const text = fs.readFileSync(f, 'utf8');
    expect(text).not.toContain('old figures');
    expect(text).toMatch(/^# Benchmarks\n\nintro\n\n<!-- bench:figures:begin/);
    expect(text).toContain('## Why\nanalysis\n');
    expect(text).toContain('| **prep: kubeforge / combined** | 1.67x |');
    expect(text.split(BEGIN)).toHaveLength(2);
    fs.rmSync(path.dirname(f), { recursive: true, force: true });
  });
});
