/**
 * A step's check and apply in ONE exec (every exec costs a shell start on the
 * host): run check; if it passes stop; else apply, then check again to confirm.
 * Marker lines (with a per-run nonce) on stdout and stderr tell which parts ran
 * and how each ended, so the output is split back per part.
 */
import { shq } from '../hosts/host.ts';

export type Part = 'check' | 'apply' | 'verify';

export interface PartResult {
  code: number;
  stdout: string;
  stderr: string;
  /** the command whose failure ended the part (bash ERR trap: apply only) */
  failedCommand?: string;
}

export interface StepExecResult {
  check?: PartResult;
  apply?: PartResult;
  verify?: PartResult;
}

const marker = (nonce: string, part: Part, v: string): string =>
  `printf '\\n@@kf:${nonce} ${part}=%s\\n' "${v}"; printf '\\n@@kf:${nonce} ${part}=%s\\n' "${v}" >&2`;

/** Only the check (for steps whose apply needs run-time values that cost something to get). */
export function checkScript(check: string, nonce: string): string {
  return [
    `__kf_check=${shq(check)}`,
    'bash -c "$__kf_check" </dev/null; __kf_c=$?',
    marker(nonce, 'check', '$__kf_c'),
    'exit "$__kf_c"',
    '',
  ].join('\n');
}

/**
 * Before the apply: name the command that makes it fail (an ERR trap; a failing function shows as its call),
 * so a failure report shows `yum makecache fast`, not the script's first lines.
 */
const errTrap = (nonce: string): string => `trap 'printf "\\n@@kf:${nonce} cmd=%s line=%s\\n" "$BASH_COMMAND" "$LINENO" >&2' ERR`;

/** Lines before the apply's own in its bash -c text (the ERR trap): LINENO minus this is the apply's line. */
const APPLY_LINE_OFFSET = 1;

/** The one script: the parts run as separate bash processes with stdin closed (no prompt can hang a step). */
export function stepScript(check: string, apply: string, nonce: string): string {
  return [
    `__kf_check=${shq(check)}`,
    `__kf_apply=${shq(`${errTrap(nonce)}\n${apply}`)}`,
    'bash -c "$__kf_check" </dev/null; __kf_c=$?',
    marker(nonce, 'check', '$__kf_c'),
    '[ "$__kf_c" -eq 0 ] && exit 0',
    'bash -c "$__kf_apply" </dev/null; __kf_a=$?',
    marker(nonce, 'apply', '$__kf_a'),
    '[ "$__kf_a" -ne 0 ] && exit "$__kf_a"',
    'bash -c "$__kf_check" </dev/null; __kf_v=$?',
    marker(nonce, 'verify', '$__kf_v'),
    'exit "$__kf_v"',
    '',
  ].join('\n');
}

/** Split one stream at the markers: text before each marker belongs to that part. */
function split(text: string, nonce: string): Map<Part, { code: number; text: string }> {
  const out = new Map<Part, { code: number; text: string }>();
  const re = new RegExp(`\\n@@kf:${nonce} (check|apply|verify)=(\\d+)\\n`, 'g');
  let from = 0;
  for (const m of text.matchAll(re)) {
    out.set(m[1] as Part, { code: Number(m[2]), text: text.slice(from, m.index) });
    from = (m.index ?? 0) + m[0].length;
  }
  return out;
}

export function parseStepOutput(stdout: string, stderr: string, nonce: string, applyText?: string): StepExecResult {
  const o = split(stdout, nonce);
  const e = split(stderr, nonce);
  const res: StepExecResult = {};
  const cmdRe = new RegExp(`\\n@@kf:${nonce} cmd=(.*) line=(\\d+)\\n`, 'g');
  for (const part of ['check', 'apply', 'verify'] as const) {
    const so = o.get(part);
    if (!so) continue;
    const err = e.get(part)?.text ?? '';
    const hit = [...err.matchAll(cmdRe)].at(-1);
    let failed = hit?.[1];
    // a function that failed shows as its `return $rc`: name the script line that called it
    if (failed && /^return\b/.test(failed) && hit && applyText !== undefined) {
      const line = applyText.split('\n')[Number(hit[2]) - APPLY_LINE_OFFSET - 1]?.trim();
      if (line) failed = line;
    }
    res[part] = { code: so.code, stdout: so.text, stderr: err.replace(cmdRe, '\n'), ...(failed && so.code !== 0 ? { failedCommand: failed } : {}) };
  }
  return res;
}
