/** `kubeadm join` for workers and control planes: discovery (token, CA pin), preflight, certs, kubelet TLS bootstrap. */
import fs from 'node:fs';
import YAML from 'yaml';
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../../api.ts';
import { objectKey, type KubeObject } from '../../cluster/types.ts';
import { osPrettyName, kernelOf } from '../docker.ts';
import { evaluateKubelet, restartKubelet } from '../kubelet.ts';
import { writeHostFile } from '../state.ts';
import { FlagError, boolFlag, flag, listFlag, parseFlags, type Parsed } from './args.ts';
import { certsPhase, kubeconfigPhase } from './certs-phase.ts';
import { detectRuntime, kubeadmVersion, pullMissing, STACK_HINT } from './common.ts';
import { field, strField, type KubeadmDocs } from './config.ts';
import { kubeletTimeoutText, loadConfig, runtimeVersionString } from './init.ts';
import { clientCert, kubeconfigYaml } from './pki.ts';
import { applyIgnores, preflightErrorText, runChecks, validateIgnores, warningLines } from './preflight.ts';
import { kubeadmFlagsEnv, nodeObject, podCidrFor, staticPods } from './render.ts';
import { reachApiServer } from './apiserver.ts';
import { argsOf, buildInitSpec, defaultRepository, imageOrder, imagesFor, minorOf, mixError } from './spec.ts';
import { allTokens, CERT_FILES, downloadCerts, parseDuration, putObject, TOKEN_RE } from './tokens.ts';

const JOIN_FLAGS: Record<string, 'bool' | 'value'> = {
  'apiserver-advertise-address': 'value', 'apiserver-bind-port': 'value', 'certificate-key': 'value', config: 'value', 'control-plane': 'bool',
  'cri-socket': 'value', 'discovery-file': 'value', 'discovery-token': 'value', 'discovery-token-ca-cert-hash': 'value',
  'discovery-token-unsafe-skip-ca-verification': 'bool', 'dry-run': 'bool', 'ignore-preflight-errors': 'value', 'node-name': 'value',
  patches: 'value', 'skip-phases': 'value', 'tls-bootstrap-token': 'value', token: 'value',
};

interface JoinSpec {
  endpoint: string;
  token: string;
  hashes: string[];
  unsafe: boolean;
  controlPlane: boolean;
  certificateKey?: string;
  nodeName: string;
  criSocket?: string;
  advertiseAddress: string;
  bindPort: number;
  ignore: string[];
  kubeletExtraArgs: Record<string, string>;
}

