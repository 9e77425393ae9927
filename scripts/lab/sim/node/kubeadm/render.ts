/** Files and API objects kubeadm writes: static pod manifests, kubelet config, cluster objects. */
import YAML from 'yaml';
import type { KubeObject } from '../../cluster/types.ts';
import { imagesFor, minorOf, type ImageList, type InitSpec } from './spec.ts';

export function staticPods(spec: InitSpec, images: ImageList, address: string): Record<string, string> {
  const minor = minorOf(spec.kubernetesVersion);
  const pod = (name: string, image: string, command: string[], port: number, scheme: 'HTTPS' | 'HTTP', extra: Record<string, unknown> = {}): string =>
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(extra.annotations ? { annotations: extra.annotations } : {}),
        creationTimestamp: null,
        labels: { component: name, tier: 'control-plane' },
        name,
        namespace: 'kube-system',
      },
      spec: {
        containers: [{
          command,
          image,
          imagePullPolicy: 'IfNotPresent',
          livenessProbe: { failureThreshold: 8, httpGet: { host: name === 'kube-apiserver' ? address : '127.0.0.1', path: name === 'etcd' ? '/health' : name === 'kube-apiserver' ? '/livez' : '/healthz', port, scheme }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15 },
          name,
          resources: { requests: { cpu: name === 'kube-apiserver' ? '250m' : name === 'kube-controller-manager' ? '200m' : '100m', ...(name === 'etcd' ? { memory: '100Mi' } : {}) } },
        }],
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        ...(minor >= 24 ? { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } : {}),
      },
      status: {},
    });
  const cidrArgs = spec.podSubnet ? ['--allocate-node-cidrs=true', `--cluster-cidr=${spec.podSubnet}`] : [];
  const apiArgs: Record<string, string> = {
    'advertise-address': spec.advertiseAddress,
    'allow-privileged': 'true',
    'authorization-mode': 'Node,RBAC',
    'client-ca-file': '/etc/kubernetes/pki/ca.crt',
    'enable-admission-plugins': 'NodeRestriction',
    'enable-bootstrap-token-auth': 'true',
    'etcd-cafile': '/etc/kubernetes/pki/etcd/ca.crt',
    'etcd-certfile': '/etc/kubernetes/pki/apiserver-etcd-client.crt',
    'etcd-keyfile': '/etc/kubernetes/pki/apiserver-etcd-client.key',
    'etcd-servers': 'https://127.0.0.1:2379',
    'kubelet-client-certificate': '/etc/kubernetes/pki/apiserver-kubelet-client.crt',
    'kubelet-client-key': '/etc/kubernetes/pki/apiserver-kubelet-client.key',
    'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
    'secure-port': String(spec.bindPort),
    'service-account-issuer': `https://kubernetes.default.svc.${spec.dnsDomain}`,
    'service-account-key-file': '/etc/kubernetes/pki/sa.pub',
    'service-account-signing-key-file': '/etc/kubernetes/pki/sa.key',
    'service-cluster-ip-range': spec.serviceSubnet,
    'tls-cert-file': '/etc/kubernetes/pki/apiserver.crt',
    'tls-private-key-file': '/etc/kubernetes/pki/apiserver.key',
    ...spec.apiServerExtraArgs,
  };
  return {
    'kube-apiserver': pod('kube-apiserver', images.apiserver, ['kube-apiserver', ...Object.entries(apiArgs).map(([k, v]) => `--${k}=${v}`)], spec.bindPort, 'HTTPS', {
      annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${spec.advertiseAddress}:${spec.bindPort}` },
    }),
    'kube-controller-manager': pod('kube-controller-manager', images.controllerManager, [
      'kube-controller-manager', ...cidrArgs, '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf', '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--bind-address=127.0.0.1', '--client-ca-file=/etc/kubernetes/pki/ca.crt', `--cluster-name=${spec.clusterName}`, '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
      '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key', '--controllers=*,bootstrapsigner,tokencleaner', '--kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--leader-elect=true', '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt', '--root-ca-file=/etc/kubernetes/pki/ca.crt',
      '--service-account-private-key-file=/etc/kubernetes/pki/sa.key', `--service-cluster-ip-range=${spec.serviceSubnet}`, '--use-service-account-credentials=true',
    ], 10257, 'HTTPS'),
    'kube-scheduler': pod('kube-scheduler', images.scheduler, [
      'kube-scheduler', '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address=127.0.0.1',
      '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true',
    ], 10259, 'HTTPS'),
    etcd: pod('etcd', images.etcd, [
      'etcd', `--advertise-client-urls=https://${address}:2379`, '--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--client-cert-auth=true', `--data-dir=${spec.etcdDataDir}`,
      `--initial-advertise-peer-urls=https://${address}:2380`, `--initial-cluster=${spec.nodeName}=https://${address}:2380`, '--key-file=/etc/kubernetes/pki/etcd/server.key',
      `--listen-client-urls=https://127.0.0.1:2379,https://${address}:2379`, '--listen-metrics-urls=http://127.0.0.1:2381', `--listen-peer-urls=https://${address}:2380`,
      `--name=${spec.nodeName}`, '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt', '--peer-client-cert-auth=true', '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
      '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt', '--snapshot-count=10000', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    ], 2381, 'HTTP', { annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${address}:2379` } }),
  };
}

export function kubeletConfig(spec: Pick<InitSpec, 'kubeletCgroupDriver' | 'kubelet' | 'dnsDomain' | 'serviceSubnet' | 'kubernetesVersion'>, criEndpoint?: string): string {
  const dnsIp = clusterDnsIp(spec.serviceSubnet);
  const base: Record<string, unknown> = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    authentication: { anonymous: { enabled: false }, webhook: { cacheTTL: '0s', enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    cgroupDriver: spec.kubeletCgroupDriver,
    clusterDNS: [dnsIp],
    clusterDomain: spec.dnsDomain,
    ...(minorOf(spec.kubernetesVersion) >= 27 && criEndpoint ? { containerRuntimeEndpoint: criEndpoint } : {}),
    cpuManagerReconcilePeriod: '0s',
    evictionPressureTransitionPeriod: '0s',
    fileCheckFrequency: '0s',
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    httpCheckFrequency: '0s',
    imageMinimumGCAge: '0s',
    kind: 'KubeletConfiguration',
    logging: { flushFrequency: 0, options: { json: { infoBufferSize: '0' } }, verbosity: 0 },
    memorySwap: {},
    nodeStatusReportFrequency: '0s',
    nodeStatusUpdateFrequency: '0s',
    rotateCertificates: true,
    runtimeRequestTimeout: '0s',
    shutdownGracePeriod: '0s',
    shutdownGracePeriodCriticalPods: '0s',
    staticPodPath: '/etc/kubernetes/manifests',
    streamingConnectionIdleTimeout: '0s',
    syncFrequency: '0s',
    volumeStatsAggPeriod: '0s',
  };
  const merged = { ...base, ...spec.kubelet };
  return YAML.stringify(Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]])));
}

export function clusterDnsIp(serviceSubnet: string): string {
  const [ip] = serviceSubnet.split(',')[0].split('/');
  const p = ip.split('.').map(Number);
  return `${p[0]}.${p[1]}.${p[2]}.${p[3] + 10}`;
}
export function apiServiceIp(serviceSubnet: string): string {
  const [ip] = serviceSubnet.split(',')[0].split('/');
  const p = ip.split('.').map(Number);
  return `${p[0]}.${p[1]}.${p[2]}.${p[3] + 1}`;
}

/** /var/lib/kubelet/kubeadm-flags.env */
export function kubeadmFlagsEnv(minor: number, runtime: 'docker' | 'containerd', criEndpoint: string, pauseImage: string, extra: Record<string, string>): string {
  const args: string[] = [];
  if (runtime === 'docker' && minor <= 23) args.push('--network-plugin=cni', `--pod-infra-container-image=${pauseImage}`);
  else {
    if (minor <= 26) args.push('--container-runtime=remote');
    args.push(`--container-runtime-endpoint=${criEndpoint}`);
    // kubeadm stopped passing the sandbox image to the kubelet in 1.31 (the CRI reports it)
    if (minor <= 30) args.push(`--pod-infra-container-image=${pauseImage}`);
  }
  for (const [k, v] of Object.entries(extra)) args.push(`--${k}=${v}`);
  return `KUBELET_KUBEADM_ARGS="${args.join(' ')}"\n`;
}

/** A Node object as the kubelet registers it. */
export function nodeObject(opts: { name: string; address: string; controlPlane: boolean; kubeletVersion: string; runtime: string; osImage: string; kernel: string; cpus: number; memoryMiB: number; minor: number; podCIDR?: string; taints?: unknown[] }): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': opts.name,
    'kubernetes.io/os': 'linux',
  };
  let taints: unknown[] = [];
  if (opts.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    if (opts.minor <= 23) labels['node-role.kubernetes.io/master'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    taints = opts.taints ?? (opts.minor <= 23
      ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }]
      : opts.minor === 24
        ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }]
        : [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }]);
  }
  taints = [...taints, { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: opts.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': opts.runtime.startsWith('docker') && opts.minor <= 23 ? '/var/run/dockershim.sock' : 'unix:///var/run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { ...(opts.podCIDR ? { podCIDR: opts.podCIDR, podCIDRs: [opts.podCIDR] } : {}), taints },
    status: {
      addresses: [{ address: opts.address, type: 'InternalIP' }, { address: opts.name, type: 'Hostname' }],
      capacity: { cpu: String(opts.cpus), 'ephemeral-storage': '17394Mi', 'hugepages-2Mi': '0', memory: `${opts.memoryMiB * 1024}Ki`, pods: '110' },
      allocatable: { cpu: String(opts.cpus), 'ephemeral-storage': '16415037823', 'hugepages-2Mi': '0', memory: `${opts.memoryMiB * 1024 - 102400}Ki`, pods: '110' },
      conditions: [
        { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' },
      ],
      nodeInfo: {
        architecture: 'amd64', bootID: '', containerRuntimeVersion: opts.runtime, kernelVersion: opts.kernel, kubeProxyVersion: `v${opts.kubeletVersion}`,
        kubeletVersion: `v${opts.kubeletVersion}`, machineID: '', operatingSystem: 'linux', osImage: opts.osImage, systemUUID: '',
      },
    },
  };
}

/** Pod CIDR for the n-th node (controller-manager's allocator: /24 per node out of podSubnet). */
export function podCidrFor(podSubnet: string, index: number): string | undefined {
  if (!podSubnet) return undefined;
  const [ip, bits] = podSubnet.split(',')[0].split('/');
  const p = ip.split('.').map(Number);
  const base = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
  if (Number(bits) > 24) return undefined;
  const n = (base + index * 256) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
}

/** ConfigMaps, workloads and services kubeadm init creates. */
export function initObjects(spec: InitSpec, images: ImageList, endpoint: string, caPem: string, kubeadmVersion: string): KubeObject[] {
  const minor = minorOf(spec.kubernetesVersion);
  const ns = 'kube-system';
  const clusterConfig: Record<string, unknown> = {
    apiServer: { ...(spec.certSANs.length ? { certSANs: spec.certSANs } : {}), ...(minor < 31 ? { timeoutForControlPlane: '4m0s' } : {}), extraArgs: minor >= 31 ? [] : {} },
    apiVersion: minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : minor >= 22 ? 'kubeadm.k8s.io/v1beta3' : 'kubeadm.k8s.io/v1beta2',
    certificatesDir: '/etc/kubernetes/pki',
    clusterName: spec.clusterName,
    ...(spec.controlPlaneEndpoint ? { controlPlaneEndpoint: spec.controlPlaneEndpoint } : {}),
    controllerManager: {},
    dns: {},
    etcd: { local: { dataDir: spec.etcdDataDir } },
    imageRepository: spec.imageRepository,
    kind: 'ClusterConfiguration',
    kubernetesVersion: spec.kubernetesVersion,
    networking: { dnsDomain: spec.dnsDomain, ...(spec.podSubnet ? { podSubnet: spec.podSubnet } : {}), serviceSubnet: spec.serviceSubnet },
    scheduler: {},
  };
  const kubeadmConfigData: Record<string, string> = { ClusterConfiguration: YAML.stringify(clusterConfig) };
  if (minor <= 21) kubeadmConfigData.ClusterStatus = YAML.stringify({ apiVersion: 'kubeadm.k8s.io/v1beta2', kind: 'ClusterStatus', apiEndpoints: {} });
  const proxyConf = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    bindAddress: '0.0.0.0',
    clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
    clusterCIDR: spec.podSubnet,
    iptables: { masqueradeAll: false, masqueradeBit: null, minSyncPeriod: '0s', syncPeriod: '0s' },
    ipvs: { excludeCIDRs: null, minSyncPeriod: '0s', scheduler: '', strictARP: false, syncPeriod: '0s', tcpFinTimeout: '0s', tcpTimeout: '0s', udpTimeout: '0s' },
    kind: 'KubeProxyConfiguration',
    metricsBindAddress: '',
    mode: spec.kubeProxyMode,
    ...spec.kubeProxy,
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const clusterInfo = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(caPem)}
    server: https://${endpoint}
  name: ""
contexts: null
current-context: ""
kind: Config
preferences: {}
users: null
`;
  const dnsIp = clusterDnsIp(spec.serviceSubnet);
  const cm = (name: string, namespace: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
  const kubeletCmName = minor <= 23 ? `kubelet-config-1.${minor}` : 'kubelet-config';
  return [
    cm('kubeadm-config', ns, kubeadmConfigData),
    cm(kubeletCmName, ns, { kubelet: kubeletConfig(spec) }),
    cm('kube-proxy', ns, {
      'config.conf': YAML.stringify(proxyConf),
      'kubeconfig.conf': `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://${endpoint}\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n`,
    }),
    cm('cluster-info', 'kube-public', { kubeconfig: clusterInfo }),
    cm('coredns', ns, {
      Corefile: `.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes ${spec.dnsDomain} in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n`,
    }),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: ns, labels: { 'k8s-app': 'kube-proxy' }, generation: 1 },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            containers: [{ name: 'kube-proxy', image: images.proxy, imagePullPolicy: 'IfNotPresent', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'], securityContext: { privileged: true } }],
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            tolerations: [{ operator: 'Exists' }],
          },
        },
        updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: ns, labels: { 'k8s-app': 'kube-dns' }, generation: 1 },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 }, type: 'RollingUpdate' },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            containers: [{
              name: 'coredns', image: images.coredns, imagePullPolicy: 'IfNotPresent', args: ['-conf', '/etc/coredns/Corefile'],
              ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            }],
            dnsPolicy: 'Default',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'coredns',
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              ...(minor <= 24 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : []),
              { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: ns, labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        clusterIP: dnsIp, clusterIPs: [dnsIp], selector: { 'k8s-app': 'kube-dns' }, type: 'ClusterIP',
        ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: apiServiceIp(spec.serviceSubnet), clusterIPs: [apiServiceIp(spec.serviceSubnet)], type: 'ClusterIP', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: spec.bindPort }] },
    },
    ...['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((n): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { 'kubernetes.io/metadata.name': n } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })),
  ].map((o) => {
    o.metadata.annotations ??= {};
    if (o.kind === 'ConfigMap' && o.metadata.name === 'kubeadm-config') o.metadata.annotations['kubeadm.kubernetes.io/version'] = kubeadmVersion;
    return o;
  });
}

export { imagesFor };
