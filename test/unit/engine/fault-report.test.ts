// What a failure report and an interrupt rely on: the failing command named, the cause kept in
// the output tail, and every process of an interrupted command ended.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { outputTail } from '../../../src/engine/step-exec.ts';
import { parseStepOutput, stepScript } from '../../../src/engine/step-script.ts';
import { stopScript } from '../../../src/hosts/ssh.ts';

describe('failure reports', () => {
  it('name the command that failed the apply, and strip the marker from the output', () => {
    const apply = '#!/bin/bash\nset -euo pipefail\necho starting\nfalse_with_args() { return 3; }\ntrue\ngrep -q nothing-here /dev/null\necho never';
    const s = stepScript('exit 1', apply, 'n1');
    const r = spawnSync('bash', ['-c', s], { encoding: 'utf8' });
    const parts = parseStepOutput(r.stdout, r.stderr, 'n1');
    expect(parts.apply?.code).toBe(1);
    expect(parts.apply?.failedCommand).toBe('grep -q nothing-here /dev/null');
    expect(parts.apply?.stderr).not.toContain('@@kf');
    expect(parts.apply?.stdout).toBe('starting\n');
  });

  it('name the calling line when a function failed (its `return $rc` says nothing)', () => {
    const apply = '#!/bin/bash\nset -euo pipefail\nkf_yum() { local rc=0; false || rc=$?; return $rc; }\necho starting\nkf_yum install -y kubeadm\necho never';
    const r = spawnSync('bash', ['-c', stepScript('exit 1', apply, 'n2')], { encoding: 'utf8' });
    expect(parseStepOutput(r.stdout, r.stderr, 'n2', apply).apply?.failedCommand).toBe('kf_yum install -y kubeadm');
    expect(parseStepOutput(r.stdout, r.stderr, 'n2').apply?.failedCommand).toBe('return $rc');
  });

  it('keep the lines naming the cause above a tail that pushed them out', () => {
    const out = ['Loaded plugins: fastestmirror', 'failure: repodata/repomd.xml from docker-ce-stable: [Errno 256] No more mirrors to try.',
      ...Array.from({ length: 30 }, (_, i) => `cleanup line ${i}`)].join('\n');
    const tail = outputTail(out).split('\n');
    expect(tail[0]).toBe('failure: repodata/repomd.xml from docker-ce-stable: [Errno 256] No more mirrors to try.');
    expect(tail[1]).toBe('...');
    expect(tail.at(-1)).toBe('cleanup line 29');
    expect(tail).toHaveLength(17);
    expect(outputTail('a\nb')).toBe('a\nb');
  });
});

describe('stopping the commands of an interrupted run', () => {
  it('ends every process of the marked command (its session), and only those', async () => {
    const marked = spawn('setsid', ['bash', '-c', 'sleep 60 & env -i sleep 61; echo finished'], { env: { ...process.env, KUBEFORGE_CMD: 'tag1' }, stdio: 'ignore' });
    const other = spawn('setsid', ['sleep', '62'], { env: { ...process.env, KUBEFORGE_CMD: 'othertag' }, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    // only in the two sessions started here: other tests may run sleeps of their own meanwhile
    const alive = (): string[] => spawnSync('pgrep', ['-s', `${marked.pid},${other.pid}`, '-f', '^sleep 6[012]$'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(alive()).toHaveLength(3);
    const r = spawnSync('bash', ['-c', stopScript(['tag1', 'tag2'])], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(alive()).toHaveLength(1);
    other.kill();
    marked.kill();
  });
});
