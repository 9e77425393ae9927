import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chooseMirrors } from '../../../src/mirrors/choose.ts';
import { parseProbes, probeScript, probesFor, type ProbeResult } from '../../../src/mirrors/probe.ts';
import { inventory } from '../render/helpers.ts';

const lab = inventory('lab.yaml');
const el9 = inventory('el9-containerd.yaml');

describe('mirror probes', () => {
  it('probe the repository metadata of each package candidate, and a manifest the run needs on each registry', () => {
    const p = probesFor(lab, 'el7');
    const vault = p.filter((x) => x.cls === 'centosVault');
    expect(vault.map((x) => x.candidate)).toEqual(lab.mirrors.centosVault);
    expect(vault[0].url).toBe(`${lab.mirrors.centosVault[0]}os/x86_64/repodata/repomd.xml`);
    expect(p.some((x) => x.cls === 'kubernetesLegacy')).toBe(true);
    expect(p.some((x) => x.cls === 'rocky')).toBe(false);
    const img = p.find((x) => x.cls === 'images');
    expect(img?.url).toBe('https://registry.cn-hangzhou.aliyuncs.com/v2/google_containers/kube-proxy/manifests/v1.23.17');
    expect(p.find((x) => x.cls === 'calicoImages' && x.candidate === 'docker.io/calico')?.url).toBe(`https://registry-1.docker.io/v2/calico/node/manifests/${lab.cluster.cni.version}`);
    const p9 = probesFor(el9, 'el9');
    expect(p9.find((x) => x.cls === 'rocky')?.url).toBe(`${el9.mirrors.rocky[0].replace('$releasever', '9')}BaseOS/x86_64/os/repodata/repomd.xml`);
    expect(p9.find((x) => x.cls === 'kubernetes')?.url).toContain(`v${el9.cluster.version.minor}/`);
    expect(p9.find((x) => x.cls === 'dockerCe')?.url).not.toMatch(/\$/);
  });

  it('the probe script reports every probe, even when curl fails; the parser names the reasons', () => {
    const probes = probesFor(lab, 'el7').slice(0, 3);
    // a curl that answers per URL as a dead mirror would
    const fake = `curl() { case "$*" in *aliyun*) echo -n 403;; *tuna*) return 28;; *) echo -n 200;; esac; }\n`;
    const out = spawnSync('bash', ['-c', fake + probeScript(probes, 'n1')], { encoding: 'utf8' }).stdout;
    const r = parseProbes(out, probes, 'n1');
    expect(r.map((x) => [x.ok, x.reason])).toEqual([
      [false, 'HTTP 403'],
      [false, 'timed out'],
      [true, undefined],
    ]);
    expect(parseProbes('', probes, 'n1').every((x) => !x.ok && x.reason === 'no answer from the probe')).toBe(true);
  });
});

describe('the choice', () => {
  const results = (fail: (url: string, host: string) => string | undefined): Map<string, ProbeResult[]> =>
    new Map(
      lab.hosts.map((h) => [
        h.name,
        probesFor(lab, 'el7').map((probe) => {
          const reason = fail(probe.url, h.name);
          return reason ? { probe, ok: false, reason } : { probe, ok: true };
        }),
      ]),
    );

  it('keeps the healthy candidates in order, the first wins; a candidate dead from one host is skipped', () => {
    const v = lab.mirrors.centosVault;
    const c = chooseMirrors(lab, results((url, host) => (url.startsWith(v[0]) ? 'HTTP 403' : url.startsWith(v[1]) && host === 'k8s-node02' ? 'timed out' : undefined)));
    expect(c.dead).toEqual([]);
    expect(c.cluster.mirrors.centosVault).toEqual(v.slice(2));
    expect(c.lines).toContain(`mirror centos-vault: using ${v[2]} (preferred ${v[0]} skipped); skipped ${v[0]} (HTTP 403 from k8s-master01), ${v[1]} (timed out from k8s-node02)`);
    // untouched classes keep their order
    expect(c.cluster.mirrors.kubernetesLegacy).toEqual(lab.mirrors.kubernetesLegacy);
  });

  it('a registry that fails moves the image repository to the next one', () => {
    const im = lab.mirrors.images;
    const c = chooseMirrors(lab, results((url) => (url.includes(im[0].split('/')[0]) ? 'timed out' : undefined)));
    expect(c.cluster.cluster.imageRepository).toBe(im[1]);
    expect(c.cluster.mirrors.images[0]).toBe(im[1]);
  });

  it('a class with no healthy candidate: one line per candidate tried', () => {
    const c = chooseMirrors(lab, results((url) => (url.includes('kubernetes') ? 'could not resolve host' : undefined)));
    expect(c.dead[0]).toBe('mirrors: no kubernetes-legacy mirror is reachable from the hosts; tried:');
    expect(c.dead.slice(1)).toEqual(lab.mirrors.kubernetesLegacy.map((u) => `  ${u} (could not resolve host from k8s-master01)`));
  });
});
