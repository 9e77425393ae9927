/** The same guide on Rocky 9: containerd (SystemdCgroup, mirrored pause), Kubernetes from the per-minor repo. */
import type { RefHost, Step } from './ref-lab.ts';
import { DOCKER_REPO, etcHosts, K8S_SYSCTL, MIRROR, POD_SUBNET } from './walkthrough-centos7.ts';

export const K8S_MINOR = '1.30';
/** Calico 3.28 is tested against Kubernetes 1.28-1.30 */
export const CALICO = 'v3.28.2';
export const K8S_VERSION = '1.30.14';
export const PAUSE = `${MIRROR}/pause:3.9`;

export const K8S_MINOR_REPO = `[kubernetes]
name=Kubernetes
baseurl=https://mirrors.aliyun.com/kubernetes-new/core/stable/v${K8S_MINOR}/rpm/
enabled=1
gpgcheck=0
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
`;

/** NetworkManager stays (it is the network on EL9) but must leave Calico's interfaces alone. */
export const NM_CALICO = '[keyfile]\nunmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico;interface-name:vxlan-v6.calico;interface-name:wireguard.cali;interface-name:wg-v6.cali\n';

export function osPrep(hosts: RefHost[], h: RefHost): Step[] {
  return [
    { name: 'hostname', sh: `hostnamectl set-hostname ${h.name}` },
    { name: 'firewalld off', sh: 'systemctl disable --now firewalld' },
    { name: 'selinux off', sh: "setenforce 0; sed -i 's/^SELINUX=enforcing/SELINUX=disabled/' /etc/selinux/config" },
    { name: 'swap off', sh: "swapoff -a && sed -ri 's/.*swap.*/#&/' /etc/fstab" },
    { name: '/etc/hosts', sh: 'cat >> /etc/hosts', input: etcHosts(hosts) },
    { name: 'timezone', sh: 'timedatectl set-timezone Asia/Shanghai' },
    { name: 'NetworkManager calico rule', sh: 'cat > /etc/NetworkManager/conf.d/calico.conf && systemctl reload NetworkManager', input: NM_CALICO },
  ];
}

export function repos(): Step[] {
  return [
    {
      name: 'rocky repos to aliyun',
      sh: "sed -e 's|^mirrorlist=|#mirrorlist=|g' -e 's|^#baseurl=http://dl.rockylinux.org/$contentdir|baseurl=https://mirrors.aliyun.com/rockylinux|g' -i.bak /etc/yum.repos.d/rocky*.repo",
    },
    { name: 'docker-ce repo (containerd.io)', sh: 'cat > /etc/yum.repos.d/docker-ce.repo', input: DOCKER_REPO },
    { name: 'kubernetes repo', sh: 'cat > /etc/yum.repos.d/kubernetes.repo', input: K8S_MINOR_REPO },
    { name: 'makecache', sh: 'dnf makecache' },
    { name: 'base packages', sh: 'dnf install -y ipvsadm ipset conntrack-tools socat tar' },
  ];
}

export function kernel(): Step[] {
  const modules = 'overlay\nbr_netfilter\nip_vs\nip_vs_rr\nip_vs_wrr\nip_vs_sh\nnf_conntrack\n';
  return [
    { name: 'modules-load.d', sh: 'cat > /etc/modules-load.d/k8s.conf', input: modules },
    { name: 'load modules', sh: `for m in ${modules.trim().split('\n').join(' ')}; do modprobe $m; done` },
    { name: 'sysctl k8s.conf', sh: 'cat > /etc/sysctl.d/k8s.conf && sysctl --system', input: K8S_SYSCTL },
  ];
}

export function containerd(opts: { mirrorPause?: boolean } = {}): Step[] {
  const pause = opts.mirrorPause === false ? [] : [`-e 's|sandbox_image = .*|sandbox_image = "${PAUSE}"|'`];
  return [
    { name: 'containerd.io', sh: 'dnf install -y containerd.io' },
    { name: 'default config.toml', sh: 'mkdir -p /etc/containerd && containerd config default > /etc/containerd/config.toml' },
    { name: 'SystemdCgroup + sandbox_image', sh: `sed -i -e 's/SystemdCgroup = false/SystemdCgroup = true/' ${pause.join(' ')} /etc/containerd/config.toml` },
    { name: 'containerd on', sh: 'systemctl enable --now containerd' },
  ];
}

export function kubePackages(): Step[] {
  return [
    { name: 'kubeadm kubelet kubectl', sh: `dnf install -y kubelet-${K8S_VERSION} kubeadm-${K8S_VERSION} kubectl-${K8S_VERSION} --disableexcludes=kubernetes` },
    { name: 'kubelet enabled', sh: 'systemctl enable --now kubelet' },
    // crictl comes with cri-tools, a dependency of kubeadm
    { name: 'crictl endpoint', sh: 'crictl config runtime-endpoint unix:///run/containerd/containerd.sock' },
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
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v${K8S_VERSION}
imageRepository: ${MIRROR}
controlPlaneEndpoint: ${master.address}:6443
networking:
  podSubnet: ${POD_SUBNET}
  serviceSubnet: 10.96.0.0/12
`;
}

export function init(master: RefHost): Step[] {
  return [
    { name: 'kubeadm config', sh: 'cat > /root/kubeadm-config.yaml', input: kubeadmConfig(master) },
    { name: 'images pull', sh: 'kubeadm config images pull --config /root/kubeadm-config.yaml' },
    { name: 'kubeadm init', sh: 'kubeadm init --config /root/kubeadm-config.yaml --upload-certs > /root/kubeadm-init.log 2>&1' },
    { name: 'kubeconfig', sh: 'mkdir -p $HOME/.kube && cp -i /etc/kubernetes/admin.conf $HOME/.kube/config' },
  ];
}

export function nodePrep(hosts: RefHost[], h: RefHost): Step[] {
  return [...osPrep(hosts, h), ...repos(), ...kernel(), ...containerd(), ...kubePackages()];
}
