import { describe, expect, it } from 'vitest';
import { diagnosePod, groupPodProblems, registryOf } from '../../../src/cluster/pod-diagnosis.ts';
import { diagnoseNode } from '../../../src/cluster/node-diagnosis.ts';
import type { NodeJson, PodJson } from '../../../src/cluster/kube-json.ts';

const pod = (name: string, status: NonNullable<PodJson['status']>, extra: Partial<PodJson> = {}): PodJson => ({
  metadata: { name, namespace: 'kube-system' }, spec: { nodeName: 'kf-node01' }, status, ...extra,
});
const running = pod('coredns-1', { phase: 'Running', containerStatuses: [{ name: 'coredns', ready: true, restartCount: 0, state: { running: { startedAt: 'x' } } }] });
const pull = pod('calico-node-abcde', {
  phase: 'Pending',
  containerStatuses: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.25.2', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "docker.io/calico/node:v3.25.2"' } } }],
});
const initPull = pod('calico-node-fghij', {
  phase: 'Pending',
  initContainerStatuses: [{ name: 'install-cni', image: 'quay.io/calico/cni:v3.25.2', ready: false, state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: dial tcp: i/o timeout' } } }],
  containerStatuses: [{ name: 'calico-node', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
});
const crash = pod('kube-proxy-x1', {
  phase: 'Running',
  containerStatuses: [{
    name: 'kube-proxy', ready: false, restartCount: 7,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
    lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'failed complete: unrecognized feature gate' } },
  }],
});
const unschedulable = pod('metrics-server-1', {
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.' }],
}, { spec: {} });
const creating = pod('coredns-2', { phase: 'Pending', containerStatuses: [{ name: 'coredns', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] });
const done = pod('job-1', { phase: 'Succeeded' });
const evicted = pod('web-1', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage.' });
const terminating = { ...running, metadata: { ...running.metadata, name: 'old-1', deletionTimestamp: '2026-11-23T10:00:00Z' } };
const probe = pod('metrics-server-2', { phase: 'Running', containerStatuses: [{ name: 'metrics-server', ready: false, state: { running: {} } }] });

describe('pod diagnosis', () => {
  it('leaves healthy and completed pods alone', () => {
    expect(diagnosePod(running)).toBeUndefined();
    expect(diagnosePod(done)).toBeUndefined();
  });

  it('names the cause of each troubled pod', () => {
    expect(diagnosePod(pull)).toMatchObject({ cause: 'ImagePullBackOff', reason: 'ImagePullBackOff', image: 'docker.io/calico/node:v3.25.2' });
    expect(diagnosePod(initPull)).toMatchObject({ cause: 'ImagePullBackOff', reason: 'Init:ErrImagePull', image: 'quay.io/calico/cni:v3.25.2' });
    expect(diagnosePod(crash)).toMatchObject({ cause: 'CrashLoopBackOff' });
    expect(diagnosePod(crash)?.message).toContain('7 restarts, last exit 1 (Error): failed complete');
    expect(diagnosePod(unschedulable)).toMatchObject({ cause: 'Pending', reason: 'Unschedulable' });
    expect(diagnosePod(creating)).toMatchObject({ cause: 'ContainerCreating' });
    expect(diagnosePod(evicted)).toMatchObject({ cause: 'Evicted' });
    expect(diagnosePod(terminating)).toMatchObject({ cause: 'Terminating' });
    expect(diagnosePod(probe)).toMatchObject({ cause: 'NotReady' });
  });

  it('groups by cause with the fix for each', () => {
    const groups = groupPodProblems([running, pull, initPull, crash, unschedulable, done]);
    expect(groups.map((g) => [g.cause, g.pods.length])).toEqual([['CrashLoopBackOff', 1], ['ImagePullBackOff', 2], ['Pending', 1]]);
    const img = groups.find((g) => g.cause === 'ImagePullBackOff')!;
    expect(img.fix).toContain('docker.io, quay.io');
    expect(img.fix).toMatch(/mirror/);
    expect(groups.find((g) => g.cause === 'CrashLoopBackOff')!.fix).toContain('kubectl -n kube-system logs kube-proxy-x1 --previous');
    expect(groups.find((g) => g.cause === 'Pending')!.fix).toMatch(/taints.*CNI.*requests/);
  });

  it('puts the trouble of pods on a NotReady node down to the node', () => {
    const onDown = pod('calico-node-zz', { phase: 'Running', containerStatuses: [{ name: 'calico-node', ready: false, state: { running: {} } }] });
    expect(diagnosePod(onDown, new Set(['kf-node01']))).toMatchObject({ cause: 'NodeNotReady', message: 'node kf-node01 is not Ready' });
    expect(diagnosePod(onDown, new Set(['kf-node02']))).toMatchObject({ cause: 'NotReady' });
    // an image that cannot be pulled stays its own cause
    expect(diagnosePod(pull, new Set(['kf-node01']))).toMatchObject({ cause: 'ImagePullBackOff' });
    expect(groupPodProblems([onDown], new Set(['kf-node01']))[0].fix).toMatch(/their node \(kf-node01\) is not Ready/);
  });

  it('finds an image\'s registry', () => {
    expect(registryOf('registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.6')).toBe('registry.cn-hangzhou.aliyuncs.com');
    expect(registryOf('calico/node:v3.25.2')).toBe('docker.io');
    expect(registryOf('nginx')).toBe('docker.io');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
  });
});

describe('node diagnosis', () => {
  const node = (name: string, conds: { type: string; status: string; reason?: string; message?: string }[], spec: NodeJson['spec'] = {}): NodeJson => ({ metadata: { name }, spec, status: { conditions: conds } });
  it('reports the kubelet\'s reason for NotReady and the fix that fits it', () => {
    const cni = diagnoseNode(node('kf-node01', [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized' }]));
    expect(cni).toHaveLength(1);
    expect(cni[0]).toMatchObject({ state: 'NotReady', reason: 'KubeletNotReady', severity: 'fail' });
    expect(cni[0].fix).toMatch(/calico-node/);
    const lost = diagnoseNode(node('kf-node02', [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }]));
    expect(lost[0]).toMatchObject({ state: 'Unknown' });
    expect(lost[0].fix).toMatch(/systemctl status kubelet/);
  });
  it('is quiet about a Ready node, warns about a cordoned one, fails on pressure', () => {
    const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
    expect(diagnoseNode(node('a', [ready]))).toEqual([]);
    expect(diagnoseNode(node('a', [ready], { unschedulable: true }))[0]).toMatchObject({ state: 'Cordoned', severity: 'warn' });
    expect(diagnoseNode(node('a', [ready, { type: 'DiskPressure', status: 'True' }]))[0]).toMatchObject({ state: 'DiskPressure', severity: 'fail' });
  });
});
