/** Where kubeforge puts things on a host: one place, so steps and templates agree. */
export const HOST_PATHS = {
  stateDir: '/var/lib/kubeforge',
  /** per-step sha256 stamps: "this file's content was applied" (restart/apply when it changes) */
  stampDir: '/var/lib/kubeforge/stamps',
  configDir: '/etc/kubeforge',
  kubeadmInit: '/etc/kubeforge/kubeadm-init.yaml',
  /** written by the join step itself (it holds the token), removed after the join */
  kubeadmJoin: '/etc/kubeforge/kubeadm-join.yaml',
  addonsDir: '/etc/kubeforge/addons',
  adminConf: '/etc/kubernetes/admin.conf',
  kubeletConf: '/etc/kubernetes/kubelet.conf',
  rootKubeconfig: '/root/.kube/config',
  sysctlFile: '/etc/sysctl.d/k8s.conf',
  modulesFile: '/etc/modules-load.d/k8s.conf',
  limitsFile: '/etc/security/limits.d/90-kubeforge.conf',
  chronyConf: '/etc/chrony.conf',
  hostsFile: '/etc/hosts',
  fstab: '/etc/fstab',
  selinuxConfig: '/etc/selinux/config',
  nmCalicoConf: '/etc/NetworkManager/conf.d/calico.conf',
  dockerDaemon: '/etc/docker/daemon.json',
  containerdConfig: '/etc/containerd/config.toml',
  crictlConfig: '/etc/crictl.yaml',
  reposDir: '/etc/yum.repos.d',
} as const;

export type HostPaths = typeof HOST_PATHS;
