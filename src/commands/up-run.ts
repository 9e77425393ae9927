/** `up`: load the inventory, converge every phase over SSH, write the admin kubeconfig locally, print the node table. */
import path from 'node:path';
import { loadInventory } from '../inventory/index.ts';
import { initMasterOf } from '../inventory/model.ts';
import { buildPhases } from '../phases/index.ts';
import { ensureAddonManifests } from '../render/manifests.ts';
import { converge, type AfterRun } from '../engine/converge.ts';
import { kubeconfigPath, writeLocalKubeconfig } from './up-kubeconfig.ts';
import { formatRows, readNodeRows } from './up-verify-table.ts';

export interface UpRun {
  inventory: string;
  output: 'text' | 'json';
  concurrency: number;
  skipUnreachable: boolean;
  /** project dir holding .kubeforge/; default cwd */
  root?: string;
  write?: (s: string) => void;
}

export async function runUp(o: UpRun): Promise<number> {
  const cluster = loadInventory(o.inventory);
  const root = o.root ?? process.cwd();
  const write = o.write ?? ((s: string) => process.stdout.write(s));
  let finishFailed = false;
  const afterSuccess = async (a: AfterRun): Promise<void> => {
    const init = initMasterOf(a.cluster).name;
    const file = kubeconfigPath(root, a.cluster.cluster.name);
    try {
      await writeLocalKubeconfig(a.host(init, 'kubeconfig.local'), a.cluster.cluster.controlPlaneEndpoint, file);
      const rows = await readNodeRows(a.cluster, a.host(init, 'verify.table'), (n) => a.host(n, 'verify.table'));
      const shown = path.relative(process.cwd(), file) || file;
      if (o.output === 'json') {
        write(JSON.stringify({ type: 'kubeconfig', path: file, time: new Date().toISOString() }) + '\n');
        write(JSON.stringify({ type: 'nodes', nodes: rows, time: new Date().toISOString() }) + '\n');
      } else {
        write(`\n${formatRows(rows)}\nadmin kubeconfig: ${shown} (server https://${a.cluster.cluster.controlPlaneEndpoint})\n  kubectl --kubeconfig ${shown} get nodes\n`);
      }
    } catch (e) {
      finishFailed = true;
      process.stderr.write(`after converging: ${(e as Error).message}\n`);
    }
  };
  // before any host is touched: a manifest that cannot be had must not stop the run halfway
  await ensureAddonManifests(cluster, (src) => {
    if (o.output === 'json') write(JSON.stringify({ type: 'download', addon: src.addon, url: src.url, time: new Date().toISOString() }) + '\n');
    else write(`downloading the ${src.addon} manifest: ${src.url}\n`);
  });
  const outcome = await converge({
    cluster,
    build: buildPhases,
    output: o.output,
    concurrency: o.concurrency,
    skipUnreachable: o.skipUnreachable,
    command: 'up',
    root: o.root,
    afterSuccess,
  });
  return outcome.exitCode !== 0 ? outcome.exitCode : finishFailed ? 1 : 0;
}