function joinSpec(ctx: SimContext, p: Parsed, docs: KubeadmDocs | undefined): JoinSpec | string {
  const j = docs?.join;
  if (flag(p, 'config')) {
    if (!j) return 'no JoinConfiguration kind was found in the YAML file';
    const m = mixError(Object.keys(p.flags));
    if (m) return m;
    if (p.positional.length) return `can not mix '--config' with arguments [${p.positional.join(' ')}]`;
  }
  const endpoint = p.positional[0] ?? strField(j, 'discovery.bootstrapToken.apiServerEndpoint') ?? '';
  const token = flag(p, 'discovery-token') ?? flag(p, 'token') ?? strField(j, 'discovery.bootstrapToken.token') ?? '';
  const hashes = [...listFlag(p, 'discovery-token-ca-cert-hash'), ...(((field(j, 'discovery.bootstrapToken.caCertHashes') as string[] | undefined) ?? []))];
  const unsafe = boolFlag(p, 'discovery-token-unsafe-skip-ca-verification') || field(j, 'discovery.bootstrapToken.unsafeSkipCAVerification') === true;
  const controlPlane = boolFlag(p, 'control-plane') || (j?.controlPlane !== undefined && j.controlPlane !== null);
  const errs: string[] = [];
  if (!token && !flag(p, 'discovery-file')) errs.push('discovery: Invalid value: "": bootstrapToken or file must be set');
  else if (token && !TOKEN_RE.test(token)) errs.push(`discovery.bootstrapToken.token: Invalid value: "${token}": the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
  if (token && !endpoint) errs.push('discovery.bootstrapToken.apiServerEndpoint: Invalid value: "": the apiServerEndpoint must be set');
  if (token && !hashes.length && !unsafe) errs.push('discovery.bootstrapToken: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue');
  if (errs.length) return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
  const nr = field(j, 'nodeRegistration') as Record<string, unknown> | undefined;
  return {
    endpoint, token, hashes, unsafe, controlPlane,
    certificateKey: flag(p, 'certificate-key') ?? strField(j, 'controlPlane.certificateKey'),
    nodeName: (flag(p, 'node-name') ?? strField(nr, 'name') ?? ctx.runtime().hostname).toLowerCase(),
    criSocket: flag(p, 'cri-socket') ?? strField(nr, 'criSocket'),
    advertiseAddress: flag(p, 'apiserver-advertise-address') ?? strField(j, 'controlPlane.localAPIEndpoint.advertiseAddress') ?? ctx.host.address,
    bindPort: Number(flag(p, 'apiserver-bind-port') ?? field(j, 'controlPlane.localAPIEndpoint.bindPort') ?? 6443),
    ignore: [...listFlag(p, 'ignore-preflight-errors'), ...(((nr?.ignorePreflightErrors as string[] | undefined) ?? []))],
    kubeletExtraArgs: argsOf(nr?.kubeletExtraArgs),
  };
}

/** Discovery as kubeadm does it: reach cluster-info, verify the token's JWS, pin the CA. */
function discover(ctx: SimContext, s: JoinSpec): string | undefined {
  const reach = reachApiServer(ctx, s.endpoint);
  if (!reach.ok) return `couldn't validate the identity of the API Server: ${reach.error}`;
  const c = ctx.cluster();
  const [id, secret] = s.token.split('.');
  const t = allTokens(c).find((x) => x.id === id);
  const now = ctx.now();
  // the bootstrap signer only signs cluster-info for live tokens with the signing usage
  if (!t || !t.usages.includes('signing') || (t.expires !== undefined && t.expires <= now)) {
    // 1.24 reworded it (after retrying until the discovery timeout)
    if (minorOf(kubeadmVersion(ctx)) >= 24) return `couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`;
    return `couldn't validate the identity of the API Server: token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`;
  }
  if (t.secret !== secret) return `couldn't validate the identity of the API Server: failed to verify JWS signature of received cluster info object, can't trust this API Server`;
  if (!s.unsafe) {
    const wanted = s.hashes.map((h) => h.toLowerCase());
    for (const h of wanted) {
      if (!/^sha256:[0-9a-f]{64}$/.test(h)) return `couldn't validate the identity of the API Server: invalid hash "${h}", expected a 32 byte SHA-256 hash, found ${Math.max(0, (h.split(':')[1] ?? '').length / 2)} bytes`;
    }
    if (!wanted.includes(c.caCertHash)) return `couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${c.caCertHash}" are pinned`;
  }
  return undefined;
}

export async function kubeadmJoin(ctx: SimContext, args: string[]): Promise<CommandResult> {
  let p: Parsed;
  try {
    p = parseFlags(args, JOIN_FLAGS);
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\n${STACK_HINT}\n`);
    throw e;
  }
  if (boolFlag(p, 'dry-run')) return unsupported(ctx);
  const kv = kubeadmVersion(ctx);
  const kMinor = minorOf(kv);
  const cfg = loadConfig(ctx, flag(p, 'config'), kMinor);
  const stderr = cfg.warnings;
  if (cfg.error) return fail(1, `${stderr}${cfg.error}\n${STACK_HINT}\n`);
  const ignErr = validateIgnores(listFlag(p, 'ignore-preflight-errors'));
  if (ignErr) return fail(1, `${stderr}${ignErr}\n${STACK_HINT}\n`);
  const sOrErr = joinSpec(ctx, p, cfg.docs);
  if (typeof sOrErr === 'string') return fail(1, `${stderr}${sOrErr}\n${STACK_HINT}\n`);
  const s = sOrErr;
  let out = '[preflight] Running pre-flight checks\n';
  const rtOr = detectRuntime(ctx, s.criSocket, kMinor);
  if ('error' in rtOr) return fail(1, `${stderr}${rtOr.error}\n${STACK_HINT}\n`, out);
  const rt = rtOr;
  const c = ctx.cluster();
  const k8sVersion = c.kubernetesVersion || `v${kv}`;
  const pre = applyIgnores(runChecks(ctx, { rt, minor: kMinor, k8sVersion, nodeName: s.nodeName, controlPlane: false, join: true, failSwapOn: true, etcdDataDir: '/var/lib/etcd', bindPort: s.bindPort }), s.ignore);
  out += warningLines(pre.warnings);
  if (pre.errors.length) return fail(1, `${stderr}${preflightErrorText(pre.errors)}${STACK_HINT}\n`, out);
  await ctx.heavyDelay();
  const dErr = discover(ctx, s);
  if (dErr) return fail(1, `${stderr}error execution phase preflight: ${dErr}\n${STACK_HINT}\n`, out);
  out += `[preflight] Reading configuration from the cluster...\n[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n`;
  const minor = minorOf(k8sVersion);
  const existing = c.objects[objectKey('Node', undefined, s.nodeName)];
  if (existing && nodeStillReady(ctx, existing)) {
    ctx.log(`${ctx.host.name}: kubeadm join: a Node named ${s.nodeName} already exists`);
    return fail(1, `${stderr}error execution phase kubelet-start: a Node with name "${s.nodeName}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node\n${STACK_HINT}\n`, out);
  }
  const caPem = c.caCertPem;
  const initHost = c.controlPlaneHosts.find((h) => ctx.peer(h)?.running) ?? c.controlPlaneHosts[0];
  const peer = initHost ? ctx.peer(initHost) : undefined;
  const caKeyPath = peer?.path('/etc/kubernetes/pki/ca.key');
  if (s.controlPlane) {
    if (!clusterHasCpEndpoint(c)) {
      return fail(1, `${stderr}error execution phase preflight: \nOne or more conditions for hosting a new control plane instance is not satisfied.\n\nunable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n\n\n${STACK_HINT}\n`, out);
    }
    out += '[preflight] Running pre-flight checks before initializing the new control plane instance\n';
    const cpPre = applyIgnores(runChecks(ctx, { rt, minor: kMinor, k8sVersion, nodeName: s.nodeName, controlPlane: true, join: false, failSwapOn: true, etcdDataDir: '/var/lib/etcd', bindPort: s.bindPort }), s.ignore);
    const onlyCp = cpPre.errors.filter((e) => !pre.errors.some((x) => x.name === e.name) && !['KubeletVersion', 'FileExisting-conntrack', 'Swap', 'CRI'].includes(e.name) && !e.name.startsWith('FileContent'));
    if (onlyCp.length) return fail(1, `${stderr}${preflightErrorText(onlyCp)}${STACK_HINT}\n`, out);
    out += `[preflight] Pulling images required for setting up a Kubernetes cluster\n[preflight] This might take a minute or two, depending on the speed of your internet connection\n[preflight] You can also perform this action in beforehand using 'kubeadm config images pull'\n`;
    const images = imagesFor(k8sVersion, c.imageRepository, defaultRepository(kv));
    const failures = await pullMissing(ctx, rt, imageOrder(images), minor);
    const pe = applyIgnores({ errors: failures.map((f) => ({ name: 'ImagePull', msg: f.text })), warnings: [] }, s.ignore);
    if (pe.errors.length) {
      ctx.save();
      return fail(1, `${stderr}${preflightErrorText(pe.errors)}${STACK_HINT}\n`, out);
    }
    if (s.certificateKey) {
      out += '[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n';
      const dl = downloadCerts(c, s.certificateKey, ctx.now());
      if (dl.error || !dl.files) {
        ctx.saveCluster();
        return fail(1, `${stderr}error execution phase control-plane-prepare/download-certs: error downloading certs: ${dl.error}\n${STACK_HINT}\n`, out);
      }
      for (const [name, rel] of CERT_FILES) if (dl.files[name]) writeHostFile(ctx, `/etc/kubernetes/pki/${rel}`, dl.files[name], rel.endsWith('.key') ? 0o600 : 0o644);
    } else if (!fs.existsSync(ctx.path('/etc/kubernetes/pki/ca.crt'))) {
      return fail(1, `${stderr}error execution phase preflight: \nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n[failure loading certificate for CA: couldn't load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory, failure loading key for service account: couldn't load the private key file /etc/kubernetes/pki/sa.key: open /etc/kubernetes/pki/sa.key: no such file or directory, failure loading certificate for front-proxy CA: couldn't load the certificate file /etc/kubernetes/pki/front-proxy-ca.crt: open /etc/kubernetes/pki/front-proxy-ca.crt: no such file or directory, failure loading certificate for etcd CA: couldn't load the certificate file /etc/kubernetes/pki/etcd/ca.crt: open /etc/kubernetes/pki/etcd/ca.crt: no such file or directory]\n\nPlease ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n\n\n${STACK_HINT}\n`, out);
    }
    const spec = buildInitSpec({ kubeadmVersion: kv, hostAddress: s.advertiseAddress, hostname: s.nodeName, flags: { ignorePreflightErrors: [], uploadCerts: false, skipPhases: [], mixed: [], kubernetesVersion: k8sVersion, imageRepository: c.imageRepository, controlPlaneEndpoint: c.controlPlaneEndpoint, podSubnet: c.podSubnet, serviceSubnet: c.serviceSubnet, dnsDomain: c.dnsDomain }, ttlParse: parseDuration });
    spec.bindPort = s.bindPort;
    const sans = (() => {
      const cc = c.objects[objectKey('ConfigMap', 'kube-system', 'kubeadm-config')];
      const text = (cc?.data as Record<string, string> | undefined)?.ClusterConfiguration;
      const parsed = text ? (YAML.parse(text) as Record<string, unknown>) : {};
      return ((field(parsed, 'apiServer.certSANs') as string[] | undefined) ?? []);
    })();
    out += await certsPhase(ctx, { nodeName: s.nodeName, address: s.advertiseAddress, serviceSubnet: c.serviceSubnet, dnsDomain: c.dnsDomain, certSANs: sans, controlPlaneEndpoint: c.controlPlaneEndpoint });
    out += '[certs] Valid certificates and keys now exist in "/etc/kubernetes/pki"\n[kubeconfig] Generating kubeconfig files\n';
    out += await kubeconfigPhase(ctx, { nodeName: s.nodeName, server: c.controlPlaneEndpoint, minor, files: ['admin', 'controller-manager', 'scheduler'] });
    const manifests = staticPods(spec, images, s.advertiseAddress);
    out += '[control-plane] Using manifest folder "/etc/kubernetes/manifests"\n';
    for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      out += `[control-plane] Creating static Pod manifest for "${m}"\n`;
      writeHostFile(ctx, `/etc/kubernetes/manifests/${m}.yaml`, manifests[m], 0o600);
    }
    out += '[check-etcd] Checking that the etcd cluster is healthy\n';
    // kubelet.conf with the node's own client certificate
    const { cert, key } = await clientCert(ctx.path('/etc/kubernetes/pki/ca.crt'), ctx.path('/etc/kubernetes/pki/ca.key'), `system:node:${s.nodeName}`, 'system:nodes');
    writeHostFile(ctx, '/etc/kubernetes/kubelet.conf', kubeconfigYaml({ server: c.controlPlaneEndpoint, caPem, user: `system:node:${s.nodeName}`, cert, key }), 0o600);
    const kres = await kubeletStart(ctx, s, rt, minor, images.pause, c);
    out += kres.out;
    if (!kres.ok) return fail(1, `${stderr}error execution phase kubelet-start: ${minor <= 23 ? 'error uploading crisocket: ' : ''}timed out waiting for the condition\n${STACK_HINT}\n`, out);
    writeHostFile(ctx, '/etc/kubernetes/manifests/etcd.yaml', manifests.etcd, 0o600);
    out += `[etcd] Announced new etcd member joining to the existing etcd cluster\n[etcd] Creating static Pod manifest for "etcd"\n[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s\n`;
    if (minor <= 25) out += `The 'update-status' phase is deprecated and will be removed in a future release. Currently it performs no operation\n`;
    registerNode(ctx, s, rt, minor, true, c);
    if (!c.controlPlaneHosts.includes(ctx.host.name)) c.controlPlaneHosts.push(ctx.host.name);
    const labels = minor <= 23 ? '[node-role.kubernetes.io/master(deprecated) node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]' : '[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]';
    const taints = minor <= 23 ? '[node-role.kubernetes.io/master:NoSchedule]' : minor === 24 ? '[node-role.kubernetes.io/master:NoSchedule node-role.kubernetes.io/control-plane:NoSchedule]' : '[node-role.kubernetes.io/control-plane:NoSchedule]';
    out += `[mark-control-plane] Marking the node ${s.nodeName} as control-plane by adding the labels: ${labels}\n[mark-control-plane] Marking the node ${s.nodeName} as control-plane by adding the taints ${taints}\n`;
    ctx.saveCluster();
    out += `\nThis node has joined the cluster and a new control plane instance was created:\n\n* Certificate signing request was sent to apiserver and approval was received.\n* The Kubelet was informed of the new secure connection details.\n* Control plane label and taint were applied to the new node.\n* The Kubernetes control plane instances scaled up.\n* A new etcd member was added to the local/stacked etcd cluster.\n\nTo start administering your cluster from this node, you need to run the following as a regular user:\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nRun 'kubectl get nodes' to see this node join the cluster.\n\n`;
    return ok(out, stderr);
  }
  // worker: the CA from cluster-info, a kubelet client certificate from the TLS bootstrap
  writeHostFile(ctx, '/etc/kubernetes/pki/ca.crt', caPem);
  if (!caKeyPath || !fs.existsSync(caKeyPath)) return fail(1, `${stderr}error execution phase kubelet-start: timed out waiting for the condition\n${STACK_HINT}\n`, out);
  const { cert, key } = await clientCert(peer?.path('/etc/kubernetes/pki/ca.crt') ?? '', caKeyPath, `system:node:${s.nodeName}`, 'system:nodes');
  writeHostFile(ctx, '/var/lib/kubelet/pki/kubelet-client-current.pem', cert + key, 0o600);
  writeHostFile(ctx, '/etc/kubernetes/kubelet.conf', kubeconfigYaml({ server: s.endpoint, caPem, user: 'default-auth', certFile: '/var/lib/kubelet/pki/kubelet-client-current.pem', keyFile: '/var/lib/kubelet/pki/kubelet-client-current.pem', cluster: 'default-cluster' }).replace(/default-auth@default-cluster/g, 'default-context'), 0o600);
  const pause = imagesFor(k8sVersion, c.imageRepository, defaultRepository(kv)).pause;
  const kres = await kubeletStart(ctx, s, rt, minor, pause, c);
  out += kres.out;
  if (!kres.ok) {
    ctx.save();
    return fail(1, `${stderr}error execution phase kubelet-start: ${minor <= 23 ? 'error uploading crisocket: ' : ''}timed out waiting for the condition\n${STACK_HINT}\n`, out);
  }
  registerNode(ctx, s, rt, minor, false, c);
  ctx.saveCluster();
  out += `\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.\n* The Kubelet was informed of the new secure connection details.\n\nRun 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n`;
  return ok(out, stderr);
}

/** A Node of the same name blocks a join only while it is Ready (its host's kubelet runs). */
function nodeStillReady(ctx: SimContext, node: KubeObject): boolean {
  const addrs = ((node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
  const owner = ctx.hosts().find((h) => addrs.includes(h.address));
  if (!owner || owner.name === ctx.host.name) return false;
  const peer = ctx.peer(owner.name);
  return peer?.running === true && peer.runtime().services.kubelet?.active === 'active';
}

const clusterHasCpEndpoint = (c: ReturnType<SimContext['cluster']>): boolean => {
  const cc = c.objects[objectKey('ConfigMap', 'kube-system', 'kubeadm-config')];
  const text = (cc?.data as Record<string, string> | undefined)?.ClusterConfiguration ?? '';
  return /controlPlaneEndpoint:\s*\S+/.test(text);
};

async function kubeletStart(ctx: SimContext, s: JoinSpec, rt: { runtime: 'docker' | 'containerd'; socket: string }, minor: number, pause: string, c: ReturnType<SimContext['cluster']>): Promise<{ ok: boolean; out: string }> {
  const cmName = minor <= 23 ? `kubelet-config-1.${minor}` : 'kubelet-config';
  const cm = c.objects[objectKey('ConfigMap', 'kube-system', cmName)];
  const kubeletYaml = (cm?.data as Record<string, string> | undefined)?.kubelet ?? '';
  let out = '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n';
  let cfgText = kubeletYaml;
  if (minor >= 27 && rt.runtime === 'containerd' && !/containerRuntimeEndpoint/.test(cfgText)) cfgText = cfgText.replace(/^(cpuManagerReconcilePeriod:)/m, `containerRuntimeEndpoint: ${rt.socket}\n$1`);
  writeHostFile(ctx, '/var/lib/kubelet/config.yaml', cfgText);
  out += '[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n';
  writeHostFile(ctx, '/var/lib/kubelet/kubeadm-flags.env', kubeadmFlagsEnv(minor, rt.runtime, rt.socket, pause, s.kubeletExtraArgs));
  out += '[kubelet-start] Starting the kubelet\n';
  await restartKubelet(ctx);
  // same waiter as init: 1.30 prints no URL, later releases name the healthz URL
  out += minor >= 30 ? `[kubelet-check] Waiting for a healthy kubelet${minor >= 31 ? ' at http://127.0.0.1:10248/healthz' : ''}. This can take up to 4m0s\n` : '[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...\n';
  await ctx.heavyDelay();
  const st = evaluateKubelet(ctx);
  if (!st.ok) {
    out += kubeletTimeoutText(rt, minor, true).split('\n\n\tUnfortunately')[0] + '\n';
    return { ok: false, out };
  }
  if (minor >= 30) out += `[kubelet-check] The kubelet is healthy after 501.${String(ctx.now() % 1000000).padStart(6, "0")}ms\n[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n`;
  return { ok: true, out };
}

function registerNode(ctx: SimContext, s: JoinSpec, rt: { runtime: 'docker' | 'containerd'; socket: string }, minor: number, cp: boolean, c: ReturnType<SimContext['cluster']>): void {
  const index = Object.keys(c.objects).filter((k) => k.startsWith('Node/')).length;
  const node = nodeObject({
    name: s.nodeName, address: s.advertiseAddress, controlPlane: cp, kubeletVersion: ctx.persist().rpms.kubelet?.version ?? c.kubernetesVersion.replace(/^v/, ''),
    runtime: runtimeVersionString(ctx, rt), osImage: osPrettyName(ctx), kernel: kernelOf(ctx), cpus: ctx.host.cpus, memoryMiB: ctx.host.memoryMiB, minor, podCIDR: podCidrFor(c.podSubnet, index),
  });
  node.metadata.annotations = { ...node.metadata.annotations, 'kubeadm.alpha.kubernetes.io/cri-socket': rt.socket };
  putObject(c, node);
  c.extra[`node.joined.${ctx.host.name}`] = { node: s.nodeName, at: ctx.now(), controlPlane: cp };
}
