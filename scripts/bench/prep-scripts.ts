/**
 * The prep part of `up` (OS prep, repos, kernel, runtime, kube packages) as kubeforge renders
 * it, made into self-contained bash scripts for the other tools: one per step (its files
 * written when different, then check || apply + confirming check, like the engine's one exec)
 * and one combined script per host. The steps come from kubeforge's own phases, so every tool
 * runs the same work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadInventory } from '../../src/inventory/index.ts';
import { buildPhases } from '../../src/phases/index.ts';
import { assumedFactsAll } from '../../src/phases/assumed-facts.ts';
import type { HostStep, Phase, PhaseId, StepFile } from '../../src/phases/types.ts';

export const PREP_PHASES: readonly PhaseId[] = ['os', 'repos', 'kernel', 'runtime', 'kube-packages'];

/** Single-quoted for bash. */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function fileBlock(f: StepFile, i: number): string {
  const b64 = Buffer.from(f.content).toString('base64').replace(/.{76}/g, '$&\n');
  const mode = f.mode.toString(8);
  const p = shq(f.path);
  return [
    `__kf_t=$(mktemp); base64 -d > "$__kf_t" <<'KF_FILE_${i}'`,
    b64,
    `KF_FILE_${i}`,
    `if ! cmp -s "$__kf_t" ${p} || [ "$(stat -c %a ${p} 2>/dev/null)" != ${mode} ]; then`,
    ...(f.backup ? [`  [ -f ${p} ] && ! cmp -s "$__kf_t" ${p} && cp -p -- ${p} ${p}.kubeforge-bak-$(date +%Y%m%dT%H%M%S)`] : []),
    `  mkdir -p "$(dirname ${p})" && install -m ${mode} "$__kf_t" ${p} && __kf_changed="$__kf_changed "${p}`,
    'fi',
    'rm -f "$__kf_t"',
  ].join('\n');
}

/** One step as a script: exit 0 when the step holds at the end. */
export function stepScript(step: HostStep): string {
  return [
    '#!/bin/bash',
    `# ${step.id} on ${step.host}: ${step.title}`,
    '__kf_changed=',
    ...step.files.map(fileBlock),
    'export KUBEFORGE_CHANGED_FILES="${__kf_changed# }"',
    `__kf_check=${shq(step.check)}`,
    `__kf_apply=${shq(step.apply)}`,
    'bash -c "$__kf_check" </dev/null && exit 0',
    'bash -c "$__kf_apply" </dev/null || exit $?',
    'bash -c "$__kf_check" </dev/null',
    '',
  ].join('\n');
}

/** All of a host's steps in one script, each in its own subshell; stops at the first failure. */
export function combinedScript(steps: readonly HostStep[]): string {
  const parts = steps.map((s) => [`# ---- ${s.id}`, '(', stepScript(s).replace(/^#!\/bin\/bash\n/, ''), `) || { echo "step ${s.id} failed" >&2; exit 1; }`].join('\n'));
  return ['#!/bin/bash', ...parts, ''].join('\n');
}

export interface PrepPlan {
  phases: Phase[];
  /** per host, its prep steps in run order */
  steps: Map<string, HostStep[]>;
  stepCount: number;
}

/** The prep phases of `up` for an inventory, with the facts `plan` assumes (a fresh host of os.distro). */
export function prepPlan(inventory: string): PrepPlan {
  const cluster = loadInventory(inventory);
  const phases = buildPhases(cluster, assumedFactsAll(cluster)).filter((p) => PREP_PHASES.includes(p.id));
  const steps = new Map<string, HostStep[]>();
  for (const p of phases) for (const h of p.hosts) steps.set(h, [...(steps.get(h) ?? []), ...(p.steps[h] ?? [])]);
  return { phases, steps, stepCount: [...steps.values()].reduce((n, s) => n + s.length, 0) };
}

/** Write dir/<host>/<NN>-<step>.sh and dir/<host>/all.sh; returns dir. */
export function writePrepScripts(plan: PrepPlan, dir: string): string {
  for (const [host, steps] of plan.steps) {
    const d = path.join(dir, host);
    fs.mkdirSync(d, { recursive: true });
    steps.forEach((s, i) => fs.writeFileSync(path.join(d, stepFileName(i, s)), stepScript(s), { mode: 0o755 }));
    fs.writeFileSync(path.join(d, 'all.sh'), combinedScript(steps), { mode: 0o755 });
  }
  return dir;
}

export const stepFileName = (i: number, s: HostStep): string => `${String(i).padStart(2, '0')}-${s.id}.sh`;
