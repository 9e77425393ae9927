/** `plan` as text: per host, the ordered steps with their full scripts and files. */
import type { Cluster } from '../inventory/model.ts';
import type { HostFacts, HostStep, Phase } from '../phases/types.ts';

const indent = (text: string, n = 6): string =>
  text.replace(/\n$/, '').split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

const mode = (m: number): string => `0${m.toString(8)}`;

/** Every secret a step declares, replaced wherever it appears. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('<redacted>');
  return out;
}

function stepText(s: HostStep): string {
  const lines: string[] = [];
  lines.push(`  - [${s.phase}] ${s.id}: ${s.title}${s.heavy ? ' (slow, retried)' : ''}`);
  for (const n of s.notes ?? []) lines.push(`    note: ${n}`);
  if (s.env?.length) lines.push(`    env (set at run time): ${s.env.join(' ')}`);
  for (const f of s.files) {
    lines.push(`    file ${f.path} (mode ${mode(f.mode)}${f.backup ? ', a different existing file is backed up' : ''}):`);
    lines.push(indent(f.content));
  }
  lines.push('    check:');
  lines.push(indent(s.check));
  lines.push('    apply:');
  lines.push(indent(s.apply));
  return redact(lines.join('\n'), s.secrets ?? []);
}

export function planText(cluster: Cluster, phases: Phase[], facts: Record<string, HostFacts>, assumed: boolean): string {
  const c = cluster.cluster;
  const out: string[] = [];
  out.push(`kubeforge plan: cluster ${c.name}, Kubernetes ${c.kubernetesVersion}, ${c.containerRuntime}, kubeadm ${c.version.kubeadmApi}, kube-proxy ${c.kubeProxyMode}`);
  out.push(`inventory: ${cluster.file}`);
  out.push(`phases: ${phases.map((p) => p.id).join(' -> ')}`);
  if (assumed) out.push('facts: assumed from the inventory (not connected); preflight reads the real ones in `up`');
  for (const h of cluster.hosts) {
    const f = facts[h.name];
    const steps = phases.flatMap((p) => p.steps[h.name] ?? []);
    out.push('');
    out.push(`== ${h.name} (${h.address}, ${h.role}${h.initMaster ? ', init' : ''}) ${f.osId} ${f.osVersion}, kernel ${f.kernel}: ${steps.length} steps ==`);
    for (const s of steps) out.push(stepText(s));
  }
  return out.join('\n') + '\n';
}

/** JSON for machines: the phases as built, secrets redacted. */
export function planJson(cluster: Cluster, phases: Phase[], facts: Record<string, HostFacts>, assumed: boolean): string {
  const clean = phases.map((p) => ({
    ...p,
    steps: Object.fromEntries(Object.entries(p.steps).map(([host, steps]) => [host, steps.map((s) => {
      const secrets = s.secrets ?? [];
      return {
        ...s,
        check: redact(s.check, secrets),
        apply: redact(s.apply, secrets),
        files: s.files.map((f) => ({ ...f, content: redact(f.content, secrets) })),
        secrets: secrets.length ? secrets.map(() => '<redacted>') : undefined,
      };
    })])),
  }));
  return JSON.stringify({ cluster: cluster.cluster.name, inventory: cluster.file, factsAssumed: assumed, facts, phases: clean }) + '\n';
}
