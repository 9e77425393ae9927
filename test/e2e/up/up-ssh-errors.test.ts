// Hosts `up` cannot work on: each gives one clear line naming the host and the cause, and
// nothing is changed on any host.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, inventoryOf, makeTestLab, runDirs, readRun, up, type TestLab } from './up-harness.ts';

let lab: TestLab;
let inventory = '';
let node02 = '';

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '3']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
  inventory = fs.readFileSync(inventoryOf(lab), 'utf8');
  node02 = /name: kf-node02, address: ([0-9.]+)/.exec(inventory)?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

/** An inventory copy with kf-node02's entry (or the ssh block) changed. */
function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(lab.cwd, `${name}.yaml`);
  const text = edit(inventory);
  expect(text).not.toBe(inventory);
  fs.writeFileSync(file, text);
  return file;
}
const node02Ssh = (ssh: string) => (t: string): string =>
  t.replace(/\{ name: kf-node02, address: ([0-9.]+), role: worker \}/, `{ name: kf-node02, address: $1, role: worker, ssh: ${ssh} }`);

/** Nothing happened on the hosts: no step ran (run.json, when written, has none done) and the hostname is untouched. */
async function unchanged(): Promise<void> {
  for (const d of runDirs(lab)) {
    if (!fs.existsSync(path.join(d, 'run.json'))) continue;
    expect(Object.values(readRun(d).hosts).flat().filter((s) => s.status === 'done')).toEqual([]);
  }
  expect((await exec(lab, 'kf-master01', 'rpm -q docker-ce; true')).trim()).toBe('package docker-ce is not installed');
}

function causeLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('logs: '));
}

describe('up with a host it cannot work on', () => {
  it('unreachable (closed port): one line naming host and cause', async () => {
    expect(node02).toMatch(/^198\.18\./);
    // port 1 is closed on the lab host: the connection is refused at once
    const file = variant('unreachable', node02Ssh('{ port: 1 }'));
    const r = await up(lab, file);
    expect(r.exitCode).not.toBe(0);
    const lines = causeLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`kf-node02 \\(${node02.replace(/\./g, '\\.')}:1\\): .*(refused|unreachable)`, 'i'));
    await unchanged();
  });

  it('wrong key: one line naming host and cause', async () => {
    const key = path.join(lab.cwd, 'wrong_ed25519');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const file = variant('wrong-key', node02Ssh(`{ privateKeyPath: ${key} }`));
    const r = await up(lab, file);
    expect(r.exitCode).not.toBe(0);
    const lines = causeLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/kf-node02 \(.*\): authentication failed for root/);
    await unchanged();
  });

  it('unknown host key under strict: one line naming host and cause', async () => {
    const kh = path.join(lab.cwd, 'known_hosts.partial');
    const all = fs.readFileSync(lab.paths.knownHosts, 'utf8').split('\n');
    const kept = all.filter((l) => !l.startsWith(`${node02} `) && !l.includes(`[${node02}]`));
    expect(kept.length).toBeLessThan(all.length);
    fs.writeFileSync(kh, kept.join('\n'));
    const file = variant('unknown-host-key', (t) => t.replace(/knownHostsFile: .*/, `knownHostsFile: ${kh}`));
    expect(file).toBeTruthy();
    const r = await up(lab, file);
    expect(r.exitCode).not.toBe(0);
    const lines = causeLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/kf-node02 \(.*\): host key .* is not in .*known_hosts\.partial \(strict\)/);
    await unchanged();
  });
});
