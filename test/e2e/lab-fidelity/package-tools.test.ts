// Package-installed tools on a real lab host over `lab exec` (real shell, the shim layer):
// "command not found" before yum installs them, real-looking answers after, nothing unsupported.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestLab, type TestLab } from '../lab/lab-harness.ts';

let lab: TestLab;
const H = 'kf-master01';
const sh = (cmd: string) => lab.kf(['lab', 'exec', H, '--', cmd]);

const VAULT = ['base:os', 'updates:updates', 'extras:extras']
  .map((x) => x.split(':'))
  .map(([id, dir]) => `[${id}]\nname=${id}\nbaseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/${dir}/$basearch/\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n`)
  .join('\n');
const EPEL = '[epel]\nname=epel\nbaseurl=https://mirrors.aliyun.com/epel-archive/7/$basearch/\ngpgcheck=0\n';

beforeAll(async () => {
  lab = makeTestLab();
  const r = await lab.kf(['lab', 'up', '1']);
  if (r.exitCode !== 0) throw new Error(`lab up: ${r.stderr}`);
}, 120_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('package tools on a lab host', () => {
  it('are "command not found" (127) on a fresh host', async () => {
    for (const t of ['socat', 'conntrack', 'ipset', 'ebtables', 'ethtool', 'jq']) {
      const r = await sh(`${t} --version`);
      expect(r.exitCode, t).toBe(127);
      expect(r.stderr, t).toContain(`${t}: command not found`);
    }
  });

  it('answer once yum installed them, and the lab logs nothing unsupported', async () => {
    const repo = await sh(`rm -f /etc/yum.repos.d/*.repo && printf '%s' '${VAULT}' > /etc/yum.repos.d/vault.repo && printf '%s' '${EPEL}' > /etc/yum.repos.d/epel.repo`);
    expect(repo.exitCode, repo.stderr).toBe(0);
    const y = await sh('yum install -y socat conntrack-tools ipset ebtables ethtool jq');
    expect(y.exitCode, y.stderr).toBe(0);
    expect((await sh('socat -V | head -2')).stdout).toMatch(/^socat by Gerhard Rieger.*\nsocat version 1\.7\.3\.2 /);
    const ct = await sh('conntrack -L');
    expect(ct).toMatchObject({ exitCode: 0, stderr: 'conntrack v1.4.4 (conntrack-tools): 0 flow entries have been shown.' });
    expect((await sh('ipset create t hash:ip && ipset add t 10.0.0.1 && ipset list -n')).stdout).toBe('t');
    expect((await sh('ebtables -L | head -1')).stdout).toBe('Bridge table: filter');
    expect((await sh('ethtool -i eth0 | head -1')).stdout).toBe('driver: virtio_net');
    expect((await sh(`echo '{"a":[1,2,3]}' | jq -c '.a | map(.*2)'`)).stdout).toBe('[2,4,6]');
    const log = path.join(lab.paths.dir, 'lab.log');
    const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    expect(text).not.toMatch(/unsupported command: (socat|conntrack|ipset|ebtables|ethtool|jq)/);
  });

  it('ipset sets are kernel state: gone after a reboot', async () => {
    expect((await lab.kf(['lab', 'reboot', H])).exitCode).toBe(0);
    const r = await sh('ipset list');
    expect(r).toMatchObject({ exitCode: 0, stdout: '' });
  });
});
