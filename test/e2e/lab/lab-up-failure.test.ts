// `lab up` is all or nothing: a host that cannot start takes the whole half-made lab down
// (daemon, other hosts, netns, veths, bridge, files), and the error names the host.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestLab, machineLeftovers, type TestLab } from './lab-harness.ts';

let lab: TestLab | undefined;
afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('lab up failing half-way', () => {
  it('tears down everything it made and says which host failed', async () => {
    lab = makeTestLab();
    // kf-node01's root skeleton has a plain file where /proc must be mounted: its init fails
    const fsDir = path.join(lab.paths.hostsDir, 'kf-node01', 'fs');
    fs.mkdirSync(fsDir, { recursive: true });
    fs.writeFileSync(path.join(fsDir, 'proc'), 'not a directory');
    const r = await lab.kf(['lab', 'up', '3']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kubeforge: lab up failed: hosts failed to start: kf-node01: host kf-node01 did not start: /);
    expect(await machineLeftovers(lab.paths.dir)).toEqual([]);
    expect(fs.existsSync(lab.paths.dir)).toBe(false);
    const status = await lab.kf(['lab', 'status']);
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toBe('kubeforge: no lab here (run `kubeforge lab up N` first)');
  });
});
