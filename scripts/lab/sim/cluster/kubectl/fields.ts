/**
 * Known fields of the most used built-in types, to reject unknown ones as the API server does
 * (kubectl's client-side validation up to 1.24, strict server-side field validation from 1.25).
 * The kubernetes-models schemas accept extra properties, so this fills that gap for the types
 * manifests and kubeforge's templates use most.
 */
import { isObject } from '../util.ts';

const META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields', 'clusterName'];
const POD_SPEC = ['volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds',
  'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC',
  'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases',
  'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead',
  'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims'];
const CONTAINER = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts',
  'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy',
  'securityContext', 'stdin', 'stdinOnce', 'tty'];
const TEMPLATE = ['metadata', 'spec'];

interface TypeDef { name: string; fields: string[]; children?: Record<string, string>; items?: Record<string, string> }

/** type name -> known fields, object-valued children and list-of-object children (by field) */
const TYPES: Record<string, TypeDef> = {
  ObjectMeta: { name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', fields: META },
  PodTemplateSpec: { name: 'io.k8s.api.core.v1.PodTemplateSpec', fields: TEMPLATE, children: { metadata: 'ObjectMeta', spec: 'PodSpec' } },
  PodSpec: { name: 'io.k8s.api.core.v1.PodSpec', fields: POD_SPEC, items: { containers: 'Container', initContainers: 'Container' } },
  Container: { name: 'io.k8s.api.core.v1.Container', fields: CONTAINER },
  DeploymentSpec: {
    name: 'io.k8s.api.apps.v1.DeploymentSpec', fields: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
    children: { template: 'PodTemplateSpec' },
  },
  DaemonSetSpec: { name: 'io.k8s.api.apps.v1.DaemonSetSpec', fields: ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'], children: { template: 'PodTemplateSpec' } },
  Deployment: { name: 'io.k8s.api.apps.v1.Deployment', fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: 'ObjectMeta', spec: 'DeploymentSpec' } },
  DaemonSet: { name: 'io.k8s.api.apps.v1.DaemonSet', fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: 'ObjectMeta', spec: 'DaemonSetSpec' } },
  Pod: { name: 'io.k8s.api.core.v1.Pod', fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: 'ObjectMeta', spec: 'PodSpec' } },
  ConfigMap: { name: 'io.k8s.api.core.v1.ConfigMap', fields: ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'], children: { metadata: 'ObjectMeta' } },
  Secret: { name: 'io.k8s.api.core.v1.Secret', fields: ['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'], children: { metadata: 'ObjectMeta' } },
  Namespace: { name: 'io.k8s.api.core.v1.Namespace', fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: 'ObjectMeta' } },
  Service: { name: 'io.k8s.api.core.v1.Service', fields: ['apiVersion', 'kind', 'metadata', 'spec', 'status'], children: { metadata: 'ObjectMeta' } },
};

export interface UnknownField { path: string; field: string; typeName: string }

function walk(value: unknown, type: string, path: string): UnknownField | undefined {
  const def = TYPES[type];
  if (!def || !isObject(value)) return undefined;
  for (const k of Object.keys(value)) {
    if (!def.fields.includes(k)) return { path, field: k, typeName: def.name };
  }
  for (const [k, child] of Object.entries(def.children ?? {})) {
    const r = walk(value[k], child, path ? `${path}.${k}` : k);
    if (r) return r;
  }
  for (const [k, child] of Object.entries(def.items ?? {})) {
    const list = value[k];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const r = walk(list[i], child, `${path ? `${path}.` : ''}${k}[${i}]`);
      if (r) return r;
    }
  }
  return undefined;
}

/** The first field the API server would not know, with the path kubectl names. */
export function unknownField(obj: Record<string, unknown>, kind: string): UnknownField | undefined {
  return walk(obj, kind, '');
}
