/** Lab fault hooks on the cluster's kubeadm state, for the lab CLI and tests. */
import type { ClusterState } from '../cluster/types.ts';
import { objectKey } from '../cluster/types.ts';
import { CERTS_PROXY_DESCRIPTION, readToken, rfc3339 } from './kubeadm/tokens.ts';

const pastExpiry = (): string => Buffer.from(rfc3339(Date.now() - 3600_000)).toString('base64');

/** Every bootstrap token expires (token list shows <invalid>, joins fail). Returns how many. */
export function expireAllTokens(cluster: ClusterState): number {
  let n = 0;
  for (const o of Object.values(cluster.objects)) {
    const t = readToken(o);
    if (!t || t.description === CERTS_PROXY_DESCRIPTION) continue;
    (o.data as Record<string, string>).expiration = pastExpiry();
    n++;
  }
  return n;
}

/** The uploaded certificates' TTL ends: a control-plane join with the certificate key fails. */
export function expireCertificateKeys(cluster: ClusterState): number {
  const s = cluster.objects[objectKey('Secret', 'kube-system', 'kubeadm-certs')];
  const owner = s?.metadata.ownerReferences?.[0]?.name;
  let n = 0;
  for (const o of Object.values(cluster.objects)) {
    const t = readToken(o);
    if (!t || (t.description !== CERTS_PROXY_DESCRIPTION && o.metadata.name !== owner)) continue;
    (o.data as Record<string, string>).expiration = pastExpiry();
    n++;
  }
  return n;
}
