import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPhases, type RunnerOptions } from '../../../src/engine/runner.ts';
import { Journal } from '../../../src/engine/journal.ts';
import { Redactor } from '../../../src/engine/redact.ts';
import type { Reporter, RunEvent } from '../../../src/engine/output.ts';
import type { HostStep, Phase, PhaseId, StepFile } from '../../../src/phases/types.ts';
import type { RunRecord } from '../../../src/engine/types.ts';
import { Busy, LocalHost } from './local-host.ts';
import { ClusterRuntimeEnv, parseJoinCommand } from '../../../src/engine/runtime-env.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kf-runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

class Events implements Reporter {
  all: RunEvent[] = [];
  emit(e: RunEvent): void {
    this.all.push(e);
  }
  steps(): string[] {
    return this.all.flatMap((e) => (e.type === 'step-end' ? [`${e.host} ${e.step} ${e.status}`] : []));
  }
}

/** A step that creates a marker file per host; `fail` makes apply exit with that code. */
const touchStep = (phase: PhaseId, host: string, id: string, extra: Partial<HostStep> = {}): HostStep => ({
  id, phase, title: `make ${id}`, host,
  check: `test -f ${dir}/state/${host}.${id}`,
  apply: `mkdir -p ${dir}/state && touch ${dir}/state/${host}.${id}`,
  files: [], ...extra,
});

const phase = (id: PhaseId, hosts: string[], steps: (h: string) => HostStep[]): Phase => ({
  id, title: `phase ${id}`, hosts, steps: Object.fromEntries(hosts.map((h) => [h, steps(h)])),
});

function setup(names: string[], busy = new Busy()): Map<string, LocalHost> {
  return new Map(names.map((n) => [n, new LocalHost(n, busy)]));
}

async function run(phases: Phase[], hosts: Map<string, LocalHost>, over: Partial<RunnerOptions> = {}): Promise<{ ev: Events; out: Awaited<ReturnType<typeof runPhases>>; journal: Journal }> {
  const ev = new Events();
  // each run gets its own directory, as runs seconds apart would
  await new Promise((r) => setTimeout(r, 5));
  const journal = over.journal ?? new Journal({ root: dir, command: 'up' });
  const out = await runPhases({ phases, host: (n) => hosts.get(n) as LocalHost, journal, reporter: ev, sleep: async () => undefined, ...over });
  return { ev, out, journal };
}

