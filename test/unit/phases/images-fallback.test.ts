/**
 * images.pull: when the chosen registry fails, each further healthy registry in turn, the images
 * tagged with the chosen names. The real apply script runs with bash and stand-ins for kubeadm,
 * crictl and ctr that answer per registry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostStep } from '../../../src/phases/types.ts';
import { inventory, phasesOf, stepOf } from '../render/helpers.ts';
import { scriptSandbox } from './script-sandbox.ts';

const sandbox = scriptSandbox('kf-img-');

const el9 = inventory('el9-containerd.yaml');
const master = el9.hosts[0].name;
const [chosen, second, third] = el9.mirrors.images;
const run = (script: string) => sandbox.run(script);
const bin = (name: string, body: string) => fs.writeFileSync(path.join(sandbox.dir, 'bin', name), `#!/bin/bash\necho "${name} $*" >> ${sandbox.dir}/calls\n${body}\n`, { mode: 0o755 });

/** The step's apply, with its kubeadm config written where the script can read it. */
function localApply(step: HostStep): string {
  const f = step.files[0];
  const local = path.join(sandbox.dir, path.basename(f.path));
  fs.writeFileSync(local, f.content);
  return step.apply.replaceAll(f.path, local);
}

/** kubeadm lists two images under the config's imageRepository; pulls from $1 fail, crictl pulls work only from $2 */
function fakes(goodRegistry: string): void {
  bin('kubeadm', `
cfg=$(cat "$4" 2>/dev/null || cat "$5")
repo=$(printf '%s\\n' "$cfg" | sed -n 's/^imageRepository: //p')
case "$1 $2 $3" in
  "config images list") echo "$repo/kube-apiserver:v1"; echo "$repo/pause:3.9";;
  "config images pull") echo 'failed to pull image "'$repo'/kube-apiserver:v1": output: i/o timeout' >&2; exit 1;;
esac`);
  bin('crictl', `
case "$1" in
  inspecti) grep -qx "tag $2" ${sandbox.dir}/store 2>/dev/null;;
  pull) case "$2" in ${goodRegistry}/*) echo "Image is up to date for sha256:1";; *) echo "E1203 PullImage \\"$2\\" failed: rpc error: code = NotFound desc = failed to pull and unpack image \\"$2\\": not found" >&2; exit 1;; esac;;
esac`);
  bin('ctr', `echo "tag \${@: -1}" >> ${sandbox.dir}/store`);
}

describe('control-plane images from the next registry', () => {
  const step = stepOf(phasesOf(el9), master, 'images.pull');
  const apply = (): string => localApply(step);

  it('pulls from the next healthy registry and tags the images with the chosen names', async () => {
    expect(el9.mirrors.images.length).toBeGreaterThanOrEqual(3);
    fakes(third);
    const r = await run(apply());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(sandbox.dir, 'store'), 'utf8')).toBe(`tag ${chosen}/kube-apiserver:v1\ntag ${chosen}/pause:3.9\n`);
    const calls = fs.readFileSync(path.join(sandbox.dir, 'calls'), 'utf8');
    expect(calls).toContain(`crictl pull ${second}/kube-apiserver:v1`);
    expect(calls).toContain(`ctr -n k8s.io images tag --force ${third}/kube-apiserver:v1 ${chosen}/kube-apiserver:v1`);
    expect(r.stdout).toContain(`kubeforge: image pull failed on ${chosen}; trying ${second}`);
    expect(r.stdout).toContain(`pulled ${third}/pause:3.9 as ${chosen}/pause:3.9`);
    expect(fs.readdirSync('/tmp').filter((f) => f.startsWith('kubeforge-images-alt.'))).toEqual([]);
  });

  it('lists every registry tried with its error when none has the images', async () => {
    fakes('nowhere.example');
    const r = await run(apply());
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.slice(r.stderr.indexOf('kubeforge: the images could not be pulled from any registry tried:')).split('\n').filter((l) => l.startsWith('  '));
    expect(lines.map((l) => l.trim().split(':')[0])).toEqual(el9.mirrors.images.map((m) => m.split(':')[0]));
    expect(lines[0]).toContain('i/o timeout');
    expect(lines[1]).toContain(`failed to pull and unpack image "${second}/kube-apiserver:v1": not found`);
  });

  it('has no fallback for a user\'s own imageRepository', () => {
    const own = { ...el9, cluster: { ...el9.cluster, imageRepository: 'harbor.example.local/k8s' } };
    const s = stepOf(phasesOf(own), master, 'images.pull');
    expect(s.apply).not.toContain('trying');
    expect(s.apply).toContain('kubeadm config images pull --config');
  });
});

describe('node images on workers', () => {
  const worker = el9.hosts.find((h) => h.role === 'worker')?.name ?? '';
  const step = stepOf(phasesOf(el9), worker, 'images.node');
  const apply = (): string => localApply(step);

  it('pulls only the images a worker runs, from the chosen registry when it answers', async () => {
    bin('kubeadm', `repo=$(sed -n 's/^imageRepository: //p' "$5"); for i in kube-apiserver:v1 kube-proxy:v1 pause:3.9 etcd:3.5 coredns:v1.11; do echo "$repo/$i"; done`);
    bin('crictl', `case "$1" in inspecti) exit 1;; pull) echo "Image is up to date";; esac`);
    bin('ctr', 'exit 1');
    const r = await run(apply());
    expect(r.exitCode, r.stderr).toBe(0);
    const pulls = fs.readFileSync(path.join(sandbox.dir, 'calls'), 'utf8').split('\n').filter((l) => l.startsWith('crictl pull'));
    expect(pulls).toEqual([`crictl pull ${chosen}/kube-proxy:v1`, `crictl pull ${chosen}/pause:3.9`, `crictl pull ${chosen}/coredns:v1.11`]);
  });
});
