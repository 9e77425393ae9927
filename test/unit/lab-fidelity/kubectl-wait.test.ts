import { afterEach, describe, expect, it } from 'vitest';
import { calicoManifest, kubectl, makeCluster, type Cluster } from '../lab-sim-cluster/fixture.ts';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

const timed = async <T>(p: Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0 };
};
const later = <T>(ms: number, f: () => Promise<T>): Promise<T> => new Promise((r) => setTimeout(() => r(f()), ms));

describe('kubectl wait and rollout status really wait', () => {
  it('wait --for=condition=Ready nodes --all: waits while NotReady, returns once Calico makes them Ready', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    const waiting = timed(kubectl(lab, 'master', ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=30s']));
    // meanwhile, another session applies the CNI
    const applied = await later(1500, () => kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16')));
    expect(applied.code, applied.stderr).toBe(0);
    const { value: r, ms } = await waiting;
    expect(r).toMatchObject({ code: 0, stdout: 'node/master condition met\nnode/node1 condition met\n', stderr: '' });
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(10_000);
  });

  it('wait times out after --timeout with the real message and exit 1', async () => {
    cl = makeCluster({ workers: 1 });
    const { value: r, ms } = await timed(kubectl(cl.lab, 'master', ['wait', '--for=condition=Ready', 'node/node1', '--timeout=2s']));
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on nodes/node1\n' });
    expect(ms).toBeGreaterThanOrEqual(1400);
  });

  it('rollout status ds/calico-node: progress line while pods cannot start, then successfully rolled out', async () => {
    cl = makeCluster({ workers: 1 });
    const { lab } = cl;
    // docker.io is not reachable from the cn view: the pods cannot pull
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.io/calico', '172.168.0.0/16'));
    const { value: stuck, ms } = await timed(kubectl(lab, 'master', ['rollout', 'status', 'ds/calico-node', '-n', 'kube-system', '--timeout=2s']));
    expect(stuck).toMatchObject({ code: 1, stdout: 'Waiting for daemon set "calico-node" rollout to finish: 0 of 2 updated pods are available...\n', stderr: 'error: timed out waiting for the condition\n' });
    expect(ms).toBeGreaterThanOrEqual(1400);
    const waiting = kubectl(lab, 'master', ['rollout', 'status', 'ds/calico-node', '-n', 'kube-system', '--timeout=30s']);
    await later(1200, async () => {
      lab.options.registryView = 'global';
    });
    const r = await waiting;
    expect(r).toMatchObject({ code: 0, stdout: 'Waiting for daemon set "calico-node" rollout to finish: 0 of 2 updated pods are available...\ndaemon set "calico-node" successfully rolled out\n' });
    // already there: one line, no wait
    const { value: again, ms: quick } = await timed(kubectl(lab, 'master', ['rollout', 'status', 'ds/calico-node', '-n', 'kube-system']));
    expect(again.stdout).toBe('daemon set "calico-node" successfully rolled out\n');
    expect(quick).toBeLessThan(1000);
  });
});
