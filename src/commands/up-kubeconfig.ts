/** After `up`: the init master's admin kubeconfig, pointed at the controlPlaneEndpoint, written under the project dir. */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, isMap, isSeq } from 'yaml';
import type { Host } from '../hosts/host.ts';

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/** Every cluster entry's server set to https://<endpoint>; everything else kept as kubeadm wrote it. */
export function pointAt(kubeconfig: string, endpoint: string): string {
  const doc = parseDocument(kubeconfig);
  const clusters = doc.get('clusters');
  if (!isSeq(clusters) || clusters.items.length === 0) throw new Error(`${ADMIN_CONF} has no clusters`);
  for (const entry of clusters.items) {
    const c = isMap(entry) ? entry.get('cluster') : undefined;
    if (!isMap(c)) throw new Error(`${ADMIN_CONF}: a clusters entry has no cluster`);
    c.set('server', `https://${endpoint}`);
  }
  return doc.toString();
}

/** .kubeforge/clusters/<name>/admin.conf under `root`, mode 0600 (the file holds the admin's client key). */
export function kubeconfigPath(root: string, clusterName: string): string {
  return path.join(root, '.kubeforge', 'clusters', clusterName, 'admin.conf');
}

export async function writeLocalKubeconfig(master: Host, endpoint: string, file: string): Promise<void> {
  const text = pointAt((await master.get(ADMIN_CONF)).toString('utf8'), endpoint);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // write to a temp file created 0600, then rename: the key is never readable by others, even briefly
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
