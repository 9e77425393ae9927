/** The API resources kubectl knows (built-in, by Kubernetes version) and those added by CRDs. */
import type { ClusterState, KubeObject } from './types.ts';
import { listObjects } from './store.ts';
import { arr, dig, isObject, minorOf, str } from './util.ts';

export interface ResourceType {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** '' for the core group */
  group: string;
  versions: string[];
  namespaced: boolean;
  /** the version it was removed in (apiVersion -> minor) */
  removedIn?: Record<string, number>;
  deprecatedIn?: Record<string, { since: number; use: string }>;
}

const R = (kind: string, plural: string, shortNames: string[], group: string, versions: string[], namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType =>
  ({ kind, plural, singular: kind.toLowerCase(), shortNames, group, versions, namespaced, ...extra });

export const BUILTIN: ResourceType[] = [
  R('Pod', 'pods', ['po'], '', ['v1'], true),
  R('Node', 'nodes', ['no'], '', ['v1'], false),
  R('Namespace', 'namespaces', ['ns'], '', ['v1'], false),
  R('ConfigMap', 'configmaps', ['cm'], '', ['v1'], true),
  R('Secret', 'secrets', [], '', ['v1'], true),
  R('Service', 'services', ['svc'], '', ['v1'], true),
  R('ServiceAccount', 'serviceaccounts', ['sa'], '', ['v1'], true),
  R('Endpoints', 'endpoints', ['ep'], '', ['v1'], true),
  R('Event', 'events', ['ev'], '', ['v1'], true),
  R('PersistentVolume', 'persistentvolumes', ['pv'], '', ['v1'], false),
  R('PersistentVolumeClaim', 'persistentvolumeclaims', ['pvc'], '', ['v1'], true),
  R('LimitRange', 'limitranges', ['limits'], '', ['v1'], true),
  R('ComponentStatus', 'componentstatuses', ['cs'], '', ['v1'], false),
  R('ResourceQuota', 'resourcequotas', ['quota'], '', ['v1'], true),
  R('DaemonSet', 'daemonsets', ['ds'], 'apps', ['v1'], true),
  R('Deployment', 'deployments', ['deploy'], 'apps', ['v1'], true),
  R('ReplicaSet', 'replicasets', ['rs'], 'apps', ['v1'], true),
  R('StatefulSet', 'statefulsets', ['sts'], 'apps', ['v1'], true),
  R('Job', 'jobs', [], 'batch', ['v1'], true),
  R('CronJob', 'cronjobs', ['cj'], 'batch', ['v1', 'v1beta1'], true, { removedIn: { v1beta1: 25 } }),
  R('ClusterRole', 'clusterroles', [], 'rbac.authorization.k8s.io', ['v1', 'v1beta1'], false, { removedIn: { v1beta1: 22 } }),
  R('ClusterRoleBinding', 'clusterrolebindings', [], 'rbac.authorization.k8s.io', ['v1', 'v1beta1'], false, { removedIn: { v1beta1: 22 } }),
  R('Role', 'roles', [], 'rbac.authorization.k8s.io', ['v1', 'v1beta1'], true, { removedIn: { v1beta1: 22 } }),
  R('RoleBinding', 'rolebindings', [], 'rbac.authorization.k8s.io', ['v1', 'v1beta1'], true, { removedIn: { v1beta1: 22 } }),
  R('CustomResourceDefinition', 'customresourcedefinitions', ['crd', 'crds'], 'apiextensions.k8s.io', ['v1', 'v1beta1'], false, { removedIn: { v1beta1: 22 } }),
  R('APIService', 'apiservices', [], 'apiregistration.k8s.io', ['v1', 'v1beta1'], false, { removedIn: { v1beta1: 22 } }),
  R('PodDisruptionBudget', 'poddisruptionbudgets', ['pdb'], 'policy', ['v1', 'v1beta1'], true, {
    removedIn: { v1beta1: 25 }, deprecatedIn: { v1beta1: { since: 21, use: 'policy/v1 PodDisruptionBudget' } },
  }),
  R('PodSecurityPolicy', 'podsecuritypolicies', ['psp'], 'policy', ['v1beta1'], false, { removedIn: { v1beta1: 25 } }),
  R('CertificateSigningRequest', 'certificatesigningrequests', ['csr'], 'certificates.k8s.io', ['v1'], false),
  R('PriorityClass', 'priorityclasses', ['pc'], 'scheduling.k8s.io', ['v1'], false),
  R('StorageClass', 'storageclasses', ['sc'], 'storage.k8s.io', ['v1'], false),
  R('Ingress', 'ingresses', ['ing'], 'networking.k8s.io', ['v1'], true),
  R('IngressClass', 'ingressclasses', [], 'networking.k8s.io', ['v1'], false),
  R('NetworkPolicy', 'networkpolicies', ['netpol'], 'networking.k8s.io', ['v1'], true),
  R('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', [], 'admissionregistration.k8s.io', ['v1'], false),
  R('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', [], 'admissionregistration.k8s.io', ['v1'], false),
  R('Lease', 'leases', [], 'coordination.k8s.io', ['v1'], true),
  R('EndpointSlice', 'endpointslices', [], 'discovery.k8s.io', ['v1'], true),
  R('RuntimeClass', 'runtimeclasses', [], 'node.k8s.io', ['v1'], false),
  R('HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa'], 'autoscaling', ['v1', 'v2'], true),
];

