/** `up`: load the inventory, converge every phase over SSH, write the admin kubeconfig locally. */
import { loadInventory } from '../inventory/index.ts';
import { buildPhases } from '../phases/index.ts';
import { converge } from '../engine/converge.ts';

export interface UpRun {
  inventory: string;
  output: 'text' | 'json';
  concurrency: number;
  skipUnreachable: boolean;
}

export async function runUp(o: UpRun): Promise<number> {
  const cluster = loadInventory(o.inventory);
  const outcome = await converge({
    cluster,
    build: buildPhases,
    output: o.output,
    concurrency: o.concurrency,
    skipUnreachable: o.skipUnreachable,
    command: 'up',
  });
  return outcome.exitCode;
}
