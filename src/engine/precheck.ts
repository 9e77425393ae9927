/**
 * Re-running `up` on a converged cluster should cost little: instead of one exec per step,
 * ONE exec per host reads the state of every managed file and runs every step's check. A step
 * whose files are as rendered and whose check passes needs nothing; the runner trusts that
 * answer only until the run changes something (see runner.ts), then checks step by step again.
 */
import { randomBytes } from 'node:crypto';
import { shq, type Host } from '../hosts/host.ts';
import type { HostStep } from '../phases/types.ts';
import { sha256 } from './step-files.ts';

/** A check taking longer than this is not a quick "already done": the step is checked again in its turn. */
const CHECK_LIMIT_S = 20;

export function precheckScript(steps: HostStep[], nonce: string): string {
  const paths = [...new Set(steps.flatMap((s) => s.files.map((f) => f.path)))];
  const lines = [
    'export KUBEFORGE_CHANGED_FILES=',
    ...(paths.length > 0
      ? [
          `for f in ${paths.map(shq).join(' ')}; do`,
          `  if [ -f "$f" ]; then printf '@@kf:${nonce} file %s %s\\n' "$(sha256sum < "$f" | cut -c1-64)" "$(stat -c %a "$f")"; else echo '@@kf:${nonce} file - -'; fi`,
          'done',
        ]
      : []),
  ];
  steps.forEach((s, i) => {
    lines.push(`timeout ${CHECK_LIMIT_S} bash -c ${shq(s.check)} </dev/null >/dev/null 2>&1; echo "@@kf:${nonce} check ${i} $?"`);
  });
  lines.push('exit 0', '');
  return lines.join('\n');
}

/** The steps whose files match and whose check passed, from the precheck's output. */
export function parsePrecheck(stdout: string, steps: HostStep[], nonce: string): Set<HostStep> {
  const paths = [...new Set(steps.flatMap((s) => s.files.map((f) => f.path)))];
  const files = new Map<string, { sha: string; mode: string }>();
  const passed = new Set<HostStep>();
  let fi = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`@@kf:${nonce} `)) continue;
    const [, kind, a, b] = line.split(' ');
    if (kind === 'file' && fi < paths.length) files.set(paths[fi++], { sha: a, mode: b });
    if (kind === 'check' && b === '0') {
      const step = steps[Number(a)];
      if (step) passed.add(step);
    }
  }
  if (fi !== paths.length) return new Set(); // cut short: trust nothing
  for (const s of [...passed]) {
    const same = s.files.every((f) => {
      const st = files.get(f.path);
      return st !== undefined && st.sha === sha256(f.content) && st.mode === f.mode.toString(8);
    });
    if (!same) passed.delete(s);
  }
  return passed;
}

export type StepState = 'done' | 'to-do';

/** Every step's state from one exec, or undefined when the host could not tell (error, cut short). */
export async function precheckStates(host: Host, steps: HostStep[]): Promise<Map<HostStep, StepState> | undefined> {
  if (steps.length === 0) return new Map();
  const nonce = randomBytes(6).toString('hex');
  if ('label' in host) (host as { label: string }).label = `precheck (${steps.length} steps)`;
  try {
    const r = await host.run(precheckScript(steps, nonce), { timeoutMs: (CHECK_LIMIT_S + 10) * 1000 * Math.min(steps.length, 6) });
    if (r.code !== 0 || !r.stdout.includes(`@@kf:${nonce} check ${steps.length - 1} `)) return undefined;
    const passed = parsePrecheck(r.stdout, steps, nonce);
    return new Map(steps.map((s) => [s, passed.has(s) ? 'done' : 'to-do']));
  } catch {
    return undefined;
  }
}

/** The steps found done; an error or a cut connection just means nothing is known in advance. */
export async function precheckHost(host: Host, steps: HostStep[]): Promise<Set<HostStep>> {
  const states = await precheckStates(host, steps);
  return new Set([...(states ?? new Map<HostStep, StepState>())].filter(([, st]) => st === 'done').map(([s]) => s));
}