/** Every resource type this cluster serves: built-ins of its version plus the established CRDs. */
export function resourceTypes(cluster: ClusterState): ResourceType[] {
  const out = [...BUILTIN];
  for (const crd of listObjects(cluster, 'CustomResourceDefinition')) {
    const names = dig(crd, 'spec', 'names');
    if (!isObject(names)) continue;
    out.push({
      kind: str(names.kind), plural: str(names.plural), singular: str(names.singular, str(names.kind).toLowerCase()),
      shortNames: arr(names.shortNames).map(String), group: str(dig(crd, 'spec', 'group')),
      versions: arr(dig(crd, 'spec', 'versions')).filter((v) => isObject(v) && v.served !== false).map((v) => str((v as Record<string, unknown>).name)),
      namespaced: dig(crd, 'spec', 'scope') !== 'Cluster',
    });
  }
  return out;
}

export const groupVersion = (apiVersion: string): { group: string; version: string } => {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
};

/** The type of an object's apiVersion + kind, if this cluster serves it. */
export function typeForObject(cluster: ClusterState, apiVersion: string, kind: string): ResourceType | undefined {
  const { group, version } = groupVersion(apiVersion);
  const minor = minorOf(cluster.kubernetesVersion);
  return resourceTypes(cluster).find((t) => t.kind === kind && t.group === group && t.versions.includes(version) &&
    !(t.removedIn && t.removedIn[version] !== undefined && minor >= t.removedIn[version]));
}

/** What a user typed ("po", "deploy", "deployments.apps", "node") to a type. */
export function typeForName(cluster: ClusterState, name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const [base, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  return resourceTypes(cluster).find((t) =>
    (t.plural === base || t.singular === base || t.shortNames.includes(base) || t.kind.toLowerCase() === base) && (!group || t.group === group));
}

/** "deployment.apps", "configmap", "ippool.crd.projectcalico.org": kubectl's name for a type in its output. */
export const qualifiedName = (t: ResourceType): string => (t.group ? `${t.singular}.${t.group}` : t.singular);

export const isCustom = (t: ResourceType): boolean => !BUILTIN.includes(t);

/** Objects of a type in the view (namespace undefined: all). */
export const ofType = (objects: KubeObject[], t: ResourceType, namespace?: string): KubeObject[] =>
  objects.filter((o) => o.kind === t.kind && (!t.namespaced || namespace === undefined || (o.metadata.namespace ?? 'default') === namespace))
    .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
