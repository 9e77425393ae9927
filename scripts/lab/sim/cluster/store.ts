/** Stored API objects of the shared cluster: create / update / delete with the metadata an API server adds. */
import type { ClusterState, KubeObject } from './types.ts';
import { objectKey } from './types.ts';
import { hashHex } from './util.ts';

export const keyOf = (o: KubeObject): string => objectKey(o.kind, o.metadata.namespace, o.metadata.name);

/** A uid in the UUID layout, derived from the cluster revision (deterministic per lab history). */
export function newUid(cluster: ClusterState, seed: string): string {
  const h = hashHex(`${cluster.caCertHash}/${cluster.revision}/${seed}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const isoNow = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function getObject(cluster: ClusterState, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
  return cluster.objects[objectKey(kind, namespace, name)];
}

export function listObjects(cluster: ClusterState, kind: string, namespace?: string): KubeObject[] {
  return Object.values(cluster.objects)
    .filter((o) => o.kind === kind && (namespace === undefined || (o.metadata.namespace ?? '') === namespace))
    .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
}

/** Store a new object: uid, resourceVersion, creationTimestamp, generation, as the API server sets them. */
export function createObject(cluster: ClusterState, obj: KubeObject, nowMs: number): KubeObject {
  if (obj.kind === 'Service') allocateClusterIP(cluster, obj);
  cluster.revision++;
  obj.metadata.uid = newUid(cluster, keyOf(obj));
  obj.metadata.resourceVersion = String(cluster.revision);
  obj.metadata.creationTimestamp = isoNow(nowMs);
  if ('spec' in obj) obj.metadata.generation = 1;
  cluster.objects[keyOf(obj)] = obj;
  return obj;
}

/** Replace a stored object keeping the identity fields the server owns; generation bumps on spec change. */
export function updateObject(cluster: ClusterState, obj: KubeObject): KubeObject {
  const old = cluster.objects[keyOf(obj)];
  cluster.revision++;
  if (old) {
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    const specChanged = JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
    if ('spec' in obj) obj.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  }
  obj.metadata.resourceVersion = String(cluster.revision);
  cluster.objects[keyOf(obj)] = obj;
  return obj;
}

const ipToInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** A Service without clusterIP gets a free address of the service subnet (not .0, .1 = kubernetes, .10 = kube-dns). */
function allocateClusterIP(cluster: ClusterState, svc: KubeObject): void {
  const spec = (svc.spec ??= {}) as Record<string, unknown>;
  if (spec.clusterIP || spec.type === 'ExternalName') return;
  const [base, bits] = (cluster.serviceSubnet || '10.96.0.0/12').split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToInt(base) - (ipToInt(base) % size);
  const used = new Set(Object.values(cluster.objects).filter((o) => o.kind === 'Service').map((o) => String((o.spec as Record<string, unknown> | undefined)?.clusterIP ?? '')));
  let n = parseInt(hashHex(`${svc.metadata.namespace}/${svc.metadata.name}`).slice(0, 8), 16) % size;
  for (let i = 0; i < size; i++, n = (n + 1) % size) {
    const ip = intToIp(start + n);
    if (n > 10 && n < size - 1 && !used.has(ip)) {
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      return;
    }
  }
}

export function deleteObject(cluster: ClusterState, kind: string, namespace: string | undefined, name: string): boolean {
  const k = objectKey(kind, namespace, name);
  if (!cluster.objects[k]) return false;
  delete cluster.objects[k];
  cluster.revision++;
  return true;
}
