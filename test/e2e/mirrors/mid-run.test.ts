// Mirrors that die after preflight chose them and stay dead: on Rocky 9 (repo files name the
// chosen mirror only) a package command that fails there moves to the next healthy mirror, and
// image pulls (kubeadm's, Calico's, metrics-server's, pulled ahead on every host) that fail on
// the chosen registry come from the next one, tagged with the chosen names. The run converges
// and its logs say what moved where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { exec, hostLog, labFault, rockyLab133, makeTestLab, nodeReadiness, startUp, waitForStep, type Run, type TestLab } from '../faults/faults-harness.ts';

let lab: TestLab;
let inventory = '';
let kube: string[] = [];
let images: string[] = [];
let calico: string[] = [];
let run: Run;
let master = '';
let worker = '';

const fault = (...args: string[]): Promise<void> => labFault(lab, ...args);

beforeAll(async () => {
  lab = makeTestLab();
  inventory = await rockyLab133(lab, 2, 'rocky9-mid-run');
  const c = loadInventory(inventory);
  kube = c.mirrors.kubernetes.map((u) => u.replaceAll('{minor}', c.cluster.version.minor));
  images = c.mirrors.images;
  calico = c.mirrors.calicoImages;
  master = c.hosts[0].name;
  worker = c.hosts[1].name;

  const p = startUp(lab, [], inventory);
  // preflight has probed and chosen; now the chosen Kubernetes mirror and registry go away
  if (!(await waitForStep(lab, master, 'os', 90_000))) throw new Error('up never reached the os phase');
  await fault('mirror', kube[0], 'timeout');
  await fault('registry-down', images[0].split('/')[0]);
  await fault('registry-down', calico[0].split('/')[0]);
  run = await p.done;
}, 330_000);

afterAll(async () => {
  await lab?.down();
}, 60_000);

describe('a chosen mirror and registries that die mid-run', () => {
  it('the run converges', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^converged: /m);
    expect(await nodeReadiness(lab, master)).toEqual([`${master} True`, `${worker} True`]);
  });

  it('dnf moved to the next Kubernetes mirror, and the log says so', () => {
    for (const h of [master, worker]) {
      const log = hostLog(lab, h);
      expect(log, h).toMatch(/kubeforge: dnf (makecache|install): moving to the next mirrors: .*/);
      expect(log, h).toContain(kube[1]);
    }
  });

  it('images came from the next registry, under the chosen names', async () => {
    for (const h of [master, worker]) {
      expect(hostLog(lab, h), h).toContain(`kubeforge: image pull failed on ${images[0]}; trying ${images[1]}`);
      expect(await exec(lab, h, `crictl inspecti ${images[0]}/kube-proxy:v1.33.3 >/dev/null && echo present`), h).toBe('present');
      expect(hostLog(lab, h), h).toMatch(new RegExp(`pulled ${calico[1].replace(/\./g, '\\.')}/node:v3\\.31\\.0 as ${calico[0].replace(/\./g, '\\.')}/node:v3\\.31\\.0`));
    }
  });

  it('the host has its repo file as kubeforge wrote it (the fallback was per command, not a rewrite)', async () => {
    expect(await exec(lab, worker, 'grep ^baseurl /etc/yum.repos.d/kubernetes.repo')).toBe(`baseurl=${kube[0]}`);
  });
});
