/** After `up`: the init master's admin kubeconfig, pointed at the controlPlaneEndpoint, written under the project dir. */
import path from 'node:path';
import type { Host } from '../hosts/host.ts';
import { kubeconfigText, pointAtEndpoint } from '../cluster/kubeconfig.ts';
import { writePrivateFile } from '../cluster/private-file.ts';

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/** .kubeforge/clusters/<name>/admin.conf under `root` (the same place `kubeforge kubeconfig` writes). */
export function kubeconfigPath(root: string, clusterName: string): string {
  return path.join(root, '.kubeforge', 'clusters', clusterName, 'admin.conf');
}

/** Fetch admin.conf over the run's connection and write it mode 0600 (it holds the admin's client key). */
export async function writeLocalKubeconfig(master: Host, endpoint: string, file: string): Promise<void> {
  const admin = pointAtEndpoint((await master.get(ADMIN_CONF)).toString('utf8'), endpoint);
  writePrivateFile(file, kubeconfigText(admin));
}
