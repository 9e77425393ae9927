/** kubeadm version, config images list/pull, config print init-defaults/join-defaults. */
import { fail, ok, type CommandResult, type SimContext } from '../../api.ts';
import { FlagError, flag, parseFlags } from './args.ts';
import { detectRuntime, kubeadmVersion, plainError, pullMissing, stableVersionWarnings, STACK_HINT } from './common.ts';
import { loadConfig, specFrom } from './init.ts';
import { defaultRepository, imageOrder, imagesFor, minorOf } from './spec.ts';

const commitOf = (v: string): string => {
  let out = '';
  let h = 17;
  for (let i = 0; i < 40; i++) {
    h = (Math.imul(h, 33) ^ v.charCodeAt(i % v.length) ^ i) >>> 0;
    out += (h % 16).toString(16);
  }
  return out;
};

export function versionInfo(v: string): Record<string, string> {
  const minor = minorOf(v);
  const go = ({ 23: 'go1.19.6', 24: 'go1.20.10', 25: 'go1.20.10', 26: 'go1.21.6', 27: 'go1.21.11', 28: 'go1.22.8', 29: 'go1.23.6', 30: 'go1.23.6', 31: 'go1.23.6', 32: 'go1.23.10', 33: 'go1.24.4', 34: 'go1.24.6', 35: 'go1.25.3' } as Record<number, string>)[minor] ?? 'go1.22.8';
  return {
    major: '1', minor: String(minor), gitVersion: `v${v}`, gitCommit: commitOf(v), gitTreeState: 'clean', buildDate: '2023-02-22T13:33:14Z',
    goVersion: go, compiler: 'gc', platform: 'linux/amd64',
  };
}

export function kubeadmVersionCmd(ctx: SimContext, args: string[]): CommandResult {
  let out: string | undefined;
  try {
    out = flag(parseFlags(args, { output: 'value' }, { o: 'output' }), 'output');
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n`);
    throw e;
  }
  const i = versionInfo(kubeadmVersion(ctx));
  if (out === 'short') return ok(`${i.gitVersion}\n`);
  if (out === 'json') return ok(JSON.stringify({ clientVersion: i }, null, 2) + '\n');
  if (out === 'yaml') return ok(`clientVersion:\n${Object.entries(i).map(([k, v]) => `  ${k}: ${/^\d/.test(v) ? `"${v}"` : v}`).join('\n')}\n`);
  if (out) return fail(1, `error: invalid output format: ${out}\n${STACK_HINT}\n`);
  const go = (k: string) => k[0].toUpperCase() + k.slice(1);
  return ok(`kubeadm version: &version.Info{${Object.entries(i).map(([k, v]) => `${go(k).replace('GitVersion', 'GitVersion')}:"${v}"`).join(', ')}}\n`);
}

const IMAGES_FLAGS: Record<string, 'bool' | 'value'> = {
  config: 'value', 'kubernetes-version': 'value', 'image-repository': 'value', 'feature-gates': 'value', 'cri-socket': 'value',
  'allow-missing-template-keys': 'bool', output: 'value', 'show-managed-fields': 'bool', experimental_output: 'value',
};

export async function configImages(ctx: SimContext, sub: string, args: string[]): Promise<CommandResult> {
  let p;
  try {
    p = parseFlags(args, IMAGES_FLAGS, { o: 'output' });
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n`);
    throw e;
  }
  const kv = kubeadmVersion(ctx);
  const cfg = loadConfig(ctx, flag(p, 'config'), minorOf(kv));
  let stderr = cfg.warnings;
  if (cfg.error) return fail(1, `${stderr}${cfg.error}\n${STACK_HINT}\n`);
  const spec = specFrom(ctx, p, cfg.docs);
  if (typeof spec === 'string') return fail(1, `${stderr}${spec}\n${STACK_HINT}\n`);
  if (!flag(p, 'kubernetes-version') && !cfg.docs?.cluster?.kubernetesVersion) stderr += stableVersionWarnings(ctx, kv, minorOf(kv));
  const images = imageOrder(imagesFor(spec.kubernetesVersion, spec.imageRepository, defaultRepository(kv), spec));
  if (sub === 'list') {
    const o = flag(p, 'output');
    if (o === 'json') return ok(JSON.stringify({ kind: 'Images', apiVersion: 'output.kubeadm.k8s.io/v1alpha2', images }, null, 4) + '\n', stderr);
    return ok(images.join('\n') + '\n', stderr);
  }
  const rtOr = detectRuntime(ctx, spec.criSocket, minorOf(kv));
  if ('error' in rtOr) return fail(1, `${stderr}${rtOr.error}\n${STACK_HINT}\n`);
  let out = '';
  for (const image of images) {
    await ctx.heavyDelay();
    const f = await pullMissing(ctx, rtOr, [image], minorOf(spec.kubernetesVersion));
    if (f.length) {
      ctx.save();
      return plainError(`${stderr}${f[0].text.replace(/^failed to pull image (\S+):/, 'failed to pull image "$1":')}`, out);
    }
    out += `[config/images] Pulled ${image}\n`;
  }
  return ok(out, stderr);
}

