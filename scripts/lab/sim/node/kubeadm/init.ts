/** `kubeadm init`: flags/--config, preflight, images, PKI, kubeconfigs, kubelet, static pods, cluster objects, join commands. */
import fs from 'node:fs';
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../../api.ts';
import { emptyCluster } from '../../cluster/types.ts';
import { parseKubeVersion } from '../../data/images.ts';
import { osPrettyName, kernelOf } from '../docker.ts';
import { evaluateKubelet, restartKubelet } from '../kubelet.ts';
import { containerdConfig, containerdVersion, dockerVersion, imagePresent, runtimePullCheck } from '../runtime.ts';
import { readHostFile, setService, writeHostFile } from '../state.ts';
import { FlagError, boolFlag, flag, listFlag, parseFlags, type Parsed } from './args.ts';
import { certsPhase, kubeconfigPhase } from './certs-phase.ts';
import { detectRuntime, kubeadmVersion, pullMissing, stableVersionWarnings, STACK_HINT, type RuntimeChoice } from './common.ts';
import { parseKubeadmConfig, type KubeadmDocs } from './config.ts';
import { caCertHash } from './pki.ts';
import { applyIgnores, preflightErrorText, runChecks, validateIgnores, warningLines } from './preflight.ts';
import { initObjects, kubeadmFlagsEnv, kubeletConfig, nodeObject, podCidrFor, staticPods } from './render.ts';
import { buildInitSpec, imageOrder, imagesFor, minorOf, mixError, SpecError, defaultRepository, type InitSpec } from './spec.ts';
import { addToken, generateCertificateKey, generateToken, parseDuration, putObject, TOKEN_RE, uploadCerts, CERT_FILES, DEFAULT_GROUP } from './tokens.ts';

export const INIT_FLAGS: Record<string, 'bool' | 'value'> = {
  'apiserver-advertise-address': 'value', 'apiserver-bind-port': 'value', 'apiserver-cert-extra-sans': 'value', 'cert-dir': 'value',
  'certificate-key': 'value', config: 'value', 'control-plane-endpoint': 'value', 'cri-socket': 'value', 'dry-run': 'bool',
  'feature-gates': 'value', 'ignore-preflight-errors': 'value', 'image-repository': 'value', 'kubernetes-version': 'value',
  'node-name': 'value', patches: 'value', 'pod-network-cidr': 'value', 'service-cidr': 'value', 'service-dns-domain': 'value',
  'skip-certificate-key-print': 'bool', 'skip-phases': 'value', 'skip-token-print': 'bool', token: 'value', 'token-ttl': 'value',
  'upload-certs': 'bool',
};

/** Read and decode --config for a kubeadm of this minor. */
export function loadConfig(ctx: SimContext, file: string | undefined, minor: number): { docs?: KubeadmDocs; error?: string; warnings: string } {
  if (!file) return { warnings: '' };
  const text = readHostFile(ctx, file);
  if (text === undefined) return { error: `unable to read config from "${file}" : open ${file}: no such file or directory`, warnings: '' };
  const r = parseKubeadmConfig(text, minor, ctx.now());
  return { docs: r.docs, error: r.error, warnings: (r.docs?.warnings ?? []).map((w) => w + '\n').join('') };
}

