/**
 * The shared cluster state of a lab (cluster.json), one per lab, owned by the daemon.
 * Kubernetes objects are kept in their real JSON form, so kubectl output, Secrets of
 * bootstrap tokens, ConfigMaps (kube-proxy, kubeadm-config, cluster-info) read like the
 * real ones. Pod status is derived by the cluster area's reconcile() from the objects,
 * the nodes and the hosts' state (kubelet running, runtime, CNI, registries).
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    generation?: number;
    resourceVersion?: string;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** key: `${kind}/${namespace ?? ''}/${name}` (kind as in the object, e.g. ConfigMap) */
export type ObjectKey = string;
export const objectKey = (kind: string, namespace: string | undefined, name: string): ObjectKey =>
  `${kind}/${namespace ?? ''}/${name}`;

export interface ClusterState {
  /** false until the first `kubeadm init` succeeds; reset when the last control plane is reset */
  initialized: boolean;
  clusterName: string;
  kubernetesVersion: string;
  /** host:port the API server is reached at */
  controlPlaneEndpoint: string;
  podSubnet: string;
  serviceSubnet: string;
  dnsDomain: string;
  imageRepository: string;
  /** the lab host that ran init, and every lab host that runs a control plane */
  controlPlaneHosts: string[];
  /** CA certificate (PEM); its key stays on the control-plane hosts under /etc/kubernetes/pki */
  caCertPem: string;
  /** sha256:<hex> of the CA's DER SubjectPublicKeyInfo */
  caCertHash: string;
  /** every API object, including Nodes, Secrets of bootstrap tokens, ConfigMaps, workloads */
  objects: Record<ObjectKey, KubeObject>;
  /** monotonically increasing, for resourceVersion and uids */
  revision: number;
  /**
   * pod starts by slot (the cluster area's reconcile): `${namespace}/ds:${name}:${templateHash}:${node}` or
   * `${namespace}/deploy:${name}:${templateHash}:${replica}` -> creation time (ms) of the pod in that slot;
   * `delete pod` / drain set a new time (a new pod, a new name), a template change makes new slots
   */
  podStarts: Record<string, number>;
  /** per-area extra data */
  extra: Record<string, unknown>;
}

export const emptyCluster = (): ClusterState => ({
  initialized: false,
  clusterName: 'kubernetes',
  kubernetesVersion: '',
  controlPlaneEndpoint: '',
  podSubnet: '',
  serviceSubnet: '10.96.0.0/12',
  dnsDomain: 'cluster.local',
  imageRepository: 'registry.k8s.io',
  controlPlaneHosts: [],
  caCertPem: '',
  caCertHash: '',
  objects: {},
  revision: 1,
  podStarts: {},
  extra: {},
});
