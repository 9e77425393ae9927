/**
 * loadInventory: the one entry point from an inventory file to a resolved Cluster.
 * Any problem throws an InputError (exit code 2) listing ALL problems found, one per line,
 * each as FILE:LINE: field.path: what is wrong (expected ...).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import type { Cluster } from './model.ts';
import { buildCluster } from './defaults.ts';
import { formatProblem, lineOf, parseSource, type Problem, type Source } from './load.ts';
import { inventorySchema } from './schema.ts';
import { schemaProblems } from './schema-problems.ts';
import { semanticProblems } from './semantic.ts';

export type { Cluster } from './model.ts';
// what other modules need from the matrix and the presets, in one import
export { versionInfo, supportedMinors, calicoSupports, packageVersionFor } from './matrix.ts';
export { mirrorPresets, kubernetesRepoFor, resolveMirrors } from './mirrors.ts';

/** Problems of an inventory text, formatted; empty when it is valid. */
export function checkInventoryText(text: string, file: string, dir = path.dirname(path.resolve(file))): { lines: string[]; src: Source; cluster?: Cluster } {
  const src = parseSource(text, file);
  if (src.syntaxErrors.length) return { lines: src.syntaxErrors, src };
  if (src.data === null || src.data === undefined || typeof src.data !== 'object' || Array.isArray(src.data)) {
    return { lines: [`${file}:1: (top level): the inventory is ${src.data == null ? 'empty' : 'not a mapping'} (expected a mapping with cluster, hosts and optionally mirrors, os, ssh)`], src };
  }
  const parsed = inventorySchema.safeParse(src.data, { reportInput: true });
  // schema problems first; semantic checks need a well-formed inventory
  if (!parsed.success) return { lines: formatAll(src, schemaProblems(parsed.error)), src };
  const problems = semanticProblems(parsed.data, { dir });
  if (problems.length) return { lines: formatAll(src, problems), src };
  return { lines: [], src, cluster: buildCluster(path.resolve(file), parsed.data, (i) => lineOf(src, ['hosts', i]), lineOf(src, ['cluster', 'kubernetesVersion'])) };
}

/** In file order (a stable sort keeps the check order within a line), without repeats. */
function formatAll(src: Source, problems: Problem[]): string[] {
  const sorted = problems.map((p) => ({ p, line: lineOf(src, p.path, p.atKey) })).sort((a, b) => a.line - b.line);
  return [...new Set(sorted.map(({ p }) => formatProblem(src, p)))];
}

/** Read, validate and resolve an inventory file. */
export function loadInventory(file: string): Cluster {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the inventory (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`);
  }
  const { lines, cluster } = checkInventoryText(text, file);
  if (lines.length || !cluster) {
    const head = lines.length > 1 ? `${lines.length} problems in ${file}:\n` : '';
    throw new InputError(head + lines.join('\n'));
  }
  return cluster;
}
