/** `kubeconfig`: fetch admin.conf from the init master, point it at the controlPlaneEndpoint, write or merge it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadInventory } from '../inventory/index.ts';
import { jsonLines } from './json-lines.ts';
import { type Kubeconfig, kubeconfigText, mergeKubeconfig, parseKubeconfig, pointAtEndpoint, userKubeconfigPath } from './kubeconfig.ts';
import { writePrivateFile } from './private-file.ts';
import { withSession } from './session.ts';
import { ADMIN_KUBECONFIG } from './token-run.ts';

export interface KubeconfigOptions {
  inventory: string;
  output: 'text' | 'json';
  out?: string;
  merge: boolean;
  root?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** Merge the admin entries into a kubeconfig file (created when missing), leaving it mode 0600. */
export function mergeIntoFile(file: string, admin: Kubeconfig, name: string): void {
  const existing = fs.existsSync(file) ? parseKubeconfig(fs.readFileSync(file, 'utf8'), file) : {};
  writePrivateFile(file, kubeconfigText(mergeKubeconfig(existing, admin, name)));
}

export async function runKubeconfig(o: KubeconfigOptions): Promise<number> {
  const cluster = loadInventory(o.inventory);
  const name = cluster.cluster.name;
  const text = await withSession(cluster, { command: 'kubeconfig', root: o.root }, async (s) => {
    const h = s.host(s.initMaster.name);
    h.label = 'kubeconfig';
    return (await h.get(ADMIN_KUBECONFIG)).toString('utf8');
  });
  const admin = pointAtEndpoint(text, cluster.cluster.controlPlaneEndpoint);
  const written: string[] = [];
  if (o.merge) {
    const file = o.out ?? userKubeconfigPath(o.env ?? process.env, o.home ?? os.homedir());
    mergeIntoFile(file, admin, name);
    written.push(file);
  } else {
    const file = o.out ?? path.join(o.root ?? process.cwd(), '.kubeforge', 'clusters', name, 'admin.conf');
    writePrivateFile(file, kubeconfigText(admin));
    written.push(file);
  }
  const server = `https://${cluster.cluster.controlPlaneEndpoint}`;
  if (o.output === 'json') jsonLines()({ type: 'kubeconfig', file: written[0], merged: o.merge, context: o.merge ? name : undefined, server });
  else if (o.merge) process.stdout.write(`merged cluster, user ${name}-admin and context ${name} (server ${server}) into ${written[0]}\nuse it: kubectl --context ${name} get nodes\n`);
  else process.stdout.write(`wrote ${written[0]} (server ${server}, mode 0600)\nuse it: kubectl --kubeconfig ${written[0]} get nodes\n`);
  return 0;
}
