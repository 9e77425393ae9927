/** The seed guide's steps for CentOS 7.9 + docker 20.10 + Kubernetes 1.23.17, as shell. */
import fs from 'node:fs';
import type { RefHost, Step } from './ref-lab.ts';

export const MIRROR = 'registry.cn-hangzhou.aliyuncs.com/google_containers';
export const POD_SUBNET = '172.168.0.0/16';
const manifests = new URL('../../../templates/manifests/', import.meta.url).pathname;

const vault = (id: string, dir: string): string =>
  `[${id}]\nname=CentOS-7.9.2009 - ${id}\nbaseurl=https://mirrors.aliyun.com/centos-vault/7.9.2009/${dir}/$basearch/\ngpgcheck=0\nenabled=1\n`;

export const CENTOS_REPO = vault('base', 'os') + vault('updates', 'updates') + vault('extras', 'extras');
export const EPEL_REPO = '[epel]\nname=EPEL 7\nbaseurl=https://mirrors.aliyun.com/epel-archive/7/$basearch\ngpgcheck=0\nenabled=1\n';
export const DOCKER_REPO = '[docker-ce-stable]\nname=Docker CE Stable\nbaseurl=https://mirrors.aliyun.com/docker-ce/linux/centos/$releasever/$basearch/stable\ngpgcheck=0\nenabled=1\n';
export const K8S_EL7_REPO = '[kubernetes]\nname=Kubernetes\nbaseurl=https://mirrors.aliyun.com/kubernetes/yum/repos/kubernetes-el7-x86_64/\nenabled=1\ngpgcheck=0\nrepo_gpgcheck=0\n';

export const IPVS_MODULES = 'ip_vs\nip_vs_rr\nip_vs_wrr\nip_vs_sh\nnf_conntrack_ipv4\nbr_netfilter\noverlay\n';
export const K8S_SYSCTL = 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nvm.swappiness = 0\n';
export const DAEMON_JSON = '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-driver": "json-file",\n  "log-opts": { "max-size": "100m" },\n  "storage-driver": "overlay2"\n}\n';

export function etcHosts(hosts: RefHost[]): string {
  return hosts.map((h) => `${h.address} ${h.name}`).join('\n') + '\n';
}

/** Step 1: firewall, SELinux, swap, /etc/hosts, timezone. */
export function osPrep(hosts: RefHost[], h: RefHost): Step[] {
  return [
    // a fresh install is localhost.localdomain: two such workers would be one Node
    { name: 'hostname', sh: `hostnamectl set-hostname ${h.name}` },
    { name: 'firewalld off', sh: 'systemctl disable --now firewalld' },
    { name: 'selinux off', sh: "setenforce 0; sed -i 's/^SELINUX=enforcing/SELINUX=disabled/' /etc/selinux/config" },
    { name: 'swap off', sh: "swapoff -a && sed -ri 's/.*swap.*/#&/' /etc/fstab" },
    { name: '/etc/hosts', sh: 'cat >> /etc/hosts', input: etcHosts(hosts) },
    { name: 'timezone', sh: 'timedatectl set-timezone Asia/Shanghai' },
  ];
}

/** Step 2: repo files (vault, epel, docker-ce, kubernetes) and the base packages. */
export function repos(): Step[] {
  return [
    { name: 'old repo files away', sh: 'mkdir -p /etc/yum.repos.d/bak && mv /etc/yum.repos.d/*.repo /etc/yum.repos.d/bak/' },
    { name: 'vault repo', sh: 'cat > /etc/yum.repos.d/CentOS-Base.repo', input: CENTOS_REPO },
    { name: 'epel repo', sh: 'cat > /etc/yum.repos.d/epel.repo', input: EPEL_REPO },
    { name: 'docker-ce repo', sh: 'cat > /etc/yum.repos.d/docker-ce.repo', input: DOCKER_REPO },
    { name: 'kubernetes repo', sh: 'cat > /etc/yum.repos.d/kubernetes.repo', input: K8S_EL7_REPO },
    { name: 'makecache', sh: 'yum makecache fast' },
    { name: 'base packages', sh: 'yum install -y ipvsadm ipset conntrack sysstat libseccomp socat wget jq' },
  ];
}

/** Step 3: modules and sysctl. */
export function kernel(opts: { brNetfilter?: boolean } = {}): Step[] {
  const modules = opts.brNetfilter === false ? IPVS_MODULES.replace('br_netfilter\n', '') : IPVS_MODULES;
  return [
    { name: 'modules-load.d', sh: 'cat > /etc/modules-load.d/ipvs.conf', input: modules },
    { name: 'load modules', sh: `for m in ${modules.trim().split('\n').join(' ')}; do modprobe $m; done` },
    { name: 'sysctl k8s.conf', sh: 'cat > /etc/sysctl.d/k8s.conf', input: K8S_SYSCTL },
    // the guides run it and read the output; with br_netfilter missing its exit code is not 0
    { name: 'sysctl --system', sh: 'sysctl --system' },
  ];
}