export function printDefaults(ctx: SimContext, what: string): CommandResult {
  const kv = kubeadmVersion(ctx);
  const minor = minorOf(kv);
  const api = minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
  const v4 = minor >= 31;
  const cri = minor <= 23 ? '/var/run/dockershim.sock' : 'unix:///var/run/containerd/containerd.sock';
  const repo = defaultRepository(kv);
  if (what === 'init-defaults') {
    return ok(`apiVersion: ${api}
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: ${cri}
  imagePullPolicy: IfNotPresent
${v4 ? '  imagePullSerial: true\n' : ''}  name: node
  taints: null
${v4 ? 'timeouts:\n  controlPlaneComponentHealthCheck: 4m0s\n  discovery: 5m0s\n  etcdAPICall: 2m0s\n  kubeletHealthCheck: 4m0s\n  kubernetesAPICall: 1m0s\n  tlsBootstrap: 5m0s\n  upgradeManifests: 5m0s\n' : ''}---
apiServer:
${v4 ? '' : '  timeoutForControlPlane: 4m0s\n'}apiVersion: ${api}
${v4 ? 'caCertificateValidityPeriod: 87600h0m0s\ncertificateValidityPeriod: 8760h0m0s\n' : ''}certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
${v4 ? 'encryptionAlgorithm: RSA-2048\n' : ''}etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: ${repo}
kind: ClusterConfiguration
kubernetesVersion: 1.${minor}.0
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
${v4 ? 'proxy: {}\n' : ''}scheduler: {}
`);
  }
  if (what === 'join-defaults') {
    return ok(`apiVersion: ${api}
caCertPath: /etc/kubernetes/pki/ca.crt
discovery:
  bootstrapToken:
    apiServerEndpoint: kube-apiserver:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
${v4 ? '' : '  timeout: 5m0s\n'}  tlsBootstrapToken: abcdef.0123456789abcdef
kind: JoinConfiguration
nodeRegistration:
  criSocket: ${cri}
  imagePullPolicy: IfNotPresent
${v4 ? '  imagePullSerial: true\n' : ''}  name: ${ctx.runtime().hostname}
  taints: null
${v4 ? 'timeouts:\n  controlPlaneComponentHealthCheck: 4m0s\n  discovery: 5m0s\n  etcdAPICall: 2m0s\n  kubeletHealthCheck: 4m0s\n  kubernetesAPICall: 1m0s\n  tlsBootstrap: 5m0s\n  upgradeManifests: 5m0s\n' : ''}`);
  }
  return fail(1, `error: unknown command "${what}" for "kubeadm config print"\n`);
}
