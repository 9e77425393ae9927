/** `kubectl get` table columns per kind, as the real printers show them (default and -o wide). */
import type { KubeObject } from './types.ts';
import type { ClusterView, PodView } from './reconcile.ts';
import { ageOf, humanDuration } from './age.ts';
import { arr, dig, isObject, minorOf, rec, str } from './util.ts';

export interface PrintOptions { wide: boolean; allNamespaces: boolean; showLabels: boolean; noHeaders: boolean; version: string }

type Columns = { headers: string[]; wide: string[]; row: (o: KubeObject) => { base: string[]; wide: string[] } };

const none = (s: string | undefined): string => (s ? s : '<none>');

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).filter(Boolean);
  const legacy = o.metadata.labels?.['kubernetes.io/role'];
  if (legacy) roles.push(legacy);
  return roles.length ? roles.sort().join(',') : '<none>';
}

export function nodeStatusText(o: KubeObject): string {
  const ready = arr(dig(o, 'status', 'conditions')).find((c) => isObject(c) && c.type === 'Ready');
  let s = isObject(ready) ? (ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'NotReady') : 'Unknown';
  if (dig(o, 'spec', 'unschedulable') === true) s += ',SchedulingDisabled';
  return s;
}

const selectorText = (sel: unknown): string => {
  const ml = rec(dig(sel, 'matchLabels'));
  const parts = Object.entries(ml).map(([k, v]) => `${k}=${str(v)}`);
  return parts.length ? parts.join(',') : '<none>';
};
const containersOf = (o: KubeObject): Record<string, unknown>[] => arr(dig(o, 'spec', 'template', 'spec', 'containers')).filter(isObject);