/** Step 4: docker-ce 20.10 with the systemd cgroup driver. */
export function docker(opts: { cgroupDriver?: 'systemd' | 'cgroupfs' } = {}): Step[] {
  const json = opts.cgroupDriver === 'cgroupfs' ? DAEMON_JSON.replace('systemd', 'cgroupfs') : DAEMON_JSON;
  return [
    { name: 'docker-ce 20.10', sh: 'yum install -y docker-ce-20.10.24 docker-ce-cli-20.10.24 containerd.io' },
    { name: 'daemon.json', sh: 'mkdir -p /etc/docker && cat > /etc/docker/daemon.json', input: json },
    { name: 'docker on', sh: 'systemctl daemon-reload && systemctl enable --now docker' },
  ];
}

/** Step 5: the pinned Kubernetes packages. */
export function kubePackages(): Step[] {
  return [
    { name: 'kubeadm kubelet kubectl', sh: 'yum install -y kubeadm-1.23.17 kubelet-1.23.17 kubectl-1.23.17' },
    { name: 'kubelet enabled', sh: 'systemctl enable kubelet' },
  ];
}

export function kubeadmConfig(master: RefHost): string {
  return `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${master.address}
  bindPort: 6443
nodeRegistration:
  name: ${master.name}
  criSocket: /var/run/dockershim.sock
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.23.17
imageRepository: ${MIRROR}
controlPlaneEndpoint: ${master.address}:6443
apiServer:
  certSANs:
  - ${master.address}
  - ${master.name}
networking:
  podSubnet: ${POD_SUBNET}
  serviceSubnet: 10.96.0.0/12
`;
}

/** Step 6 on the master: config, image pull, init, kubeconfig. */
export function init(master: RefHost): Step[] {
  return [
    { name: 'kubeadm config', sh: 'cat > /root/kubeadm-config.yaml', input: kubeadmConfig(master) },
    { name: 'images pull', sh: 'kubeadm config images pull --config /root/kubeadm-config.yaml' },
    { name: 'kubeadm init', sh: 'kubeadm init --config /root/kubeadm-config.yaml --upload-certs > /root/kubeadm-init.log 2>&1' },
    { name: 'kubeconfig', sh: 'mkdir -p $HOME/.kube && cp -i /etc/kubernetes/admin.conf $HOME/.kube/config && chown $(id -u):$(id -g) $HOME/.kube/config' },
  ];
}

/** The worker join command printed by init (the part after "Then you can join any number of worker nodes"). */
export function workerJoinFrom(initLog: string): string {
  const tail = initLog.slice(initLog.lastIndexOf('Then you can join any number of worker nodes'));
  const m = /kubeadm join [^\n]*\\\n\s*--discovery-token-ca-cert-hash sha256:[0-9a-f]{64}/.exec(tail);
  if (!m) throw new Error(`no worker join command in the init output:\n${initLog}`);
  return m[0].replace(/\\\n\s*/g, '');
}

/** Calico as the guides do it: upstream manifest, images pointed at a mirror, the pool CIDR uncommented. */
export function calicoManifest(version = 'v3.25.2'): string {
  return fs.readFileSync(`${manifests}calico-${version}.yaml`, 'utf8')
    .replaceAll('docker.io/calico/', 'docker.m.daocloud.io/calico/')
    .replace('# - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"', `- name: CALICO_IPV4POOL_CIDR\n              value: "${POD_SUBNET}"`);
}

export function metricsServerManifest(): string {
  return fs.readFileSync(`${manifests}metrics-server-v0.5.2.yaml`, 'utf8')
    .replace('k8s.gcr.io/metrics-server/metrics-server:v0.5.2', `${MIRROR}/metrics-server:v0.5.2`)
    .replace('        - --metric-resolution=15s\n', '        - --metric-resolution=15s\n        - --kubelet-insecure-tls\n');
}

export function addons(calicoVersion = 'v3.25.2'): Step[] {
  return [
    { name: 'calico', sh: 'cat > /root/calico.yaml && kubectl apply -f /root/calico.yaml', input: calicoManifest(calicoVersion) },
    { name: 'metrics-server', sh: 'cat > /root/metrics-server.yaml && kubectl apply -f /root/metrics-server.yaml', input: metricsServerManifest() },
  ];
}

/** Step 11: kube-proxy to ipvs in its ConfigMap, then (unless skipped) restart its pods. */
export function kubeProxyIpvs(opts: { restart?: boolean } = {}): Step[] {
  const steps: Step[] = [
    { name: 'kube-proxy ConfigMap ipvs', sh: `kubectl -n kube-system get cm kube-proxy -o yaml | sed 's/mode: ""/mode: "ipvs"/' | kubectl apply -f -` },
  ];
  if (opts.restart !== false) steps.push({ name: 'kube-proxy restart', sh: 'kubectl -n kube-system delete pod -l k8s-app=kube-proxy' });
  return steps;
}

/** Everything up to a host ready for kubeadm (steps 1-5). */
export function nodePrep(hosts: RefHost[], h: RefHost): Step[] {
  return [...osPrep(hosts, h), ...repos(), ...kernel(), ...docker(), ...kubePackages()];
}
