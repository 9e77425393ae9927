/** The shapes of a derived cluster view, shared by the reconcile modules. */
import type { PeerView, SimContext } from '../api.ts';
import type { ClusterState, KubeObject } from './types.ts';

export interface PodEvent { type: 'Normal' | 'Warning'; reason: string; message: string; source: string }

export interface PodView {
  pod: KubeObject;
  slot?: string;
  nodeName?: string;
  hostName?: string;
  /** the STATUS column */
  status: string;
  ready: boolean;
  readyCount: number;
  total: number;
  restarts: number;
  ownerKind?: 'DaemonSet' | 'Deployment' | 'Node';
  ownerName?: string;
  mirror: boolean;
  hostNetwork: boolean;
  emptyDir: boolean;
  events: PodEvent[];
}

export interface NodeView {
  name: string;
  node: KubeObject;
  peer?: PeerView;
  address?: string;
  kubeletActive: boolean;
  cniReady: boolean;
  ready: 'True' | 'False' | 'Unknown';
}

export interface ClusterView {
  nodes: NodeView[];
  pods: PodView[];
  /** stored objects with derived status, plus derived ones (pods, default namespaces, kubernetes Service) */
  objects: KubeObject[];
  metricsReady: boolean;
  now: number;
}

export const CNI_DAEMONSETS = ['calico-node'];

export interface Ctx {
  sim: SimContext;
  cluster: ClusterState;
  now: number;
  changed: boolean;
  runtimeFlavor: Map<string, 'docker' | 'containerd'>;
}

export interface PodPlan {
  namespace: string;
  name: string;
  slot?: string;
  start: number;
  template: Record<string, unknown>;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: 'DaemonSet' | 'Deployment' | 'Node'; name: string; uid: string; apiVersion: string };
  nodeName?: string;
  pendingMessage?: string;
  mirror: boolean;
}
