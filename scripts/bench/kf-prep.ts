/**
 * kubeforge restricted to the prep phases (os, repos, kernel, runtime, kube-packages): the
 * engine's converge() exactly as `up` calls it (connect, facts, phases, journal under
 * .kubeforge/runs/), with the other phases left out. Started by kf-prep.mjs so that it is its
 * own process (its CPU and memory are measured apart from the benchmark's).
 * Usage: node scripts/bench/kf-prep.mjs <inventory> <concurrency>
 */
import { converge } from '../../src/engine/converge.ts';
import { loadInventory } from '../../src/inventory/index.ts';
import { buildPhases } from '../../src/phases/index.ts';
import { PREP_PHASES } from './prep-scripts.ts';

const [inventory, concurrency] = process.argv.slice(2);
if (!inventory) {
  process.stderr.write('usage: kf-prep.mjs <inventory> [concurrency]\n');
  process.exit(2);
}
const outcome = await converge({
  cluster: loadInventory(inventory),
  build: (c, f) => buildPhases(c, f).filter((p) => PREP_PHASES.includes(p.id)),
  output: 'json',
  concurrency: Number(concurrency ?? 20),
  command: 'bench-prep',
});
process.exitCode = outcome.exitCode;