describe('runner', () => {
  it('applies where the check fails, skips what is done, and says when nothing was to do', async () => {
    const hosts = setup(['m1', 'w1']);
    const phases = [phase('os', ['m1', 'w1'], (h) => [touchStep('os', h, 'a'), touchStep('os', h, 'b')])];
    const first = await run(phases, hosts);
    expect(first.out.ok).toBe(true);
    expect(first.out.exitCode).toBe(0);
    expect(first.ev.steps().sort()).toEqual(['m1 a done', 'm1 b done', 'w1 a done', 'w1 b done']);
    const end1 = first.ev.all.at(-1);
    expect(end1?.type === 'run-end' && end1.message).toBe('converged: 4 steps applied, 0 already done (4 steps checked)');

    for (const h of hosts.values()) h.execs = [];
    const second = await run(phases, hosts);
    expect(second.ev.steps().every((s) => s.endsWith('skipped'))).toBe(true);
    const end2 = second.ev.all.at(-1);
    expect(end2?.type === 'run-end' && end2.message).toBe('nothing to do: the cluster is converged (4 steps checked, 0 applied)');
    // a converged step costs one exec
    expect(hosts.get('m1')?.execs.length).toBe(2);
  });

  it('writes files only when they differ, backing up a replaced file beside itself', async () => {
    const hosts = setup(['m1']);
    const target = join(dir, 'etc', 'k8s.conf');
    const file = (content: string, mode = 0o644): StepFile => ({ path: target, content, mode, backup: true });
    const mk = (f: StepFile): Phase[] => [phase('kernel', ['m1'], (h) => [touchStep('kernel', h, 'sysctl', { files: [f], check: `grep -q x ${target}` })])];
    writeFileSync(join(dir, 'placeholder'), '');
    // an existing file with other content
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'etc'));
    writeFileSync(target, 'old\n');
    const r1 = await run(mk(file('x=1\n')), hosts);
    expect(readFileSync(target, 'utf8')).toBe('x=1\n');
    const backups = readdirSync(join(dir, 'etc')).filter((f) => f.startsWith('k8s.conf.kubeforge-bak-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^k8s\.conf\.kubeforge-bak-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(dir, 'etc', backups[0]), 'utf8')).toBe('old\n');
    // check passed but the file changed: the step counts as done, and says which files
    expect(r1.ev.steps()).toEqual(['m1 sysctl done']);
    expect(r1.out.record.hosts.m1[0].filesChanged).toEqual([target]);

    const h = hosts.get('m1') as LocalHost;
    h.puts = [];
    const r2 = await run(mk(file('x=1\n')), hosts);
    expect(h.puts).toEqual([]);
    expect(r2.ev.steps()).toEqual(['m1 sysctl skipped']);

    // only the mode differs: rewrite, no backup of identical content
    await run(mk(file('x=1\n', 0o600)), hosts);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'etc')).filter((f) => f.includes('kubeforge-bak'))).toHaveLength(1);
  });

  it('on failure: records host, step, command, exit code and tail; others go on; stops before the next phase needing the failed host', async () => {
    const hosts = setup(['m1', 'w1']);
    const failing = (h: string): Partial<HostStep> => (h === 'w1'
      ? { apply: 'echo "Loaded plugins: fastestmirror"\necho "Error: Nothing to do" >&2\nexit 5' }
      : {});
    const phases = [
      phase('os', ['m1', 'w1'], (h) => [touchStep('os', h, 'a'), touchStep('os', h, 'b', failing(h)), touchStep('os', h, 'c')]),
      phase('init', ['m1'], (h) => [touchStep('init', h, 'init')]),
      phase('join', ['m1', 'w1'], (h) => [touchStep('join', h, 'join')]),
      phase('cni', ['m1'], (h) => [touchStep('cni', h, 'cni')]),
    ];
    const { ev, out } = await run(phases, hosts);
    expect(out.ok).toBe(false);
    expect(out.exitCode).toBe(1);
    expect(ev.steps()).toContain('w1 b failed');
    expect(ev.steps()).toContain('m1 c done');
    expect(ev.steps()).toContain('m1 init done');
    expect(ev.steps().some((s) => s.startsWith('w1 c') || s.includes('join') || s.includes('cni'))).toBe(false);
    const r = out.record;
    expect(r.stoppedAt).toEqual({ phase: 'join', reason: 'w1 failed earlier' });
    const b = r.hosts.w1.find((s) => s.id === 'b');
    expect(b).toMatchObject({ status: 'failed', exitCode: 5, error: 'apply failed', tail: 'Loaded plugins: fastestmirror\nError: Nothing to do' });
    expect(b?.command).toBe('echo "Loaded plugins: fastestmirror"\necho "Error: Nothing to do" >&2\nexit 5');
    expect(r.hosts.w1.find((s) => s.id === 'c')?.status).toBe('not-run');
    expect(r.phases.map((p) => `${p.id}:${p.status}`)).toEqual(['os:failed', 'init:done', 'join:not-run', 'cni:not-run']);
    expect(r.counts).toEqual({ checked: 6, applied: 5, skipped: 0, failed: 1, notRun: 4 });
    const end = ev.all.at(-1);
    expect(end?.type === 'run-end' && end.failures).toEqual([{ host: 'w1', step: 'b', exitCode: 5, error: 'apply failed', command: b?.command, tail: b?.tail }]);

    // the next run, with the fault gone, picks up: nothing done is redone
    const fixed = [
      phase('os', ['m1', 'w1'], (h) => [touchStep('os', h, 'a'), touchStep('os', h, 'b'), touchStep('os', h, 'c')]),
      ...phases.slice(1),
    ];
    const again = await run(fixed, hosts);
    expect(again.out.ok).toBe(true);
    expect(again.ev.steps().filter((s) => s.endsWith('done')).sort()).toEqual(['m1 cni done', 'm1 join done', 'w1 b done', 'w1 c done', 'w1 join done']);
  });

  it('failFast: the other hosts finish their current step and start no new one', async () => {
    const hosts = setup(['m1', 'w1']);
    const phases = [
      phase('os', ['m1', 'w1'], (h) => [
        touchStep('os', h, 'a', h === 'w1' ? { apply: 'exit 2' } : { apply: `sleep 0.3; mkdir -p ${dir}/state; touch ${dir}/state/${h}.a` }),
        touchStep('os', h, 'b'),
      ]),
      phase('init', ['m1'], (h) => [touchStep('init', h, 'init')]),
    ];
    const { out } = await run(phases, hosts, { failFast: true });
    expect(out.record.hosts.m1.map((s) => s.status)).toEqual(['done', 'not-run', 'not-run']);
    expect(out.record.hosts.w1.map((s) => s.status)).toEqual(['failed', 'not-run']);
    expect(out.record.stoppedAt).toEqual({ phase: 'os', reason: 'w1 failed', pending: { m1: 'b', w1: 'b' } });
    expect(out.exitCode).toBe(1);
  });

  it('reports an apply that leaves the check failing', async () => {
    const hosts = setup(['m1']);
    const { out } = await run([phase('os', ['m1'], (h) => [touchStep('os', h, 'x', { apply: 'true', check: 'echo still wrong; exit 1' })])], hosts);
    expect(out.record.hosts.m1[0]).toMatchObject({ status: 'failed', exitCode: 1, error: 'apply succeeded but the check still fails', tail: 'still wrong' });
  });

  it('retries heavy steps with backoff', async () => {
    const hosts = setup(['m1']);
    const counter = join(dir, 'tries');
    const apply = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ] && touch ${dir}/pulled`;
    const waits: number[] = [];
    const step = touchStep('images', 'm1', 'pull', { heavy: true, apply, check: `test -f ${dir}/pulled` });
    const { out } = await run([phase('images', ['m1'], () => [step])], hosts, { sleep: async (ms) => void waits.push(ms), backoffMs: [100, 300] });
    expect(out.record.hosts.m1[0]).toMatchObject({ status: 'done', attempts: 3 });
    expect(waits).toEqual([100, 300]);
    // a light step is tried once
    rmSync(counter);
    const light = await run([phase('os', ['m1'], () => [{ ...step, id: 'light', heavy: false, check: 'false' }])], hosts);
    expect(light.out.record.hosts.m1[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('never works on more hosts at once than the concurrency limit', async () => {
    const busy = new Busy();
    const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
    const hosts = setup(names, busy);
    const phases = [phase('os', names, (h) => [touchStep('os', h, 'slow', { check: 'sleep 0.15; false', apply: 'true' }), touchStep('os', h, 'fast', { check: 'true' })])];
    // the verify of "slow" fails (check always false): each host fails after one exec, which is all this test needs
    await run(phases, hosts, { concurrency: 2 });
    expect(busy.max).toBe(2);
    busy.max = 0;
    await run(phases, hosts, { concurrency: 6 });
    expect(busy.max).toBeGreaterThan(2);
  });

  it('an unreachable host fails its first step with the connection line', async () => {
    const hosts = setup(['m1', 'w1']);
    (hosts.get('w1') as LocalHost).unreachable = true;
    const { out } = await run([phase('preflight', ['m1', 'w1'], (h) => [touchStep('preflight', h, 'a')])], hosts);
    expect(out.record.hosts.w1[0]).toMatchObject({ status: 'failed', error: 'w1 (local-w1:22): unreachable: connection refused (is sshd listening on that port?)' });
    expect(out.record.hosts.w1[0].exitCode).toBeUndefined();
    expect(out.record.hosts.m1[0].status).toBe('done');
  });

  it('on interrupt finishes the running steps, starts no new ones and records where it stopped', async () => {
    const hosts = setup(['m1', 'w1']);
    const ctl = new AbortController();
    const phases = [
      phase('os', ['m1', 'w1'], (h) => [touchStep('os', h, 'a', { apply: `sleep 0.3; mkdir -p ${dir}/state; touch ${dir}/state/${h}.a` }), touchStep('os', h, 'b')]),
      phase('init', ['m1'], (h) => [touchStep('init', h, 'init')]),
    ];
    const reporter: Reporter = {
      emit: (e) => {
        if (e.type === 'step-start' && e.step === 'a' && e.host === 'w1') setTimeout(() => ctl.abort(), 50);
      },
    };
    const journal = new Journal({ root: dir, command: 'up' });
    await new Promise((r) => setTimeout(r, 1));
    const out = await runPhases({ phases, host: (n) => hosts.get(n) as LocalHost, journal, reporter, signal: ctl.signal, graceMs: 5000 });
    expect(out.exitCode).toBe(130);
    expect(out.record.hosts.m1.map((s) => s.status)).toEqual(['done', 'not-run', 'not-run']);
    expect(out.record.hosts.w1.map((s) => s.status)).toEqual(['done', 'not-run']);
    expect(out.record.stoppedAt).toEqual({ phase: 'os', reason: 'interrupted', pending: { m1: 'b', w1: 'b' } });
    const saved = JSON.parse(readFileSync(join(journal.dir, 'run.json'), 'utf8')) as RunRecord;
    expect(saved.stoppedAt?.pending).toEqual({ m1: 'b', w1: 'b' });
  });

  it('cuts running steps after the grace time', async () => {
    const hosts = setup(['m1']);
    const ctl = new AbortController();
    const reporter: Reporter = { emit: (e) => void (e.type === 'step-start' && setTimeout(() => ctl.abort(), 20)) };
    // LocalHost ignores close(), so the step itself ends; what matters is that close was asked for
    const journal = new Journal({ root: dir, command: 'up' });
    const out = await runPhases({
      phases: [phase('os', ['m1'], (h) => [touchStep('os', h, 'a', { apply: 'sleep 0.5' , check: 'false' })])],
      host: (n) => hosts.get(n) as LocalHost, journal, reporter, signal: ctl.signal, graceMs: 50,
    });
    expect(hosts.get('m1')?.closed).toBe(true);
    // cut short by the interrupt: not a failure of the step, a step that did not finish
    expect(out.record.hosts.m1[0]).toMatchObject({ status: 'not-run', error: 'interrupted while running' });
    expect(out.exitCode).toBe(130);
  });

  it('a second interrupt stops the running steps at once, without waiting for the grace time', async () => {
    const hosts = setup(['m1']);
    const soft = new AbortController();
    const hard = new AbortController();
    let stopped = 0;
    // stop() ends the hung command, as SshHost.stop ends its processes on the host
    const m1 = hosts.get('m1') as LocalHost;
    let release: (() => void) | undefined;
    const hung = Object.assign(Object.create(m1) as LocalHost, {
      run: (script: string, opts?: Parameters<LocalHost['run']>[1]) => (script.includes('HANG')
        ? new Promise<Awaited<ReturnType<LocalHost['run']>>>((resolve) => {
          release = () => resolve({ code: 143, stdout: '', stderr: 'Terminated', durationMs: 1 });
        })
        : m1.run(script, opts)),
      stop: async () => {
        stopped++;
        release?.();
      },
    });
    const reporter: Reporter = {
      emit: (e) => {
        if (e.type === 'step-start') {
          setTimeout(() => soft.abort(), 10);
          setTimeout(() => hard.abort(), 30);
        }
      },
    };
    const journal = new Journal({ root: dir, command: 'up' });
    const out = await runPhases({
      phases: [phase('os', ['m1'], (h) => [touchStep('os', h, 'a', { check: 'false', apply: 'HANG' }), touchStep('os', h, 'b')])],
      host: () => hung, journal, reporter, signal: soft.signal, hardStop: hard.signal, graceMs: 60_000,
    });
    expect(stopped).toBe(1);
    expect(out.exitCode).toBe(130);
    expect(out.record.hosts.m1.map((s) => [s.id, s.status, s.error])).toEqual([['a', 'not-run', 'interrupted while running'], ['b', 'not-run', undefined]]);
    expect(out.record.stoppedAt).toEqual({ phase: 'os', reason: 'interrupted', pending: { m1: 'a' } });
  });
});

describe('journal and redaction', () => {
  it('logs every command with exit code, duration and output; no secret reaches a log, run.json or an event', async () => {
    const hosts = setup(['m1']);
    const token = 'k8sabc.0123456789abcdef';
    const certKey = 'a'.repeat(16) + 'b'.repeat(16) + '0123456789abcdef0123456789abcdef';
    const password = 'Pa55w0rd-from-env';
    const declared = 'declared-secret-value';
    const step = touchStep('join', 'm1', 'join', {
      secrets: [declared],
      check: 'false',
      apply: `echo "kubeadm join --token ${token} --certificate-key ${certKey}"\necho "pw=${password} s=${declared}" >&2\nexit 4`,
    });
    const journal = new Journal({ root: dir, command: 'up', redactor: Redactor.fromEnv(['KF_SUDO_PW'], { KF_SUDO_PW: password }) });
    const { ev } = await run([phase('join', ['m1'], () => [step])], hosts, { journal });
    const files = readdirSync(journal.dir);
    expect(files.sort()).toEqual(['m1.log', 'run.json']);
    const log = readFileSync(join(journal.dir, 'm1.log'), 'utf8');
    expect(log).toMatch(/^=== \S+ join$/m);
    expect(log).toMatch(/^--- exit 4 in \d+ ms$/m);
    expect(log).toContain('[stderr]');
    const everything = [log, readFileSync(join(journal.dir, 'run.json'), 'utf8'), JSON.stringify(ev.all)].join('\n');
    for (const secret of [token, certKey, password, declared, '0123456789abcdef']) expect(everything).not.toContain(secret);
    expect(everything).toContain('[REDACTED]');
    expect(existsSync(join(dir, '.kubeforge', 'runs'))).toBe(true);
  });
});

describe('run-time values for steps (HostStep.env)', () => {
  it('fetches a join token from the init master only when a step has to apply, and keeps it out of the logs', async () => {
    const bin = join(dir, 'bin');
    const { mkdirSync, chmodSync } = await import('node:fs');
    mkdirSync(bin);
    const token = 'q1w2e3.r4t5y6u7i8o9p0a1';
    const hash = `sha256:${'c'.repeat(64)}`;
    writeFileSync(join(bin, 'kubeadm'), `#!/bin/bash\necho "$@" >> ${dir}/kubeadm-calls\necho "kubeadm join 198.18.0.10:6443 --token ${token} --discovery-token-ca-cert-hash ${hash} "\n`);
    chmodSync(join(bin, 'kubeadm'), 0o755);
    const busy = new Busy();
    const hosts = new Map([
      ['m1', new LocalHost('m1', busy, { PATH: `${bin}:${process.env.PATH}` })],
      ['w1', new LocalHost('w1', busy)],
      ['w2', new LocalHost('w2', busy)],
    ]);
    const joinStep = (h: string): HostStep => touchStep('join', h, 'join', {
      heavy: true, env: ['KF_JOIN_TOKEN', 'KF_JOIN_CA_CERT_HASH', 'KF_CERT_KEY'],
      check: `test -f ${dir}/${h}.joined`,
      apply: `echo "$KF_JOIN_TOKEN $KF_JOIN_CA_CERT_HASH $KF_CERT_KEY" > ${dir}/${h}.joined`,
    });
    const phases = [phase('join', ['w1', 'w2'], (h) => [joinStep(h)])];
    const journal = new Journal({ root: dir, command: 'up' });
    const runtimeEnv = new ClusterRuntimeEnv('m1', (v) => journal.redactor.add(v));
    const { out } = await run(phases, hosts, { journal, runtimeEnv });
    expect(out.ok).toBe(true);
    // one token for the whole run, shared by both joins
    expect(readFileSync(join(dir, 'kubeadm-calls'), 'utf8')).toBe('token create --ttl 15m --print-join-command\n');
    for (const h of ['w1', 'w2']) expect(readFileSync(join(dir, `${h}.joined`), 'utf8')).toBe(`${token} ${hash} ${runtimeEnv.certKey}\n`);
    const written = readdirSync(journal.dir).map((f) => readFileSync(join(journal.dir, f), 'utf8')).join('\n');
    expect(written).not.toContain(token);
    expect(written).not.toContain(runtimeEnv.certKey);

    // the run's token is revoked by its id (the secret part stays off the command line)
    expect(await runtimeEnv.revoke((n) => hosts.get(n)!)).toBe('q1w2e3');
    expect(readFileSync(join(dir, 'kubeadm-calls'), 'utf8').split('\n')[1]).toBe('token delete q1w2e3');

    // converged: the checks pass, no token is created, none to revoke
    const quiet = new ClusterRuntimeEnv('m1', () => undefined);
    const again = await run(phases, hosts, { runtimeEnv: quiet });
    expect(again.out.record.counts.applied).toBe(0);
    expect(await quiet.revoke((n) => hosts.get(n)!)).toBeUndefined();
    expect(readFileSync(join(dir, 'kubeadm-calls'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('parses the join command kubeadm prints', () => {
    const h = `sha256:${'0123456789abcdef'.repeat(4)}`;
    expect(parseJoinCommand(`kubeadm join 198.18.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${h} \n`))
      .toEqual({ token: 'abcdef.0123456789abcdef', caCertHash: h });
    expect(parseJoinCommand('failed to load admin kubeconfig')).toBeUndefined();
  });
});
