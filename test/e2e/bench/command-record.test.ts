// The lab's command record through the real daemon: every simulated command with its timing
// and exit code, secrets dropped, and maxConcurrentHosts telling parallel from sequential work.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../lab/lab-harness.ts';
import { maxConcurrentHosts, preciseNow, readCommandRecord, REDACTED } from '../../../scripts/lab/command-record.ts';

const LATENCY = 300;
// a reachable CentOS 7 mirror in the lab's default (cn) view: the base repo of a fresh host is not
const REPO = '[kfb]\nname=kfb\nbaseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/os/x86_64/\ngpgcheck=0\n';
const install = (pkg: string): string => `yum install -y --disablerepo='*' --enablerepo=kfb ${pkg} >/dev/null 2>&1; echo rc=$?`;
let lab: TestLab;

beforeAll(async () => {
  lab = makeTestLab();
  const up = await lab.kf(['lab', 'up', '2', '--latency-ms', String(LATENCY)]);
  expect(up.exitCode, up.stderr).toBe(0);
  for (const h of ['kf-master01', 'kf-node01']) {
    const r = await lab.kf(['lab', 'exec', h, `printf '${REPO.replace(/\n/g, '\\n')}' > /etc/yum.repos.d/kfb.repo`]);
    expect(r.exitCode, r.stderr).toBe(0);
  }
}, 90_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('commands.jsonl', () => {
  it('records a heavy command with its real duration and exit code', async () => {
    const t0 = preciseNow();
    expect((await lab.kf(['lab', 'exec', 'kf-node01', install('socat')])).stdout.trim()).toBe('rc=0');
    const rec = readCommandRecord(lab.paths.dir).filter((r) => r.start >= t0 && r.argv[0] === 'yum');
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({ host: 'kf-node01', exit: 0, code: 0 });
    expect(rec[0].argv).toContain('socat');
    expect(rec[0].end - rec[0].start).toBeGreaterThanOrEqual(LATENCY - 1);
  });

  it('records a failing command with its exit code, and never a secret', async () => {
    const hex = 'c0ffee'.repeat(10) + 'beef';
    const t0 = preciseNow();
    await lab.kf(['lab', 'exec', 'kf-node01', `sysctl -w --token abcdef.0123456789abcdef --certificate-key=${hex} kfb.x=1 >/dev/null 2>&1; true`]);
    const rec = readCommandRecord(lab.paths.dir).find((r) => r.start >= t0 && r.argv[0] === 'sysctl');
    expect(rec?.exit).not.toBe(0);
    expect(rec?.argv).toEqual(['sysctl', '-w', '--token', REDACTED, `--certificate-key=${REDACTED}`, 'kfb.x=1']);
    const text = fs.readFileSync(lab.paths.commands, 'utf8');
    expect(text).not.toContain('0123456789abcdef');
    expect(text).not.toContain(hex);
  });

  it('shows two hosts in flight at once when they work in parallel, one when in turn', async () => {
    const p0 = preciseNow();
    const both = await Promise.all([lab.kf(['lab', 'exec', 'kf-master01', install('ipset')]), lab.kf(['lab', 'exec', 'kf-node01', install('ipset')])]);
    const p1 = preciseNow();
    expect(both.map((r) => r.stdout.trim())).toEqual(['rc=0', 'rc=0']);
    const s0 = preciseNow();
    await lab.kf(['lab', 'exec', 'kf-master01', install('conntrack-tools')]);
    await lab.kf(['lab', 'exec', 'kf-node01', install('conntrack-tools')]);
    const s1 = preciseNow();
    const recs = readCommandRecord(lab.paths.dir);
    expect(maxConcurrentHosts(recs, p0, p1)).toBe(2);
    expect(maxConcurrentHosts(recs, s0, s1)).toBe(1);
  });
});