/** The spec from flags and --config, or the error kubeadm prints. */
export function specFrom(ctx: SimContext, p: Parsed, docs: KubeadmDocs | undefined): InitSpec | string {
  const mixed = Object.keys(p.flags);
  if (flag(p, 'config')) {
    const m = mixError(mixed);
    if (m) return m;
  }
  try {
    return buildInitSpec({
      kubeadmVersion: kubeadmVersion(ctx),
      hostAddress: ctx.host.address,
      hostname: ctx.runtime().hostname,
      docs,
      ttlParse: parseDuration,
      flags: {
        kubernetesVersion: flag(p, 'kubernetes-version'),
        imageRepository: flag(p, 'image-repository'),
        controlPlaneEndpoint: flag(p, 'control-plane-endpoint'),
        advertiseAddress: flag(p, 'apiserver-advertise-address'),
        bindPort: flag(p, 'apiserver-bind-port'),
        nodeName: flag(p, 'node-name'),
        criSocket: flag(p, 'cri-socket'),
        podSubnet: flag(p, 'pod-network-cidr'),
        serviceSubnet: flag(p, 'service-cidr'),
        dnsDomain: flag(p, 'service-dns-domain'),
        certSANs: p.flags['apiserver-cert-extra-sans'] ? listFlag(p, 'apiserver-cert-extra-sans') : undefined,
        ignorePreflightErrors: listFlag(p, 'ignore-preflight-errors'),
        uploadCerts: boolFlag(p, 'upload-certs'),
        certificateKey: flag(p, 'certificate-key'),
        token: flag(p, 'token'),
        tokenTTL: flag(p, 'token-ttl'),
        skipPhases: listFlag(p, 'skip-phases'),
        mixed,
      },
    });
  } catch (e) {
    if (e instanceof SpecError) return e.message;
    throw e;
  }
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

function validate(spec: InitSpec, kubeadmMinor: number): string | undefined {
  const errs: string[] = [];
  if (spec.podSubnet && !spec.podSubnet.split(',').every((c) => CIDR.test(c))) errs.push(`networking.podSubnet: Invalid value: "${spec.podSubnet}": couldn't parse subnet`);
  if (!spec.serviceSubnet.split(',').every((c) => CIDR.test(c))) errs.push(`networking.serviceSubnet: Invalid value: "${spec.serviceSubnet}": couldn't parse subnet`);
  if (spec.token && !TOKEN_RE.test(spec.token)) errs.push(`bootstrapTokens[0].token: Invalid value: "${spec.token}": the bootstrap token "${spec.token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(spec.advertiseAddress)) errs.push(`localAPIEndpoint.advertiseAddress: Invalid value: "${spec.advertiseAddress}": couldn't use "${spec.advertiseAddress}" as "apiserver-advertise-address", must be ipv4 or ipv6 address`);
  if (spec.certificateKey && !/^[0-9a-f]{64}$/i.test(spec.certificateKey)) errs.push(`certificateKey: Invalid value: "${spec.certificateKey}": certificate key must be a hex string of 64 characters`);
  if (errs.length) return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
  const k = parseKubeVersion(spec.kubernetesVersion);
  if (k && k.minor < kubeadmMinor - 1) {
    return `this version of kubeadm only supports deploying clusters with the control plane version >= 1.${kubeadmMinor - 1}.0. Current version: ${spec.kubernetesVersion}`;
  }
  return undefined;
}

/** The wait-control-plane / TLS-bootstrap failure text when the kubelet never comes up healthy. */
export function kubeletTimeoutText(rt: RuntimeChoice, minor: number, kubeletDown: boolean): string {
  let out = '';
  if (kubeletDown) {
    out += '[kubelet-check] Initial timeout of 40s passed.\n';
    for (let i = 0; i < 5; i++) {
      out += `[kubelet-check] It seems like the kubelet isn't running or healthy.\n[kubelet-check] The HTTP call equal to 'curl -sSL http://localhost:10248/healthz' failed with error: Get "http://localhost:10248/healthz": dial tcp [::1]:10248: connect: connection refused.\n`;
    }
  }
  out += `\n\tUnfortunately, an error has occurred:\n\t\ttimed out waiting for the condition\n\n\tThis error is likely caused by:\n\t\t- The kubelet is not running\n\t\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n\n\tIf you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:\n\t\t- 'systemctl status kubelet'\n\t\t- 'journalctl -xeu kubelet'\n\n\tAdditionally, a control plane component may have crashed or exited when started by the container runtime.\n\tTo troubleshoot, list all containers using your preferred container runtimes CLI.\n\n`;
  if (rt.runtime === 'docker' && minor <= 23) {
    out += `\tHere is one example how you may list all Kubernetes containers running in docker:\n\t\t- 'docker ps -a | grep kube | grep -v pause'\n\t\tOnce you have found the failing container, you can inspect its logs with:\n\t\t- 'docker logs CONTAINERID'\n\n`;
  } else {
    out += `\tHere is one example how you may list all running Kubernetes containers by using crictl:\n\t\t- 'crictl --runtime-endpoint ${rt.socket} ps -a | grep kube | grep -v pause'\n\t\tOnce you have found the failing container, you can inspect its logs with:\n\t\t- 'crictl --runtime-endpoint ${rt.socket} logs CONTAINERID'\n`;
  }
  return out;
}

/** 1.30+: the kubelet is healthy but the API server never answers (e.g. no sandbox image): api-check gives up after 4m. */
export function apiCheckTimeoutText(rt: RuntimeChoice, now: number): string {
  const frac = String(now % 1_000_000).padStart(6, '0');
  return `[kubelet-check] The kubelet is healthy after 501.${frac}ms\n[api-check] Waiting for a healthy API server. This can take up to 4m0s\n[api-check] The API server is not healthy after 4m0.000${frac}s\n\n`
    + `Unfortunately, an error has occurred:\n\tcontext deadline exceeded\n\nThis error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n\n`
    + `If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:\n\t- 'systemctl status kubelet'\n\t- 'journalctl -xeu kubelet'\n\n`
    + `Additionally, a control plane component may have crashed or exited when started by the container runtime.\nTo troubleshoot, list all containers using your preferred container runtimes CLI.\n`
    + `Here is one example how you may list all running Kubernetes containers by using crictl:\n\t- 'crictl --runtime-endpoint ${rt.socket} ps -a | grep kube | grep -v pause'\n\tOnce you have found the failing container, you can inspect its logs with:\n\t- 'crictl --runtime-endpoint ${rt.socket} logs CONTAINERID'\n`;
}

/** The sandbox image the kubelet will use on this node, and whether it can be had. */
export function sandboxProblem(ctx: SimContext, rt: RuntimeChoice, pauseFromFlags: string): string | undefined {
  const image = rt.runtime === 'containerd' ? (containerdConfig(ctx).config?.sandboxImage ?? pauseFromFlags) : pauseFromFlags;
  if (imagePresent(ctx, rt.runtime, image)) return undefined;
  const c = runtimePullCheck(ctx, rt.runtime, image, ctx.options, ctx.faults());
  if (c.ok) return undefined;
  return image;
}

export function joinCommandText(endpoint: string, token: string, hash: string, cp?: { certificateKey?: string }): string {
  let s = `kubeadm join ${endpoint} --token ${token} \\\n\t--discovery-token-ca-cert-hash ${hash} `;
  if (cp) s += cp.certificateKey ? `\\\n\t--control-plane --certificate-key ${cp.certificateKey}` : `\\\n\t--control-plane `;
  return s;
}

export function runtimeVersionString(ctx: SimContext, rt: RuntimeChoice): string {
  return rt.runtime === 'docker' ? `docker://${dockerVersion(ctx)}` : `containerd://${containerdVersion(ctx)}`;
}

export async function kubeadmInit(ctx: SimContext, args: string[]): Promise<CommandResult> {
  let p: Parsed;
  try {
    p = parseFlags(args, INIT_FLAGS);
  } catch (e) {
    if (e instanceof FlagError) return fail(1, `${e.message}\nTo see the stack trace of this error execute with --v=5 or higher\n`);
    throw e;
  }
  // a dry run prints manifests instead of acting: not simulated
  if (boolFlag(p, 'dry-run')) return unsupported(ctx);
  const kv = kubeadmVersion(ctx);
  const kMinor = minorOf(kv);
  const cfg = loadConfig(ctx, flag(p, 'config'), kMinor);
  let stderr = cfg.warnings;
  if (cfg.error) return fail(1, `${stderr}${cfg.error}\n${STACK_HINT}\n`);
  const ignErr = validateIgnores(listFlag(p, 'ignore-preflight-errors'));
  if (ignErr) return fail(1, `${stderr}${ignErr}\n${STACK_HINT}\n`);
  const specOrErr = specFrom(ctx, p, cfg.docs);
  if (typeof specOrErr === 'string') return fail(1, `${stderr}${specOrErr}\n${STACK_HINT}\n`);
  const spec = specOrErr;
  if (!flag(p, 'kubernetes-version') && !cfg.docs?.cluster?.kubernetesVersion) stderr += stableVersionWarnings(ctx, kv, kMinor);
  const bad = validate(spec, kMinor);
  if (bad) return fail(1, `${stderr}${bad}\n${STACK_HINT}\n`);
  const minor = minorOf(spec.kubernetesVersion);
  let out = `[init] Using Kubernetes version: ${spec.kubernetesVersion}\n[preflight] Running pre-flight checks\n`;
  const rtOrErr = detectRuntime(ctx, spec.criSocket, kMinor);
  if ('error' in rtOrErr) return fail(1, `${stderr}${rtOrErr.error}\n${STACK_HINT}\n`, out);
  const rt = rtOrErr;
  const failSwapOn = spec.kubelet.failSwapOn !== false;
  const pre = applyIgnores(runChecks(ctx, { rt, minor: kMinor, k8sVersion: spec.kubernetesVersion, nodeName: spec.nodeName, controlPlane: true, join: false, failSwapOn, etcdDataDir: spec.etcdDataDir, bindPort: spec.bindPort }), spec.ignorePreflightErrors);
  out += warningLines(pre.warnings);
  if (pre.errors.length) return fail(1, `${stderr}${preflightErrorText(pre.errors)}${STACK_HINT}\n`, out);
  // images
  const images = imagesFor(spec.kubernetesVersion, spec.imageRepository, defaultRepository(kv), spec);
  out += `[preflight] Pulling images required for setting up a Kubernetes cluster\n[preflight] This might take a minute or two, depending on the speed of your internet connection\n[preflight] You can also perform this action in beforehand using 'kubeadm config images pull'\n`;
  await ctx.heavyDelay();
  const failures = await pullMissing(ctx, rt, imageOrder(images).filter((i) => !(spec.skipPhases.includes('addon/coredns') && i === images.coredns)), minor);
  const pullErrs = applyIgnores({ errors: failures.map((f) => ({ name: 'ImagePull', msg: f.text })), warnings: [] }, spec.ignorePreflightErrors);
  out += warningLines(pullErrs.warnings);
  if (pullErrs.errors.length) {
    ctx.save();
    return fail(1, `${stderr}${preflightErrorText(pullErrs.errors)}${STACK_HINT}\n`, out);
  }
  // certs and kubeconfigs
  const endpoint = spec.controlPlaneEndpoint || `${spec.advertiseAddress}:${spec.bindPort}`;
  out += await certsPhase(ctx, { nodeName: spec.nodeName, address: spec.advertiseAddress, serviceSubnet: spec.serviceSubnet, dnsDomain: spec.dnsDomain, certSANs: spec.certSANs, controlPlaneEndpoint: spec.controlPlaneEndpoint });
  out += await kubeconfigPhase(ctx, { nodeName: spec.nodeName, server: endpoint, minor, files: minor >= 29 ? ['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler'] : ['admin', 'kubelet', 'controller-manager', 'scheduler'] });
  // kubelet
  const manifests = staticPods(spec, images, spec.advertiseAddress);
  if (minor >= 26) {
    out += '[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"\n';
    writeHostFile(ctx, '/etc/kubernetes/manifests/etcd.yaml', manifests.etcd, 0o600);
    out += '[control-plane] Using manifest folder "/etc/kubernetes/manifests"\n';
    for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      out += `[control-plane] Creating static Pod manifest for "${m}"\n`;
      writeHostFile(ctx, `/etc/kubernetes/manifests/${m}.yaml`, manifests[m], 0o600);
    }
  }
  out += '[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"\n';
  writeHostFile(ctx, '/var/lib/kubelet/kubeadm-flags.env', kubeadmFlagsEnv(minor, rt.runtime, rt.socket, images.pause, spec.kubeletExtraArgs));
  out += '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n';
  writeHostFile(ctx, '/var/lib/kubelet/config.yaml', kubeletConfig(spec, rt.runtime === 'containerd' ? rt.socket : undefined));
  out += '[kubelet-start] Starting the kubelet\n';
  await restartKubelet(ctx);
  if (minor < 26) {
    out += '[control-plane] Using manifest folder "/etc/kubernetes/manifests"\n';
    for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      out += `[control-plane] Creating static Pod manifest for "${m}"\n`;
      writeHostFile(ctx, `/etc/kubernetes/manifests/${m}.yaml`, manifests[m], 0o600);
    }
    out += '[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"\n';
    writeHostFile(ctx, '/etc/kubernetes/manifests/etcd.yaml', manifests.etcd, 0o600);
  }
  out += `[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"${minor >= 30 ? '' : '. This can take up to 4m0s'}\n`;
  // 1.30 prints no URL here (kubernetes/website#46015, kubernetes#127530); later releases name the healthz URL
  if (minor >= 30) out += `[kubelet-check] Waiting for a healthy kubelet${minor >= 31 ? ' at http://127.0.0.1:10248/healthz' : ''}. This can take up to 4m0s\n`;
  await ctx.heavyDelay();
  const kubeletState = evaluateKubelet(ctx);
  const sandbox = kubeletState.ok ? sandboxProblem(ctx, rt, images.pause) : undefined;
  if (!kubeletState.ok || sandbox) {
    if (sandbox) setService(ctx, 'kubelet', 'active', `Failed to create sandbox for pod: rpc error: code = Unknown desc = failed to get sandbox image "${sandbox}": failed to pull image "${sandbox}"`);
    ctx.save();
    // 1.30+ waits on the kubelet, then on the API server: a healthy kubelet whose pods never start times out in api-check
    const text = minor >= 30 && kubeletState.ok ? apiCheckTimeoutText(rt, ctx.now()) : kubeletTimeoutText(rt, minor, !kubeletState.ok);
    return fail(1, `${stderr}error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster\n${STACK_HINT}\n`, out + text);
  }
  if (minor >= 30) out += `[kubelet-check] The kubelet is healthy after 501.${String(ctx.now() % 1000000).padStart(6, "0")}ms\n[api-check] Waiting for a healthy API server. This can take up to 4m0s\n[api-check] The API server is healthy after 6.50${String(ctx.now() % 10000).padStart(4, '0')}s\n`;
  else out += `[apiclient] All control plane components are healthy after 6.50${String(ctx.now() % 10000).padStart(4, '0')} seconds\n`;
  // cluster state: a new cluster
  const c = ctx.cluster();
  const prevHosts = c.controlPlaneHosts.filter((h) => h !== ctx.host.name);
  if (c.initialized && prevHosts.length) ctx.log(`${ctx.host.name}: kubeadm init replaces the lab cluster of ${prevHosts.join(',')}`);
  Object.assign(c, emptyCluster());
  const caPem = fs.readFileSync(ctx.path('/etc/kubernetes/pki/ca.crt'), 'utf8');
  c.initialized = true;
  c.clusterName = spec.clusterName;
  c.kubernetesVersion = spec.kubernetesVersion;
  c.controlPlaneEndpoint = endpoint;
  c.podSubnet = spec.podSubnet;
  c.serviceSubnet = spec.serviceSubnet;
  c.dnsDomain = spec.dnsDomain;
  c.imageRepository = spec.imageRepository;
  c.controlPlaneHosts = [ctx.host.name];
  c.caCertPem = caPem;
  c.caCertHash = caCertHash(caPem);
  c.extra['node.init'] = { host: ctx.host.name, at: ctx.now(), kubeadmVersion: kv, criSocket: rt.socket };
  out += `[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n`;
  const kubeletCm = minor <= 23 ? `kubelet-config-1.${minor}` : 'kubelet-config';
  out += `[kubelet] Creating a ConfigMap "${kubeletCm}" in namespace kube-system with the configuration for the kubelets in the cluster\n`;
  if (minor === 23) out += `NOTE: The "kubelet-config-1.23" naming of the kubelet ConfigMap is deprecated. Once the UnversionedKubeletConfigMap feature gate graduates to Beta the default name will become just "kubelet-config". Kubeadm upgrade will handle this transition transparently.\n`;
  for (const o of initObjects(spec, images, endpoint, caPem, `v${kv}`)) {
    if (o.metadata.name === 'kube-proxy' && (spec.skipPhases.includes('addon/kube-proxy') || spec.skipPhases.includes('addon/all'))) continue;
    if ((o.metadata.name === 'coredns' || o.metadata.name === 'kube-dns') && (spec.skipPhases.includes('addon/coredns') || spec.skipPhases.includes('addon/all'))) continue;
    putObject(c, o);
  }
  // certificate key
  let certKey: string | undefined;
  if (spec.uploadCerts) {
    certKey = spec.certificateKey ?? generateCertificateKey();
    uploadCerts(c, certKey, readCertFiles(ctx), ctx.now());
    out += `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${certKey}\n`;
  } else out += '[upload-certs] Skipping phase. Please see --upload-certs\n';
  // the node registers
  const node = nodeObject({
    name: spec.nodeName, address: spec.advertiseAddress, controlPlane: true, kubeletVersion: ctx.persist().rpms.kubelet?.version ?? kv, runtime: runtimeVersionString(ctx, rt),
    osImage: osPrettyName(ctx), kernel: kernelOf(ctx), cpus: ctx.host.cpus, memoryMiB: ctx.host.memoryMiB, minor, podCIDR: podCidrFor(spec.podSubnet, 0), taints: spec.taints,
  });
  node.metadata.annotations = { ...node.metadata.annotations, 'kubeadm.alpha.kubernetes.io/cri-socket': rt.socket };
  putObject(c, node);
  const labels = minor <= 23
    ? '[node-role.kubernetes.io/master(deprecated) node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]'
    : '[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]';
  const taints = minor <= 23 ? '[node-role.kubernetes.io/master:NoSchedule]' : minor === 24 ? '[node-role.kubernetes.io/master:NoSchedule node-role.kubernetes.io/control-plane:NoSchedule]' : '[node-role.kubernetes.io/control-plane:NoSchedule]';
  out += `[mark-control-plane] Marking the node ${spec.nodeName} as control-plane by adding the labels: ${labels}\n[mark-control-plane] Marking the node ${spec.nodeName} as control-plane by adding the taints ${taints}\n`;
  // bootstrap token
  const token = spec.token ?? generateToken();
  const [id, secret] = token.split('.');
  addToken(c, { id, secret, expires: spec.tokenTTLms > 0 ? ctx.now() + spec.tokenTTLms : undefined, usages: ['authentication', 'signing'], groups: [DEFAULT_GROUP] }, ctx.now());
  out += `[bootstrap-token] Using token: ${token}\n[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles\n`;
  if (minor >= 24) out += '[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes\n[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials\n[bootstrap-token] Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token\n[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster\n';
  else out += '[bootstrap-token] configured RBAC rules to allow Node Bootstrap tokens to get nodes\n[bootstrap-token] configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials\n[bootstrap-token] configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token\n[bootstrap-token] configured RBAC rules to allow certificate rotation for all node client certificates in the cluster\n';
  out += '[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace\n';
  out += '[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key\n';
  if (!spec.skipPhases.includes('addon/coredns') && !spec.skipPhases.includes('addon/all')) out += '[addons] Applied essential addon: CoreDNS\n';
  if (!spec.skipPhases.includes('addon/kube-proxy') && !spec.skipPhases.includes('addon/all')) out += '[addons] Applied essential addon: kube-proxy\n';
  ctx.saveCluster();
  await ctx.heavyDelay();
  // the closing text
  const shownToken = boolFlag(p, 'skip-token-print') ? '<value withheld>' : token;
  const shownKey = boolFlag(p, 'skip-certificate-key-print') ? '<value withheld>' : certKey;
  out += `\nYour Kubernetes control-plane has initialized successfully!\n\nTo start using your cluster, you need to run the following as a regular user:\n\n  mkdir -p $HOME/.kube\n  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nAlternatively, if you are the root user, you can run:\n\n  export KUBECONFIG=/etc/kubernetes/admin.conf\n\nYou should now deploy a pod network to the cluster.\nRun "kubectl apply -f [podnetwork].yaml" with one of the options listed at:\n  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n\n`;
  if (spec.controlPlaneEndpoint) {
    if (certKey) {
      out += `You can now join any number of the control-plane node running the following command on each as root:\n\n  ${joinCommandText(endpoint, shownToken, c.caCertHash, { certificateKey: shownKey })}\n\nPlease note that the certificate-key gives access to cluster sensitive data, keep it secret!\nAs a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.\n\n`;
    } else {
      out += `You can now join any number of control-plane nodes by copying certificate authorities\nand service account keys on each node and then running the following as root:\n\n  ${joinCommandText(endpoint, shownToken, c.caCertHash, {})}\n\n`;
    }
  }
  out += `Then you can join any number of worker nodes by running the following on each as root:\n\n${joinCommandText(endpoint, shownToken, c.caCertHash)}\n`;
  return ok(out, stderr);
}

export function readCertFiles(ctx: SimContext): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [name, rel] of CERT_FILES) {
    try {
      files[name] = fs.readFileSync(ctx.path(`/etc/kubernetes/pki/${rel}`));
    } catch {
      // a missing file is simply not uploaded (external CA setups)
    }
  }
  return files;
}
