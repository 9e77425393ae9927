/**
 * Where a V8 CPU profile (node --cpu-prof) spends its time: self time summed per source file
 * (node_modules packages grouped) and per function, biggest first.
 * Usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarize(p: Profile): { totalMs: number; byFile: [string, number][]; byFunction: [string, number][] } {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (!ms) continue;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const file = pkg ? `(npm) ${pkg}` : url.replace(/^.*?\/(src|scripts)\//, '$1/') || `(${n.callFrame.functionName || 'native'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  return { totalMs, byFile: sort(byFile), byFunction: sort(byFn) };
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top] = process.argv.slice(2);
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
  const k = Number(top ?? 25);
  const line = ([name, ms]: [string, number]): string => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%  ${name}`;
  process.stdout.write([`sampled ${s.totalMs.toFixed(0)} ms`, 'by file:', ...s.byFile.slice(0, k).map(line), 'by function:', ...s.byFunction.slice(0, k).map(line), ''].join('\n'));
}
