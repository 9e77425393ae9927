/**
 * The add-ons' images pulled ahead in the images phase: the names the patched manifests use,
 * with the same image under each other healthy registry; the step's script pulls the chosen one
 * or, failing that, the next, tagged with the chosen name. Run with bash and stand-ins.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/inventory/model.ts';
import { addonImages } from '../../../src/render/addon-images.ts';
import { bundledManifest } from '../../../src/render/bundled.ts';
import { inventory, phasesOf, stepOf } from './helpers.ts';

let dir: string;
let el9: Cluster;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-addon-img-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  const base = inventory('el9-containerd.yaml');
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  el9 = {
    ...base,
    cluster: {
      ...base.cluster,
      cni: { ...base.cluster.cni, manifest: write('calico.yaml', bundledManifest('calico', base.cluster.cni.version)) },
      metricsServer: { ...base.cluster.metricsServer, manifest: write('ms.yaml', bundledManifest('metrics-server', base.cluster.metricsServer.version)) },
    },
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the add-ons' images", () => {
  it('are named as in the patched manifests, with each other registry of their class as an alternative', () => {
    const imgs = addonImages(el9);
    const [calico, ...calicoAlts] = el9.mirrors.calicoImages;
    const node = imgs.find((i) => i.want.startsWith(`${calico}/node:`));
    expect(node?.want).toBe(`${calico}/node:${el9.cluster.cni.version}`);
    expect(node?.alts).toEqual(calicoAlts.map((r) => `${r}/node:${el9.cluster.cni.version}`));
    const ms = imgs.find((i) => i.want.includes('metrics-server:'));
    expect(ms?.want).toBe(`${el9.mirrors.images[0]}/metrics-server:${el9.cluster.metricsServer.version}`);
    // a bare mirror of registry.k8s.io keeps upstream's path
    expect(ms?.alts).toContain(`k8s.m.daocloud.io/metrics-server/metrics-server:${el9.cluster.metricsServer.version}`);
    expect(new Set(imgs.map((i) => i.want)).size).toBe(imgs.length);
  });

  it('are pulled on every host, from the next registry when the chosen one fails, under the chosen name', async () => {
    const worker = el9.hosts.find((h) => h.role === 'worker')?.name ?? '';
    const step = stepOf(phasesOf(el9), worker, 'images.node');
    const calico = el9.mirrors.calicoImages[0];
    const cfg = path.join(dir, 'images.yaml');
    fs.writeFileSync(cfg, step.files[0].content);
    const bin = (name: string, body: string) => fs.writeFileSync(path.join(dir, 'bin', name), `#!/bin/bash\necho "${name} $*" >> ${dir}/calls\n${body}\n`, { mode: 0o755 });
    bin('kubeadm', 'echo "$(sed -n "s/^imageRepository: //p" "$5")/pause:3.10"');
    // the chosen Calico registry is down: its pulls fail, every other pull works
    bin('crictl', `case "$1" in inspecti) exit 1;; pull) case "$2" in ${calico}/*) echo "failed to pull and unpack image: i/o timeout" >&2; exit 1;; esac;; esac`);
    bin('ctr', '');
    const r = await execa('bash', ['-c', step.apply.replaceAll(step.files[0].path, cfg)], { env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8');
    const second = el9.mirrors.calicoImages[1];
    expect(calls).toContain(`ctr -n k8s.io images tag --force ${second}/node:${el9.cluster.cni.version} ${calico}/node:${el9.cluster.cni.version}`);
    expect(r.stdout).toContain(`pulled ${second}/node:${el9.cluster.cni.version} as ${calico}/node:${el9.cluster.cni.version}`);
    const inspect = step.check.split('\n').find((l) => l.startsWith('crictl inspecti $images '));
    expect(inspect).toContain(` '${calico}/node:${el9.cluster.cni.version}'`);
  });
});
