/**
 * Building steps from templates: a step `<phase>.<name>` renders
 * templates/steps/<phase>/<name>.check.sh.hbs and .apply.sh.hbs with the host's context.
 */
import type { HostContext } from '../render/context.ts';
import { render } from '../render/engine.ts';
import type { HostStep, PhaseId, RuntimeEnvName, StepFile } from './types.ts';

export interface StepDef {
  /** "<phase>.<name>" */
  id: string;
  title: string;
  files?: StepFile[];
  /** extra template values for this step's scripts */
  vars?: Record<string, unknown>;
  heavy?: boolean;
  env?: RuntimeEnvName[];
  notes?: string[];
  reboot?: boolean;
}

export function makeStep(ctx: HostContext, def: StepDef): HostStep {
  const dot = def.id.indexOf('.');
  const phase = def.id.slice(0, dot) as PhaseId;
  const name = def.id.slice(dot + 1);
  const values = { ...ctx, ...def.vars, files: def.files ?? [], env: def.env ?? [], step: { id: def.id, title: def.title } };
  const step: HostStep = {
    id: def.id,
    phase,
    title: def.title,
    host: ctx.host.name,
    check: render(`steps/${phase}/${name}.check.sh.hbs`, values),
    apply: render(`steps/${phase}/${name}.apply.sh.hbs`, values),
    files: def.files ?? [],
  };
  if (def.heavy) step.heavy = true;
  if (def.env?.length) step.env = def.env;
  if (def.notes?.length) step.notes = def.notes;
  if (def.reboot) step.reboot = true;
  return step;
}

// Files are the same on every host of a distro: rendered once per cluster, template, values and
// kernel (templates/files/ may not use host values: a test holds them to it).
const fileMemo = new WeakMap<HostContext['whole'], Map<string, string>>();

/** A file rendered from templates/files/<template>. */
export function fileFrom(ctx: HostContext, path: string, template: string, opts: { mode?: number; backup?: boolean; vars?: Record<string, unknown> } = {}): StepFile {
  let memo = fileMemo.get(ctx.whole);
  if (!memo) fileMemo.set(ctx.whole, (memo = new Map()));
  const key = `${template}\0${ctx.facts.family}\0${ctx.facts.kernel}\0${JSON.stringify(opts.vars ?? null)}`;
  let content = memo.get(key);
  if (content === undefined) {
    content = render(`files/${template}`, { ...ctx, ...opts.vars });
    memo.set(key, content);
  }
  return { path, content, mode: opts.mode ?? 0o644, backup: opts.backup ?? false };
}

/** A file whose content was produced elsewhere (a patched add-on manifest). */
export const rawFile = (path: string, content: string, mode = 0o644): StepFile => ({ path, content, mode, backup: false });

/** Build a Phase's per-host step lists from a per-host builder, in inventory order. */
export function perHost<H extends { name: string }>(hosts: H[], build: (h: H) => HostStep[]): Record<string, HostStep[]> {
  const out: Record<string, HostStep[]> = {};
  for (const h of hosts) out[h.name] = build(h);
  return out;
}
