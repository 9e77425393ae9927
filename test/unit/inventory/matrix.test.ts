import { describe, expect, it } from 'vitest';
import {
  calicoSupports,
  capRuntimeVersions,
  calicoWindow,
  compareMinor,
  matrix,
  metricsServerMinKube,
  packageVersionFor,
  parseKubeVersion,
  supportedMinors,
  versionInfo,
} from '../../../src/inventory/matrix.ts';

const minors = supportedMinors();

describe('version matrix', () => {
  it('covers every minor from 1.23 to at least 1.33, each with an entry', () => {
    expect(minors[0]).toBe('1.23');
    expect(compareMinor(minors[minors.length - 1], '1.33')).toBeGreaterThanOrEqual(0);
    for (const m of minors) expect(matrix().minors[m], m).toBeDefined();
    // no entry outside the declared range
    expect(Object.keys(matrix().minors).sort(compareMinor)).toEqual(minors);
  });

  it('picks the kubeadm API by version: v1beta3 up to 1.30, v1beta4 from 1.31', () => {
    expect(versionInfo('1.23.17').kubeadmApi).toBe('v1beta3');
    expect(versionInfo('1.30.14').kubeadmApi).toBe('v1beta3');
    expect(versionInfo('1.31.0').kubeadmApi).toBe('v1beta4');
    for (const m of minors) {
      const api = versionInfo(`${m}.0`).kubeadmApi;
      // v1beta2 was removed in 1.26; v1beta4 exists from 1.31
      if (compareMinor(m, '1.25') > 0) expect(api, m).not.toBe('v1beta2');
      if (compareMinor(m, '1.31') < 0) expect(api, m).not.toBe('v1beta4');
      else expect(api, m).toBe('v1beta4');
    }
  });

  it('uses the legacy el7 repo for 1.23 and pkgs.k8s.io per minor from 1.24, with their version formats', () => {
    expect(versionInfo('1.23.17').packageRepo).toBe('legacy-el7');
    expect(packageVersionFor('1.23.17')).toBe('1.23.17-0');
    expect(packageVersionFor('v1.30.2')).toBe('1.30.2-150500.1.1');
    for (const m of minors.filter((x) => compareMinor(x, '1.24') >= 0)) {
      expect(versionInfo(`${m}.1`).packageRepo, m).toBe('pkgs-k8s-io');
      expect(versionInfo(`${m}.1`).packageVersion).toBe(`${m}.1-150500.1.1`);
    }
  });

  it('defaults to docker only for 1.23 (dockershim) and to containerd after', () => {
    expect(versionInfo('1.23.17').defaultRuntime).toBe('docker');
    for (const m of minors.slice(1)) expect(versionInfo(`${m}.0`).defaultRuntime, m).toBe('containerd');
  });

  it('gives criSocket in URL form for the chosen runtime', () => {
    expect(versionInfo('1.23.17').criSocket).toBe('unix:///var/run/dockershim.sock');
    expect(versionInfo('1.23.17', 'containerd').criSocket).toBe('unix:///var/run/containerd/containerd.sock');
    expect(versionInfo('1.33.1').criSocket).toBe('unix:///var/run/containerd/containerd.sock');
  });

  it('knows the images kubeadm uses, per patch release', () => {
    const seed = versionInfo('1.23.17');
    expect([seed.pauseVersion, seed.corednsVersion, seed.etcdVersion]).toEqual(['3.6', 'v1.8.6', '3.5.6-0']);
    expect(versionInfo('1.23.0').etcdVersion).toBe('3.5.1-0');
    expect(versionInfo('1.23.14').etcdVersion).toBe('3.5.5-0');
    expect(versionInfo('1.28.0').etcdVersion).toBe('3.5.9-0');
    expect(versionInfo('1.28.15').etcdVersion).toBe('3.5.15-0');
    expect(versionInfo('1.30.4').corednsVersion).toBe('v1.11.1');
    expect(versionInfo('1.30.5').corednsVersion).toBe('v1.11.3');
    expect(versionInfo('1.31.2').pauseVersion).toBe('3.10');
    for (const m of minors) expect(matrix().minors[m].images.some((i) => i.since === 0), m).toBe(true);
  });

  it('pins docker 20.10 for the dockershim era and a containerd.io for every minor', () => {
    expect(versionInfo('1.23.17').dockerVersion).toMatch(/^20\.10\./);
    for (const m of minors) expect(versionInfo(`${m}.0`).containerdVersion, m).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lowers runtime pins to what the EL7 docker-ce repo still builds', () => {
    const v = versionInfo('1.33.1');
    expect(v.containerdVersion).toMatch(/^1\.7\./);
    expect(capRuntimeVersions(v, 'centos7').containerdVersion).toBe('1.6.33');
    expect(capRuntimeVersions(v, 'rocky9').containerdVersion).toBe(v.containerdVersion);
    expect(capRuntimeVersions(versionInfo('1.23.17'), 'centos7').dockerVersion).toBe('20.10.24');
  });

  it("defaults every minor to a Calico and a metrics-server that support it", () => {
    for (const m of minors) {
      const v = versionInfo(`${m}.0`);
      expect(calicoSupports(v.calicoVersion, m), `${v.calicoVersion} on ${m}`).toBe(true);
      const min = metricsServerMinKube(v.metricsServerVersion);
      expect(min, v.metricsServerVersion).toBeDefined();
      expect(compareMinor(m, min ?? '9.99'), `${v.metricsServerVersion} on ${m}`).toBeGreaterThanOrEqual(0);
    }
    expect(versionInfo('1.23.17').calicoVersion).toBe('v3.25.2');
  });

  it('has a Calico compatibility window per Calico minor, checked at its edges', () => {
    expect(calicoWindow('v3.25.2')).toEqual({ from: '1.23', to: '1.26' });
    expect(calicoSupports('v3.25.2', '1.22')).toBe(false);
    expect(calicoSupports('v3.25.2', '1.23')).toBe(true);
    expect(calicoSupports('v3.25.2', '1.26')).toBe(true);
    expect(calicoSupports('v3.25.2', '1.27')).toBe(false);
    expect(calicoSupports('v3.29.0', '1.32')).toBe(true);
    expect(calicoSupports('v3.19.0', '1.23')).toBe(false);
  });

  it('parses release versions and refuses others', () => {
    expect(parseKubeVersion('v1.23.17')).toEqual({ major: 1, minor: 23, patch: 17 });
    expect(parseKubeVersion('1.23')).toBeUndefined();
    expect(parseKubeVersion('1.30.0-rc.1')).toBeUndefined();
    expect(() => versionInfo('1.22.3')).toThrow(/not in the version matrix/);
  });
});
