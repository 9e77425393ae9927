/**
 * Golden tests: the full `plan` output of the three example inventories, pinned in
 * test/golden/<inventory>.txt. After an intended change: UPDATE_GOLDEN=1 npx vitest run test/golden
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planOutput } from '../../src/commands/plan-output.ts';
import { loadInventory } from '../../src/inventory/index.ts';
import { bundledManifest } from '../../src/render/bundled.ts';
import { cachePath, releaseUrl } from '../../src/render/manifests.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin = path.join(repo, 'bin', 'kubeforge.mjs');
const update = process.env.UPDATE_GOLDEN === '1';

let cache: string;
const saved = process.env.KUBEFORGE_CACHE_DIR;
beforeAll(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-golden-cache-'));
  process.env.KUBEFORGE_CACHE_DIR = cache;
  // the seed lab's add-on manifests are "downloaded" (the project's own, in the cache):
  // its golden shows them patched; the other two show the not-yet-fetched form
  const lab = loadInventory(path.join(repo, 'inventories', 'lab.yaml'));
  for (const [addon, version] of [['calico', lab.cluster.cni.version], ['metrics-server', lab.cluster.metricsServer.version]] as const) {
    const file = cachePath(releaseUrl(addon, version));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bundledManifest(addon, version));
  }
});
afterAll(() => {
  if (saved === undefined) delete process.env.KUBEFORGE_CACHE_DIR;
  else process.env.KUBEFORGE_CACHE_DIR = saved;
  fs.rmSync(cache, { recursive: true, force: true });
});

/** machine-specific paths out of the output */
const normalize = (text: string): string => text.replaceAll(cache, '<cache>').replaceAll(repo, '<repo>');

describe('plan golden output', () => {
  for (const name of ['lab', 'el9-containerd', 'ha']) {
    it(`${name}.yaml`, () => {
      const out = normalize(planOutput(path.join(repo, 'inventories', `${name}.yaml`), 'text'));
      const golden = path.join(here, `${name}.txt`);
      if (update || !fs.existsSync(golden)) {
        if (!update) throw new Error(`${golden} is missing: run with UPDATE_GOLDEN=1 to create it`);
        fs.writeFileSync(golden, out);
      }
      expect(out).toBe(fs.readFileSync(golden, 'utf8'));
    });
  }

  it('the seed lab golden shows what issue 5 asks for k8s-master01', () => {
    const text = fs.readFileSync(path.join(here, 'lab.txt'), 'utf8');
    for (const s of [
      'advertiseAddress: 192.168.174.110', 'name: k8s-master01', 'imageRepository: registry.cn-hangzhou.aliyuncs.com/google_containers',
      'kubernetesVersion: v1.23.17', 'podSubnet: 172.168.0.0/16', 'serviceSubnet: 10.96.0.0/12', 'controlPlaneEndpoint: 192.168.174.110:6443',
      'criSocket: unix:///var/run/dockershim.sock', 'cgroupDriver: systemd', 'mode: ipvs',
      'value: 172.168.0.0/16', '--kubelet-insecure-tls',
    ]) expect(text).toContain(s);
  });
});

describe('kubeforge plan (CLI)', () => {
  const env = () => ({ KUBEFORGE_CACHE_DIR: cache });

  it('prints the text plan and exits 0', async () => {
    const r = await execa('node', [bin, 'plan', '-i', path.join(repo, 'inventories', 'lab.yaml')], { env: env(), reject: false });
    expect(r.exitCode).toBe(0);
    expect(normalize(r.stdout + '\n')).toBe(fs.readFileSync(path.join(here, 'lab.txt'), 'utf8'));
  });

  it('--output json prints the phases for machines', async () => {
    const r = await execa('node', [bin, 'plan', '-i', path.join(repo, 'inventories', 'ha.yaml'), '--output', 'json'], { env: env(), reject: false });
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { cluster: string; factsAssumed: boolean; phases: { id: string; hosts: string[]; steps: Record<string, { id: string; env?: string[] }[]> }[] };
    expect(j.factsAssumed).toBe(true);
    expect(j.phases[0].id).toBe('preflight');
    const join = j.phases.find((p) => p.id === 'join');
    expect(join?.steps[join.hosts[0]][0]).toMatchObject({ id: 'join.kubeadm-join', env: expect.arrayContaining(['KF_JOIN_TOKEN']) });
  });

  it('an unknown --output is an input error (exit 2)', async () => {
    const r = await execa('node', [bin, 'plan', '-o', 'yaml', '-i', path.join(repo, 'inventories', 'lab.yaml')], { env: env(), reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('kubeforge: --output must be text or json, not "yaml"');
  });

});
