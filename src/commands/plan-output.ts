/** Everything `plan` prints, without the CLI around it (tests and the benchmark call this). */
import type { CommonOptions } from './common.ts';
import { loadInventory } from '../inventory/index.ts';
import { buildPhases } from '../phases/index.ts';
import { assumedFactsAll } from '../phases/assumed-facts.ts';
import { planJson, planText } from '../render/plan-text.ts';

export function planOutput(file: string, output: CommonOptions['output']): string {
  const cluster = loadInventory(file);
  const facts = assumedFactsAll(cluster);
  const phases = buildPhases(cluster, facts);
  return output === 'json' ? planJson(cluster, phases, facts, true) : planText(cluster, phases, facts, true);
}
