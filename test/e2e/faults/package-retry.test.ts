// Package downloads that fail. The docker-ce repository answers the preflight probe but then
// fails every metadata download (a mirror dying mid-run, a bad sync): the repository step is
// tried again with backoff, then fails with a report naming host, step, exit code, command and
// the repository yum gave up on. (A mirror dead from the start is skipped in preflight: see
// test/e2e/mirrors.) Then one yum command failing once: the step is retried after a wait and
// the run converges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorPresets } from '../../../src/inventory/mirrors.ts';
import { labCommands, makeTestLab, readRunFull, runDirs, up, type Run, type TestLab } from './faults-harness.ts';

let lab: TestLab;
let failing: Run;
let transient: Run;
let faultedAt = 0;

/** "https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/..." -> the part before the variables. */
const prefixOf = (url: string): string => url.slice(0, url.indexOf('$'));

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  // what yum 3 prints when every baseurl of a repo fails (here the first, with its 404)
  const docker = prefixOf(mirrorPresets().cn['docker-ce'][0]);
  const yumFailure = [
    `${docker}7/x86_64/stable/repodata/repomd.xml: [Errno 14] HTTPS Error 404 - Not Found`,
    'Trying other mirror.',
    '',
    '',
    ' One of the configured repositories failed (Docker CE Stable - x86_64),',
    ' and yum doesn\'t have enough cached data to continue.',
    'failure: repodata/repomd.xml from docker-ce-stable: [Errno 256] No more mirrors to try.',
  ].join('\n');
  const ff = await lab.kf(['lab', 'fault', 'fail-next', '--count', '9', '--stderr', yumFailure, '^yum makecache']);
  if (ff.exitCode !== 0) throw new Error(`lab fault fail-next: ${ff.stderr}`);
  failing = await up(lab);
  const c = await lab.kf(['lab', 'fault', 'clear']);
  if (c.exitCode !== 0) throw new Error(`lab fault clear: ${c.stderr}`);
  const f = await lab.kf(['lab', 'fault', 'fail-next', '--host', 'kf-node01', '--count', '1', '--stderr',
    'Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7 error was\n14: curl#6 - "Could not resolve host: mirrorlist.centos.org; Unknown error"', '^yum ']);
  if (f.exitCode !== 0) throw new Error(`lab fault fail-next: ${f.stderr}`);
  faultedAt = Date.now();
  transient = await up(lab);
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('a package repository that keeps failing', () => {
  it('fails, naming host, step, exit code, command and the repository', () => {
    expect(failing.exitCode).toBe(1);
    const out = failing.stdout;
    expect(out).toMatch(/^kf-master01: repos\.files FAILED \(exit 1\): apply failed$/m);
    const report = out.slice(out.search(/^kf-master01: repos\.files FAILED/m)).split('\n');
    const body = report.slice(1, report.findIndex((l, i) => i > 0 && !/^ {4}[$|] /.test(l)));
    // the command that failed, not the script's first lines
    expect(body.filter((l) => l.startsWith('    $ '))).toEqual(['    $ yum makecache fast']);
    expect(body.filter((l) => l.startsWith('    | ')).join('\n')).toMatch(/failure: repodata\/repomd\.xml from docker-ce-stable: \[Errno 256\] No more mirrors to try/);
  });

  it('tried each host three times, waiting longer each time', () => {
    const rec = readRunFull(runDirs(lab)[0]);
    const steps = Object.values(rec.hosts).flat().filter((s) => s.id === 'repos.files');
    expect(steps.map((s) => [s.host, s.status, s.attempts])).toEqual([
      ['kf-master01', 'failed', 3], ['kf-node01', 'failed', 3], ['kf-node02', 'failed', 3],
    ]);
    // the tries of one host, as the lab saw them: the wait before the third is longer
    const tries = labCommands(lab).filter((c) => c.host === 'kf-node01' && c.argv[0] === 'yum' && c.argv.includes('makecache') && c.start < faultedAt);
    expect(tries.map((c) => c.code)).toEqual([1, 1, 1]);
    const waits = tries.slice(1).map((c, i) => c.start - tries[i].end);
    expect(waits[0]).toBeGreaterThanOrEqual(1_900);
    expect(waits[1]).toBeGreaterThan(waits[0]);
  });

  it('stopped before the next phase', () => {
    const rec = readRunFull(runDirs(lab)[0]);
    const after = rec.phases.slice(rec.phases.findIndex((p) => p.id === 'repos') + 1);
    expect(after.length).toBeGreaterThan(3);
    expect(rec.stoppedAt?.phase).toBe(after[0].id);
    expect(after.every((p) => p.status === 'not-run')).toBe(true);
  });
});

describe('a package command that fails once', () => {
  it('the step is retried and the run converges', () => {
    expect(transient.exitCode).toBe(0);
    expect(transient.stdout).toMatch(/^converged: /m);
    const rec = readRunFull(runDirs(lab)[1]);
    const retried = Object.values(rec.hosts).flat().filter((s) => (s.attempts ?? 1) > 1);
    expect(retried.map((s) => [s.host, s.id, s.status, s.attempts])).toEqual([['kf-node01', 'repos.files', 'done', 2]]);
  });

  it('the failed command was the first yum on the host, and the retry ran it again', () => {
    const yum = labCommands(lab).filter((c) => c.host === 'kf-node01' && c.argv[0] === 'yum' && c.start >= faultedAt);
    expect(yum[0]?.code).toBe(1);
    expect(yum.slice(1).every((c) => c.code === 0)).toBe(true);
    expect(yum.filter((c) => c.argv.join(' ') === yum[0].argv.join(' ')).length).toBe(2);
  });
});
