// The Rocky 9 profile: its release files, dnf, and an inventory saying so.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { makeTestLab, type TestLab } from './lab-harness.ts';
import { freshHostFiles } from '../../../scripts/lab/sim/all.ts';
import { readLabState } from '../../../scripts/lab/lab-state.ts';

let lab: TestLab;
beforeAll(async () => {
  lab = makeTestLab();
  const up = await lab.kf(['lab', 'up', '1', '--os', 'rocky9', '--memory-mib', '2048']);
  expect(up.exitCode).toBe(0);
}, 60_000);
afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('lab up --os rocky9', () => {
  it('serves the profile release files and has dnf but no Debian tools', async () => {
    const h = readLabState(lab.paths.labJson)!.hosts[0];
    expect(h.os).toBe('rocky9');
    const release = freshHostFiles(h).find((f) => f.path === '/etc/os-release');
    expect(release?.content).toMatch(/^NAME="Rocky Linux"/m);
    const r = await lab.ssh(h.address, 'cat /etc/os-release; readlink /usr/bin/dnf; command -v apt-get || echo no-apt');
    expect(r.stdout).toBe(`${release!.content.trimEnd()}\n/usr/lib/kflab/client\nno-apt`);
  });

  it('writes distro rocky9 and the memory asked for', async () => {
    expect(YAML.parse(fs.readFileSync(lab.paths.inventory, 'utf8')).os.distro).toBe('rocky9');
    const st = await lab.kf(['lab', 'status', '-o', 'json']);
    expect(JSON.parse(st.stdout)).toMatchObject({ os: 'rocky9', up: true, memoryMiB: 2048 });
    const mem = await lab.ssh(readLabState(lab.paths.labJson)!.hosts[0].address, 'grep MemTotal /proc/meminfo');
    expect(mem.stdout).toMatch(/^MemTotal:\s+2097152 kB$/);
  });
});
