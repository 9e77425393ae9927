import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/index.ts';
import { converge } from '../../../src/engine/converge.ts';
import type { Cluster } from '../../../src/inventory/model.ts';
import type { RunRecord } from '../../../src/engine/types.ts';
import { startSshd, type SshdFixture } from '../hosts/sshd-fixture.ts';

let sshd: SshdFixture;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'kf-converge-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A real inventory, its hosts pointed at the loopback sshd (the inventory itself refuses loopback). */
function cluster(): Cluster {
  const inv = join(dir, 'inv.yaml');
  writeFileSync(inv, [
    'cluster: { name: t, kubernetesVersion: 1.23.17 }',
    `ssh: { user: root, privateKeyPath: ${sshd.clientKey}, knownHosts: off }`,
    'hosts:',
    '  - { name: m1, address: 198.18.0.10, role: master }',
    '  - { name: w1, address: 198.18.0.11, role: worker }',
    '',
  ].join('\n'));
  const c = loadInventory(inv);
  return {
    ...c,
    hosts: c.hosts.map((h, i) => ({ ...h, address: '127.0.0.1', ssh: { ...h.ssh, port: i === 0 ? sshd.port : 1, connectTimeoutMs: 3000 } })),
  };
}

describe('converge', () => {
  it('refuses to go on when a host cannot be read, with one line per host, and records it', async () => {
    let built = false;
    const err = await converge({
      cluster: cluster(), output: 'json', root: dir,
      build: () => {
        built = true;
        return [];
      },
    }).then(() => undefined, (e: Error) => e);
    expect(built).toBe(false);
    const lines = (err?.message ?? '').split('\n');
    // this machine runs Debian: the loopback "host" is read, and refused by name
    expect(lines[0]).toMatch(new RegExp(`^m1 \\(127\\.0\\.0\\.1:${sshd.port}\\): unsupported OS: Debian`));
    expect(lines[1]).toBe('w1 (127.0.0.1:1): unreachable: connection refused (is sshd listening on that port?)');
    const runDir = lines[2].replace(/^logs: /, '');
    const rec = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord;
    expect(rec.stoppedAt?.phase).toBe('preflight');
    expect(readFileSync(join(runDir, 'm1.log'), 'utf8')).toMatch(/^=== \S+ facts$/m);
  });

  it('with skipUnreachable, an unreachable worker is skipped with a notice; other failures still stop the run', async () => {
    const notices: string[] = [];
    const err = await converge({ cluster: cluster(), output: 'json', root: dir, skipUnreachable: true, notify: (l) => notices.push(l), build: () => [] })
      .then(() => undefined, (e: Error) => e);
    expect(notices).toEqual(['skipping w1 (127.0.0.1:1): unreachable: connection refused (is sshd listening on that port?)']);
    expect(err?.message.split('\n')[0]).toMatch(/^m1 .*unsupported OS/);
    expect(err?.message).not.toContain('w1');
  });
});

