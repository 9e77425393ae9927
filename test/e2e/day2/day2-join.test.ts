// `join` weeks later: `up` on 3 hosts, every token expired, then a 4th host added (joins alone,
// the others only get /etc/hosts), again (nothing to do), then with a worker unreachable a 5th
// host as a new control plane (and one worker's kubelet stopped: reported, not blocking). No token made for a join is left valid.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergedLab, exec, expireAllTokens, inventoryWith, nodeReady, readRun, runDirs, type Run, type TestLab } from './day2-harness.ts';

let lab: TestLab;
let inv4 = '';
let inv5 = '';
let first: Run;
let again: Run;
let withDown: Run;
let tokensAfter: { tokenId: string; expired: boolean }[] = [];
let firstWindow: [number, number] = [0, 0];

const JOIN_TIMEOUT = 200_000;

beforeAll(async () => {
  lab = await convergedLab(5, (l) => inventoryWith(l, 'inv3.yaml', ['kf-master01', 'kf-node01', 'kf-node02']));
  inv4 = inventoryWith(lab, 'inv4.yaml', ['kf-master01', 'kf-node01', 'kf-node02', 'kf-node03']);
  inv5 = inventoryWith(lab, 'inv5.yaml', ['kf-master01', 'kf-node01', 'kf-node02', 'kf-node03', 'kf-node04'], { 'kf-node04': 'master' });
  await expireAllTokens(lab);
  const t0 = Date.now();
  first = await lab.kf(['join', '-i', inv4], { timeout: JOIN_TIMEOUT });
  firstWindow = [t0, Date.now()];
  again = await lab.kf(['join', '-i', inv4], { timeout: JOIN_TIMEOUT });
  // an existing worker that cannot be reached, and one whose kubelet is stopped, must not block adding new hosts
  await exec(lab, 'kf-node02', 'systemctl stop kubelet');
  const f = await lab.kf(['lab', 'fault', 'drop-ssh', 'kf-node01', '90']);
  if (f.exitCode !== 0) throw new Error(`drop-ssh: ${f.stderr}`);
  withDown = await lab.kf(['join', '-i', inv5], { timeout: JOIN_TIMEOUT });
  const list = await lab.kf(['token', 'list', '-i', inv5, '-o', 'json']);
  tokensAfter = list.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tokenId: string; expired: boolean });
}, 600_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('join after every token expired', () => {
  it('joins the 4th host', async () => {
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^joined: kf-node03$/m);
    expect((await nodeReady(lab))['kf-node03']).toBe('True');
  });

  it('only /etc/hosts ran on the three existing hosts during the first join', async () => {
    const joins = runDirs(lab).map(readRun).filter((r) => r.command === 'join');
    const firstJoin = joins[0];
    for (const h of ['kf-master01', 'kf-node01', 'kf-node02']) {
      expect(firstJoin.hosts[h].map((s) => s.id), h).toEqual(['os.hosts']);
    }
    expect(firstJoin.hosts['kf-node03'].map((s) => s.id)).toContain('join.kubeadm-join');
    expect(firstJoin.hosts['kf-node03'].find((s) => s.id === 'join.kubeadm-join')?.status).toBe('done');
    const hosts = await exec(lab, 'kf-node01', 'cat /etc/hosts');
    expect(hosts).toMatch(/kf-node03/);
  });

  it("the hosts' own command logs agree: the existing workers only read facts and updated /etc/hosts", async () => {
    for (const h of ['kf-node01', 'kf-node02']) {
      // every ssh exec on a lab host is logged there by sshd's ForceCommand (start, end, exit, command)
      const log = await exec(lab, h, 'cat /var/log/kflab/sessions.log');
      const during = log
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { start: number; end: number; code: number; cmd: string })
        .filter((e) => e.start >= firstWindow[0] && e.end <= firstWindow[1]);
      expect(during.length, h).toBeGreaterThan(0);
      // facts, the read-only mirror probes (curl of repository metadata and manifests), /etc/hosts
      const probe = (cmd: string): boolean => /curl -s -o \/dev\/null/.test(cmd) && !/(^|[;&|(\s])(yum|dnf|rpm|systemctl|kubeadm|kubectl) /.test(cmd);
      const other = during.filter((e) => !e.cmd.includes('==kf== ') && !e.cmd.includes('/etc/hosts') && !probe(e.cmd));
      expect(other.map((e) => e.cmd.slice(0, 200)), h).toEqual([]);
      expect(during.some((e) => e.cmd.includes('/etc/hosts')), h).toBe(true);
    }
  });

  it('run again: nothing to do', () => {
    expect(again.exitCode).toBe(0);
    const second = runDirs(lab).map(readRun).filter((r) => r.command === 'join')[1];
    expect(Object.values(second.hosts).flat().filter((s) => s.status === 'done')).toEqual([]);
    expect(again.stdout).toMatch(/nothing to join/);
    expect(again.stdout).toMatch(/0 applied/);
  });
});

describe('join with a worker down', () => {
  it('still joins a new control plane, and reports the unreachable worker', async () => {
    expect(withDown.exitCode, withDown.stdout + withDown.stderr).toBe(0);
    expect(withDown.stdout + withDown.stderr).toMatch(/skipping.*kf-node01/);
    expect(withDown.stdout).toMatch(/^note: existing node kf-node02 is (NotReady|Unknown) .*systemctl status kubelet/m);
    expect(withDown.stdout).toMatch(/^joined: kf-node04$/m);
    const ready = await nodeReady(lab);
    expect(ready['kf-node04']).toBe('True');
    const roles = await exec(lab, 'kf-master01', 'kubectl get node kf-node04 --show-labels');
    expect(roles).toMatch(/node-role\.kubernetes\.io\/(control-plane|master)/);
  });

  it('writes no token or certificate key to the run logs', () => {
    const logs = runDirs(lab).flatMap((d) => fs.readdirSync(d).map((f) => fs.readFileSync(path.join(d, f), 'utf8'))).join('\n');
    expect(logs.match(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g)).toBeNull();
    expect(logs).not.toMatch(/certificate-key[ =]+[a-f0-9]{64}/);
  });

  it("keeps the token and certificate key off the joined hosts' command lines (their sshd session logs)", async () => {
    for (const h of ['kf-node03', 'kf-node04']) {
      const sessions = await exec(lab, h, 'cat /var/log/kflab/sessions.log');
      expect(sessions, h).toMatch(/"cmd":"(KUBEFORGE_CMD=[0-9a-f]+ )?bash -s"/); // the join ran, its secrets on stdin
      expect(sessions.match(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g), h).toBeNull();
      expect(sessions, h).not.toMatch(/KF_CERT_KEY=/);
    }
  });

  it('leaves no bootstrap token valid', () => {
    expect(tokensAfter.length).toBeGreaterThan(0);
    expect(tokensAfter.filter((t) => !t.expired)).toEqual([]);
  });
});
