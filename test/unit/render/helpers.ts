/** Shared by the render/phases tests: the example inventories, loaded, with the facts plan assumes. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../../src/inventory/index.ts';
import type { Cluster } from '../../../src/inventory/model.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { buildPhases } from '../../../src/phases/index.ts';
import type { HostStep, Phase } from '../../../src/phases/types.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const inventory = (name: string): Cluster => loadInventory(path.join(REPO, 'inventories', name));

export function phasesOf(cluster: Cluster): Phase[] {
  return buildPhases(cluster, assumedFactsAll(cluster));
}

export function stepOf(phases: Phase[], host: string, id: string): HostStep {
  for (const p of phases) {
    const s = (p.steps[host] ?? []).find((x) => x.id === id);
    if (s) return s;
  }
  throw new Error(`no step ${id} on ${host}`);
}

export const stepIds = (phases: Phase[], host: string): string[] => phases.flatMap((p) => (p.steps[host] ?? []).map((s) => s.id));
