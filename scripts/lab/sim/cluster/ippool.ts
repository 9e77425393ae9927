/**
 * The default IPPool calico-node creates on its first start when none exists (from
 * CALICO_IPV4POOL_CIDR / _IPIP / _VXLAN), stored as the crd.projectcalico.org/v1 object the
 * Kubernetes datastore keeps, so `kubectl get ippools` shows it as on a real cluster.
 */
import type { KubeObject } from './types.ts';
import { createObject, getObject, listObjects } from './store.ts';
import { arr, dig, isObject, str } from './util.ts';
import type { Ctx } from './view.ts';

function envOf(ds: KubeObject, name: string): string | undefined {
  for (const c of arr(dig(ds, 'spec', 'template', 'spec', 'containers'))) {
    if (!isObject(c)) continue;
    for (const e of arr(c.env)) if (isObject(e) && e.name === name && str(e.value)) return str(e.value);
  }
  return undefined;
}

/** Called once some calico-node pod runs; needs the IPPool CRD (applied with the manifest). */
export function ensureDefaultIpPool(c: Ctx, ds: KubeObject | undefined, pool: string | undefined): void {
  if (!ds || !pool) return;
  if (!getObject(c.cluster, 'CustomResourceDefinition', undefined, 'ippools.crd.projectcalico.org')) return;
  if (listObjects(c.cluster, 'IPPool').length > 0) return;
  const mode = (v: string | undefined, dflt: string): string => (v === undefined ? dflt : v);
  createObject(c.cluster, {
    apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool',
    metadata: { name: 'default-ipv4-ippool' },
    spec: {
      allowedUses: ['Workload', 'Tunnel'], blockSize: 26, cidr: pool,
      ipipMode: mode(envOf(ds, 'CALICO_IPV4POOL_IPIP'), 'Always'), natOutgoing: true, nodeSelector: 'all()',
      vxlanMode: mode(envOf(ds, 'CALICO_IPV4POOL_VXLAN'), 'Never'),
    },
  } as KubeObject, c.now);
  c.changed = true;
}
