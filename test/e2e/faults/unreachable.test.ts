// A host that cannot be reached from the start (its ssh port a closed one: 1): `up` says
// so in one line before it changes anything on any host. With --skip-unreachable an unreachable
// worker is left out and the rest converge; an unreachable master still stops the run.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, inventoryOf, makeTestLab, nodeReadiness, type Run, type TestLab } from './faults-harness.ts';

const HOSTS = ['kf-master01', 'kf-node01', 'kf-node02'];
let lab: TestLab;
// nothing listens on port 1 of a lab host: the connection is refused at once
const closedPort = 1;
const addresses = new Map<string, string>();
const before = new Map<string, string>();

/** What `up` changes first on every host: /etc/hosts and the yum repository files. */
const snapshot = (h: string): Promise<string> =>
  exec(lab, h, 'md5sum /etc/hosts; ls -l --time-style=+%s /etc/yum.repos.d; md5sum /etc/yum.repos.d/* 2>/dev/null; true');

/** The lab inventory with `host`'s ssh port a closed one. */
function unreachable(host: string, name: string): string {
  const text = fs.readFileSync(inventoryOf(lab), 'utf8');
  const next = text.replace(new RegExp(`\\{ name: ${host}, address: ([0-9.]+), role: (\\w+) \\}`), (_m, address: string, role: string) => {
    addresses.set(host, address);
    return `{ name: ${host}, address: ${address}, role: ${role}, ssh: { port: ${closedPort} } }`;
  });
  expect(next).not.toBe(text);
  const file = `${lab.cwd}/${name}.yaml`;
  fs.writeFileSync(file, next);
  return file;
}

const up = (file: string, ...args: string[]): Promise<Run> => lab.kf(['up', '-i', file, ...args], { timeout: 150_000 });
const causeLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('logs: '));

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  for (const h of HOSTS) before.set(h, await snapshot(h));
}, 120_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

async function nothingChanged(): Promise<void> {
  for (const h of HOSTS) expect(await snapshot(h), h).toBe(before.get(h));
}

describe('a host unreachable from the start', () => {
  it('stops before any change, with one line naming the host and the cause', async () => {
    const r = await up(unreachable('kf-node02', 'worker-down'));
    expect(r.exitCode).toBe(1);
    expect(causeLines(r.stderr)).toEqual([`kubeforge: kf-node02 (${addresses.get('kf-node02')}:1): unreachable: connection refused (is sshd listening on that port?)`]);
    await nothingChanged();
  });

  it('an unreachable master stops the run even with --skip-unreachable', async () => {
    const r = await up(unreachable('kf-master01', 'master-down'), '--skip-unreachable');
    expect(r.exitCode).toBe(1);
    expect(causeLines(r.stderr)).toEqual([`kubeforge: kf-master01 (${addresses.get('kf-master01')}:1): unreachable: connection refused (is sshd listening on that port?)`]);
    await nothingChanged();
  });

  it('with --skip-unreachable the other hosts go on without the worker and converge', async () => {
    const r = await up(unreachable('kf-node02', 'worker-down-skip'), '--skip-unreachable');
    expect(r.stderr).toContain(`skipping kf-node02 (${addresses.get('kf-node02')}:1): unreachable`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^converged: /m);
    expect(await nodeReadiness(lab)).toEqual(['kf-master01 True', 'kf-node01 True']);
    // the skipped worker was not touched
    expect(await snapshot('kf-node02')).toBe(before.get('kf-node02'));
  }, 180_000);
});
