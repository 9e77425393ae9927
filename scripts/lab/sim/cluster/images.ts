/**
 * Can a node pull an image? Answered through the node area's runtimes (sim/node/runtime.ts:
 * images already in the node's store, registry mirrors of docker/containerd, the lab's registry
 * table and faults in sim/data/images.ts), with the error text the kubelet reports for each
 * runtime. Also the sandbox (pause) image every pod needs first.
 */
import type { PeerView, SimContext } from '../api.ts';
import { checkPull, criPullError, dockerPullError, type PullCheck } from '../data/images.ts';
import { containerdConfig, imagePresent, runtimePullCheck } from '../node/runtime.ts';
import { readPeerFile } from './nodes.ts';
import { minorOf } from './util.ts';

export type RuntimeFlavor = 'docker' | 'containerd';

export interface ImagePullAnswer {
  ok: boolean;
  /** the runtime's error, as kubelet reports it in the Failed event ("rpc error: code = Unknown desc = ...") */
  error?: string;
}

export type ImageResolver = (ctx: SimContext, peer: PeerView, runtime: RuntimeFlavor, image: string) => ImagePullAnswer;

function pullError(runtime: RuntimeFlavor, c: Extract<PullCheck, { ok: false }>, image: string): string {
  return runtime === 'docker' ? `rpc error: code = Unknown desc = ${dockerPullError(c, image)}` : criPullError(c);
}

const defaultResolver: ImageResolver = (ctx, peer, runtime, image) => {
  if (imagePresent(peer, runtime, image)) return { ok: true };
  const c = runtimePullCheck(peer, runtime, image, ctx.options, ctx.faults());
  return c.ok ? { ok: true } : { ok: false, error: pullError(runtime, c, image) };
};

let resolver: ImageResolver = defaultResolver;

/** The image is in the node's runtime store already (the kubelet says "already present on machine"). */
export const presentOn = (peer: PeerView, runtime: RuntimeFlavor, image: string): boolean => imagePresent(peer, runtime, image);

/** Tests (or another area) may replace the answer. */
export function setImageResolver(fn: ImageResolver): void {
  resolver = fn;
}

export const canPull = (ctx: SimContext, peer: PeerView, runtime: RuntimeFlavor, image: string): ImagePullAnswer => resolver(ctx, peer, runtime, image);

/** The pause image the node's runtime uses for pod sandboxes (kubelet flag with docker, sandbox_image with containerd). */
export function sandboxImage(peer: PeerView, runtime: RuntimeFlavor, kubeVersion: string): string {
  if (runtime === 'containerd') return containerdConfig(peer).config?.sandboxImage ?? 'registry.k8s.io/pause:3.6';
  const flags = readPeerFile(peer, '/var/lib/kubelet/kubeadm-flags.env') ?? '';
  const m = /--pod-infra-container-image=(\S+?)"?(\s|$)/.exec(flags);
  if (m) return m[1];
  return minorOf(kubeVersion) >= 25 ? 'registry.k8s.io/pause:3.8' : 'k8s.gcr.io/pause:3.6';
}

/** Why no sandbox can be made on this node (undefined: it can), as the kubelet's FailedCreatePodSandBox says. */
export function sandboxProblem(ctx: SimContext, peer: PeerView, runtime: RuntimeFlavor, kubeVersion: string): string | undefined {
  const image = sandboxImage(peer, runtime, kubeVersion);
  const a = canPull(ctx, peer, runtime, image);
  if (a.ok) return undefined;
  const c = checkPull(image, ctx.options, ctx.faults());
  if (runtime === 'docker') {
    const inner = c.ok ? '' : dockerPullError(c, image);
    return `Failed to create pod sandbox: rpc error: code = Unknown desc = failed pulling image "${image}": ${inner}`;
  }
  const inner = c.ok ? '' : criPullError(c).replace(/^rpc error: code = \w+ desc = /, '');
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "${image}": failed to pull image "${image}": ${inner}`;
}
