/** Shared kubeadm pieces: its version, runtime detection, image pulls, error formats. */
import { fail, type CommandResult, type SimContext } from '../../api.ts';
import { criPullError, dockerPullError, type PullCheck } from '../../data/images.ts';
import { CONTAINERD_SOCK, DOCKERSHIM_SOCK, containerdRunning, dockerRunning, imagePresent, normalizeEndpoint, pullInto } from '../runtime.ts';
import { klogLine } from './config.ts';
import { minorOf } from './spec.ts';

export const STACK_HINT = 'To see the stack trace of this error execute with --v=5 or higher';

export const kubeadmVersion = (ctx: SimContext): string => ctx.persist().rpms.kubeadm?.version ?? '1.23.17';
export const kubeadmMinor = (ctx: SimContext): number => minorOf(kubeadmVersion(ctx));

/** `error execution phase X: msg` + the stack hint, exit 1. */
export const phaseError = (phase: string, msg: string, stdout = ''): CommandResult =>
  fail(1, `error execution phase ${phase}: ${msg}\n${STACK_HINT}\n`, stdout);
export const plainError = (msg: string, stdout = ''): CommandResult => fail(1, `${msg}\n${STACK_HINT}\n`, stdout);

export interface RuntimeChoice {
  runtime: 'docker' | 'containerd';
  /** the criSocket kubeadm records (dockershim path for docker on <= 1.23) */
  socket: string;
}

/** kubeadm's CRI socket detection (or the configured one). */
export function detectRuntime(ctx: SimContext, configured: string | undefined, minor: number): RuntimeChoice | { error: string } {
  if (configured) {
    const ep = normalizeEndpoint(configured);
    if (ep === normalizeEndpoint(DOCKERSHIM_SOCK)) {
      if (minor >= 24) return { error: `container runtime "unix:///var/run/dockershim.sock" is not supported: dockershim was removed in v1.24; use cri-dockerd or containerd` };
      return { runtime: 'docker', socket: '/var/run/dockershim.sock' };
    }
    if (/cri-dockerd/.test(ep)) return { runtime: 'docker', socket: ep };
    return { runtime: 'containerd', socket: minor >= 22 && !configured.startsWith('unix://') ? `unix://${configured}` : configured };
  }
  // the docker socket wins on <= 1.23 (dockershim); docker.socket keeps it present while docker-ce is
  // installed. containerd's socket exists whenever containerd runs.
  if (minor <= 23 && (dockerRunning(ctx) || ctx.persist().rpms['docker-ce'])) return { runtime: 'docker', socket: '/var/run/dockershim.sock' };
  if (containerdRunning(ctx)) return { runtime: 'containerd', socket: CONTAINERD_SOCK };
  return { runtime: 'containerd', socket: CONTAINERD_SOCK };
}

/** The message kubeadm shows for a failed image pull, per version and runtime. */
export function pullFailureText(minor: number, runtime: 'docker' | 'containerd', image: string, c: Extract<PullCheck, { ok: false }>, now: number): string {
  if (runtime === 'docker' && minor <= 23) return `failed to pull image ${image}: output: ${dockerPullError(c, image)}\n, error: exit status 1`;
  const cri = criPullError(c);
  if (minor <= 26) {
    return `failed to pull image ${image}: output: ${klogLine('E', now, 'remote_image.go:171', `"PullImage from image service failed" err="${cri.replace(/"/g, '\\"')}" image="${image}"`)}\ntime="${new Date(now).toISOString().replace(/\.\d+Z$/, 'Z')}" level=fatal msg="pulling image: ${cri.replace(/"/g, '\\"')}"\n, error: exit status 1`;
  }
  return `failed to pull image ${image}: ${cri}`;
}

/** Pull images kubeadm needs that are not present yet; returns the failures (image -> text). */
export async function pullMissing(ctx: SimContext, rt: RuntimeChoice, images: string[], minor: number): Promise<{ image: string; text: string }[]> {
  const failures: { image: string; text: string }[] = [];
  for (const image of images) {
    if (imagePresent(ctx, rt.runtime, image)) continue;
    const c = pullInto(ctx, rt.runtime, image);
    if (!c.ok) failures.push({ image, text: pullFailureText(minor, rt.runtime, image, c, ctx.now()) });
  }
  return failures;
}

/** "dl.k8s.io unreachable" warnings when no --kubernetes-version is given (the lab has no DNS). */
export function stableVersionWarnings(ctx: SimContext, version: string, minor: number): string {
  const url = minor >= 24 || minor === 23 ? `https://dl.k8s.io/release/stable-1.txt` : `https://dl.k8s.io/release/stable-1.txt`;
  const now = ctx.now();
  return `${klogLine('W', now, 'version.go:104', `could not fetch a Kubernetes version from the internet: unable to get URL "${url}": Get "${url}": dial tcp: lookup dl.k8s.io on 127.0.0.1:53: read udp 127.0.0.1:52876->127.0.0.1:53: read: connection refused`)}\n${klogLine('W', now, 'version.go:105', `falling back to the local client version: v${version}`)}\n`;
}

/** Read an IP:port endpoint into its host and port. */
export function splitEndpoint(ep: string, defPort = 6443): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(ep);
  return { host: m?.[1] ?? ep, port: m?.[2] ? Number(m[2]) : defPort };
}
