import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { judgePackages, packageCheckScript, parsePackageCheck } from '../../../src/mirrors/package-check.ts';
import { inventory } from '../render/helpers.ts';

const el9 = inventory('el9-containerd.yaml');
const build = el9.cluster.version.packageVersion;
const minor = el9.cluster.version.minor;
const urls = el9.mirrors.kubernetes.slice(0, 2);
const real = urls.map((u) => u.replaceAll('{minor}', minor));

/** Run the real script with rpm and yum replaced by functions that answer per mirror. */
function runScript(yumBody: string, rpmInstalled = false): string {
  const fake = `rpm() { return ${rpmInstalled ? 0 : 1}; }\nyum() { conf=$(cat "$2"); ${yumBody} }\n`;
  const r = spawnSync('bash', ['-c', fake + packageCheckScript(el9, urls, 'n1')], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('the Kubernetes package check', () => {
  it('asks yum, through a private config naming one mirror at a time, and reads which carry the build', () => {
    const row = (v: string): string => `kubeadm.x86_64                       ${v}                    kubeforge-check`;
    const out = runScript(`case "$conf" in *${real[0]}*) echo "${row(`${minor}.0-150500.1.1`)}"; echo "${row(`${minor}.1-150500.1.1`)}";; *) echo "${row(build)}";; esac; return 0;`);
    const answers = parsePackageCheck(out, 2, build, 'n1');
    expect(answers).toEqual([
      { has: false, versions: [`${minor}.0`, `${minor}.1`] },
      { has: true, versions: [el9.cluster.kubernetesVersion] },
    ]);
    const j = judgePackages(el9, urls, answers ?? [], 'm1');
    expect(j.missing).toEqual([]);
    expect(j.cluster.mirrors.kubernetes).toEqual([urls[1]]);
    expect(j.lines).toEqual([`packages kubeadm-${build}: in ${real[1]} (preferred ${real[0]} skipped) (asked from m1); skipped ${real[0]} (no kubeadm-${build}; newest there: ${minor}.1)`]);
  });

  it('refuses with the inventory line when no mirror carries it, and keeps a mirror it could not read', () => {
    const none = parsePackageCheck(runScript(`echo "Error: No matching Packages to list" >&2; return 1;`), 2, build, 'n1') ?? [];
    expect(none.every((a) => !a.has && !a.error)).toBe(true);
    const withPos = { ...el9, cluster: { ...el9.cluster, versionPos: { file: '/x/inv.yaml', line: 4 } } };
    const j = judgePackages(withPos, urls, none, 'm1');
    expect(j.missing).toEqual([`/x/inv.yaml:4: cluster.kubernetesVersion: ${el9.cluster.kubernetesVersion} has no packages in the chosen mirrors (asked from m1): ${real.map((u) => `${u} (no kubeadm-${build}; no kubeadm at all)`).join(', ')}`]);
    expect(judgePackages(el9, urls.slice(0, 1), none.slice(0, 1), 'm1').missing).toHaveLength(1);

    const broken = parsePackageCheck(runScript(`echo "Cannot download repomd.xml: All mirrors were tried" >&2; return 1;`), 2, build, 'n1') ?? [];
    expect(broken[0].error).toBe('Cannot download repomd.xml: All mirrors were tried');
    const kept = judgePackages(el9, urls, broken, 'm1');
    expect(kept.missing).toEqual([]);
    expect(kept.cluster.mirrors.kubernetes).toEqual(urls);
  });

  it('has no verdict on a host that has the build installed already', () => {
    expect(parsePackageCheck(runScript('return 0;', true), 2, build, 'n1')).toBeUndefined();
    expect(parsePackageCheck('', 2, build, 'n1')?.every((a) => a.error === 'no answer from the check')).toBe(true);
  });
});