function servicePorts(o: KubeObject): string {
  const ports = arr(dig(o, 'spec', 'ports')).filter(isObject);
  if (!ports.length) return '<none>';
  return ports.map((p) => `${str(p.port)}${p.nodePort ? `:${str(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`).join(',');
}

function columnsFor(kind: string, view: ClusterView, podIndex: Map<string, PodView>, version: string): Columns {
  const now = view.now;
  const age = (o: KubeObject) => ageOf(o.metadata.creationTimestamp, now);
  switch (kind) {
    case 'Node':
      return {
        headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
        wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
        row: (o) => {
          const addrs = arr(dig(o, 'status', 'addresses')).filter(isObject);
          const addr = (t: string) => str(addrs.find((a) => a.type === t)?.address);
          const info = rec(dig(o, 'status', 'nodeInfo'));
          return {
            base: [o.metadata.name, nodeStatusText(o), nodeRoles(o), age(o), none(str(info.kubeletVersion))],
            wide: [none(addr('InternalIP')), none(addr('ExternalIP')), none(str(info.osImage)), none(str(info.kernelVersion)), none(str(info.containerRuntimeVersion))],
          };
        },
      };
    case 'Pod':
      return {
        headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
        row: (o) => {
          const pv = podIndex.get(`${o.metadata.namespace}/${o.metadata.name}`);
          const total = pv?.total ?? arr(dig(o, 'spec', 'containers')).length;
          const restarts = pv?.restarts ?? 0;
          // since 1.22 the column also tells when the last restart was (crash loops restart about every minute here)
          const sinceLast = Math.max(0, (now - Date.parse(o.metadata.creationTimestamp ?? '')) % 60_000);
          const restartText = restarts > 0 && minorOf(version) >= 22 ? `${restarts} (${humanDuration(sinceLast)} ago)` : String(restarts);
          return {
            base: [o.metadata.name, `${pv?.readyCount ?? 0}/${total}`, pv?.status ?? str(dig(o, 'status', 'phase'), 'Pending'), restartText, age(o)],
            wide: [none(str(dig(o, 'status', 'podIP'))), none(str(dig(o, 'spec', 'nodeName'))), '<none>', '<none>'],
          };
        },
      };
    case 'DaemonSet':
      return {
        headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
        wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
        row: (o) => {
          const s = rec(o.status);
          const ns = Object.entries(rec(dig(o, 'spec', 'template', 'spec', 'nodeSelector'))).map(([k, v]) => `${k}=${str(v)}`).join(',');
          const n = (k: string) => String(Number(s[k] ?? 0));
          return {
            base: [o.metadata.name, n('desiredNumberScheduled'), n('currentNumberScheduled'), n('numberReady'), n('updatedNumberScheduled'), n('numberAvailable'), none(ns), age(o)],
            wide: [containersOf(o).map((c) => str(c.name)).join(','), containersOf(o).map((c) => str(c.image)).join(','), selectorText(dig(o, 'spec', 'selector'))],
          };
        },
      };
    case 'Deployment':
      return {
        headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
        row: (o) => {
          const s = rec(o.status);
          const replicas = typeof dig(o, 'spec', 'replicas') === 'number' ? Number(dig(o, 'spec', 'replicas')) : 1;
          return {
            base: [o.metadata.name, `${Number(s.readyReplicas ?? 0)}/${replicas}`, String(Number(s.updatedReplicas ?? 0)), String(Number(s.availableReplicas ?? 0)), age(o)],
            wide: [containersOf(o).map((c) => str(c.name)).join(','), containersOf(o).map((c) => str(c.image)).join(','), selectorText(dig(o, 'spec', 'selector'))],
          };
        },
      };
    case 'Service':
      return {
        headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
        wide: ['SELECTOR'],
        row: (o) => ({
          base: [o.metadata.name, str(dig(o, 'spec', 'type'), 'ClusterIP'), none(str(dig(o, 'spec', 'clusterIP'))), '<none>', servicePorts(o), age(o)],
          wide: [none(Object.entries(rec(dig(o, 'spec', 'selector'))).map(([k, v]) => `${k}=${str(v)}`).join(','))],
        }),
      };
    case 'ConfigMap':
      return { headers: ['NAME', 'DATA', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, String(Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length), age(o)], wide: [] }) };
    case 'Secret':
      return { headers: ['NAME', 'TYPE', 'DATA', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, str(o.type, 'Opaque'), String(Object.keys(rec(o.data)).length), age(o)], wide: [] }) };
    case 'Namespace':
      return { headers: ['NAME', 'STATUS', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, str(dig(o, 'status', 'phase'), 'Active'), age(o)], wide: [] }) };
    case 'ServiceAccount':
      return { headers: ['NAME', 'SECRETS', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, String(arr(o.secrets).length || (minorOf(version) < 24 ? 1 : 0)), age(o)], wide: [] }) };
    case 'APIService':
      return {
        headers: ['NAME', 'SERVICE', 'AVAILABLE', 'AGE'], wide: [],
        row: (o) => {
          const svc = rec(dig(o, 'spec', 'service'));
          const cond = rec(arr(dig(o, 'status', 'conditions')).find((c) => isObject(c) && c.type === 'Available'));
          const avail = svc.name ? (cond.status === 'True' ? 'True' : `False (${str(cond.reason, 'ServiceNotFound')})`) : 'True';
          return { base: [o.metadata.name, svc.name ? `${str(svc.namespace)}/${str(svc.name)}` : 'Local', avail, age(o)], wide: [] };
        },
      };
    case 'CertificateSigningRequest':
      return {
        headers: minorOf(version) >= 22 ? ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION'] : ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'CONDITION'], wide: [],
        row: (o) => {
          const conds = arr(dig(o, 'status', 'conditions')).filter(isObject).map((c) => str(c.type));
          if (dig(o, 'status', 'certificate')) conds.push('Issued');
          const base = [o.metadata.name, age(o), str(dig(o, 'spec', 'signerName')), str(dig(o, 'spec', 'username'))];
          if (minorOf(version) >= 22) base.push('<none>');
          base.push(conds.length ? conds.join(',') : 'Pending');
          return { base, wide: [] };
        },
      };
    case 'Event':
      return {
        headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], wide: [],
        row: (o) => ({
          base: [ageOf(str(o.lastTimestamp), now), str(o.type), str(o.reason), `${str(dig(o, 'involvedObject', 'kind')).toLowerCase()}/${str(dig(o, 'involvedObject', 'name'))}`, str(o.message)],
          wide: [],
        }),
      };
    case 'ComponentStatus':
      return {
        headers: ['NAME', 'STATUS', 'MESSAGE', 'ERROR'], wide: [],
        row: (o) => {
          const cond = rec(arr(o.conditions).find((x) => isObject(x) && x.type === 'Healthy'));
          return { base: [o.metadata.name, cond.status === 'True' ? 'Healthy' : 'Unhealthy', str(cond.message), str(cond.error)], wide: [] };
        },
      };
    case 'CustomResourceDefinition':
    case 'ClusterRole':
    case 'Role':
      return { headers: ['NAME', 'CREATED AT'], wide: [], row: (o) => ({ base: [o.metadata.name, str(o.metadata.creationTimestamp)], wide: [] }) };
    case 'ClusterRoleBinding':
    case 'RoleBinding':
      return { headers: ['NAME', 'ROLE', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, `${str(dig(o, 'roleRef', 'kind'))}/${str(dig(o, 'roleRef', 'name'))}`, age(o)], wide: [] }) };
    case 'PodDisruptionBudget':
      return {
        headers: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'], wide: [],
        row: (o) => ({ base: [o.metadata.name, str(dig(o, 'spec', 'minAvailable'), 'N/A'), str(dig(o, 'spec', 'maxUnavailable'), 'N/A'), String(Number(dig(o, 'status', 'disruptionsAllowed') ?? 0)), age(o)], wide: [] }),
      };
    default:
      return { headers: ['NAME', 'AGE'], wide: [], row: (o) => ({ base: [o.metadata.name, age(o)], wide: [] }) };
  }
}

/** Rows of one kind; the caller joins kinds with a blank line as kubectl does. */
export function printTable(kind: string, objects: KubeObject[], view: ClusterView, opts: PrintOptions, namespaced: boolean): { headers: string[]; rows: string[][] } {
  const podIndex = new Map(view.pods.map((p) => [`${p.pod.metadata.namespace}/${p.pod.metadata.name}`, p]));
  const cols = columnsFor(kind, view, podIndex, opts.version);
  const headers = [...(opts.allNamespaces && namespaced ? ['NAMESPACE'] : []), ...cols.headers, ...(opts.wide ? cols.wide : []), ...(opts.showLabels ? ['LABELS'] : [])];
  const rows = objects.map((o) => {
    const r = cols.row(o);
    const labels = Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return [...(opts.allNamespaces && namespaced ? [o.metadata.namespace ?? ''] : []), ...r.base, ...(opts.wide ? r.wide : []), ...(opts.showLabels ? [labels || '<none>'] : [])];
  });
  return { headers, rows };
}
