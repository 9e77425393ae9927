/**
 * Package steps on el8+: the repo files name the chosen mirror only; a download failure there
 * moves the command to each further healthy mirror (--setopt), and the end lists every one.
 * The real apply scripts run with bash and a stand-in dnf that answers per mirror.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostContext } from '../../../src/render/context.ts';
import { mirrorAttempts } from '../../../src/render/repos.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { inventory, phasesOf, stepOf } from '../render/helpers.ts';
import { scriptSandbox } from './script-sandbox.ts';

const sandbox = scriptSandbox('kf-yum-');

const el9 = inventory('el9-containerd.yaml');
const lab = inventory('lab.yaml');
const run = (script: string) => sandbox.run(script);
/** a dnf that fails with a curl timeout unless a --setopt names a mirror matching $GOOD; logs its argv */
const fakeDnf = (good: string) => fs.writeFileSync(path.join(sandbox.dir, 'bin', 'dnf'), `#!/bin/bash
echo "$*" >> ${sandbox.dir}/calls
case "$*" in *--setopt=kubernetes.baseurl=*${good}*) echo "Complete!"; exit 0;; esac
echo "Errors during downloading metadata for repository 'kubernetes':" >&2
echo "  - Curl error (28): Timeout was reached for https://dead/repodata/repomd.xml" >&2
echo "Error: Failed to download metadata for repo 'kubernetes': Cannot download repomd.xml: Cannot download repodata/repomd.xml: All mirrors were tried" >&2
exit 1
`, { mode: 0o755 });

describe('mirror fallbacks for package commands', () => {
  const facts = assumedFactsAll(el9);
  const ctx = hostContext(el9, el9.hosts[1], facts[el9.hosts[1].name]);
  const attempts = mirrorAttempts(ctx);
  const kube = el9.mirrors.kubernetes.map((u) => u.replaceAll('{minor}', el9.cluster.version.minor));

  it('on el8+: the chosen mirrors as written, then each further candidate through --setopt, keys with them', () => {
    expect(attempts[0].setopts).toEqual([]);
    expect(attempts.length).toBe(Math.max(el9.mirrors.rocky.length, el9.mirrors.dockerCe.length, el9.mirrors.kubernetes.length));
    expect(attempts[1].setopts).toContain(`kubernetes.baseurl=${kube[1]}`);
    expect(attempts[1].setopts).toContain(`kubernetes.gpgkey=${kube[1]}repodata/repomd.xml.key`);
    expect(attempts[1].urls).toContain(kube[1]);
    // el7's repo files list every candidate; yum walks them itself
    const f7 = assumedFactsAll(lab);
    expect(mirrorAttempts(hostContext(lab, lab.hosts[0], f7[lab.hosts[0].name]))).toHaveLength(1);
  });

  it('moves to the next mirror when the chosen one fails to download, and stops there once it works', async () => {
    const step = stepOf(phasesOf(el9), el9.hosts[1].name, 'kube-packages.install');
    fakeDnf(new URL(kube[1]).hostname);
    const r = await run(step.apply);
    expect(r.exitCode, r.stderr).toBe(0);
    const calls = fs.readFileSync(path.join(sandbox.dir, 'calls'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain('--setopt');
    expect(calls[1]).toContain(`--setopt=kubernetes.baseurl=${kube[1]}`);
    expect(r.stdout).toContain(`kubeforge: dnf install: moving to the next mirrors: `);
  });

  it('lists every mirror tried with its error when all fail', async () => {
    const step = stepOf(phasesOf(el9), el9.hosts[1].name, 'runtime.packages');
    fakeDnf('no-such-mirror');
    const r = await run(step.apply);
    expect(r.exitCode).toBe(1);
    expect(fs.readFileSync(path.join(sandbox.dir, 'calls'), 'utf8').trim().split('\n')).toHaveLength(attempts.length);
    const tail = r.stderr.slice(r.stderr.indexOf('kubeforge: dnf install failed on every mirror tried:'));
    const listed = tail.split('\n').slice(1).filter((l) => l.startsWith('  '));
    expect(listed).toHaveLength(attempts.length);
    expect(listed[0]).toContain(kube[0]);
    expect(listed.every((l) => l.endsWith("Error: Failed to download metadata for repo 'kubernetes': Cannot download repomd.xml: Cannot download repodata/repomd.xml: All mirrors were tried"))).toBe(true);
  });

  it('does not walk the mirrors for an error that is the same everywhere', async () => {
    const step = stepOf(phasesOf(el9), el9.hosts[1].name, 'repos.base-packages');
    fs.writeFileSync(path.join(sandbox.dir, 'bin', 'dnf'), `#!/bin/bash\necho "$*" >> ${sandbox.dir}/calls\necho "Error: Unable to find a match: no-such-package" >&2\nexit 1\n`, { mode: 0o755 });
    const r = await run(step.apply);
    expect(r.exitCode).toBe(1);
    expect(fs.readFileSync(path.join(sandbox.dir, 'calls'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('every mirror');
  });
});
