import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { buildPhases } from '../../../src/phases/index.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { joinTargets, requireInitialised, restrictPhases } from '../../../src/cluster/join-filter.ts';
import type { HostFacts, Phase } from '../../../src/phases/types.ts';

const ha = loadInventory(fileURLToPath(new URL('../../../inventories/ha.yaml', import.meta.url)));
const init = ha.hosts.find((h) => h.initMaster)!.name;
const otherMaster = ha.hosts.find((h) => h.role === 'master' && !h.initMaster)!.name;
const workers = ha.hosts.filter((h) => h.role === 'worker').map((h) => h.name);

/** every host a node except `fresh` */
function facts(...fresh: string[]): Record<string, HostFacts> {
  const f = assumedFactsAll(ha);
  for (const h of ha.hosts) f[h.name] = { ...f[h.name], isNode: !fresh.includes(h.name), hasAdminConf: h.role === 'master' && !fresh.includes(h.name) };
  return f;
}

const stepsOf = (phases: Phase[], host: string): string[] => phases.flatMap((p) => (p.steps[host] ?? []).map((s) => s.id));

describe('join targets and phases', () => {
  it('targets only hosts that are not nodes, or the one named', () => {
    expect(joinTargets(ha, facts(workers[1]))).toEqual([workers[1]]);
    expect(joinTargets(ha, facts(workers[0], otherMaster)).sort()).toEqual([workers[0], otherMaster].sort());
    expect(joinTargets(ha, facts(workers[0], otherMaster), otherMaster)).toEqual([otherMaster]);
    expect(joinTargets(ha, facts())).toEqual([]);
  });

  it('a new worker gets every step of up; existing nodes only the /etc/hosts block', () => {
    const f = facts(workers[1]);
    const all = buildPhases(ha, f);
    const phases = restrictPhases(ha, all, joinTargets(ha, f));
    expect(stepsOf(phases, workers[1])).toEqual(stepsOf(all, workers[1]));
    expect(stepsOf(phases, workers[1])).toContain('join.kubeadm-join');
    for (const h of [init, otherMaster, workers[0]]) expect(stepsOf(phases, h)).toEqual(['os.hosts']);
    for (const p of phases) for (const h of p.hosts) expect(p.steps[h]?.length).toBeGreaterThan(0);
  });

  it('a new control plane also gets fresh certificates uploaded on the init master', () => {
    const f = facts(otherMaster);
    const phases = restrictPhases(ha, buildPhases(ha, f), joinTargets(ha, f));
    expect(stepsOf(phases, init)).toEqual(['os.hosts', 'init.upload-certs']);
    expect(stepsOf(phases, otherMaster)).toContain('join.kubeconfig');
  });

  it('nothing to join: only /etc/hosts checks remain', () => {
    const f = facts();
    const phases = restrictPhases(ha, buildPhases(ha, f), []);
    expect(phases.map((p) => p.id)).toEqual(['os']);
  });

  it('refuses a cluster that was never initialised', () => {
    expect(() => requireInitialised(ha, facts(init))).toThrow(/not initialised.*kubeforge up/);
    expect(() => requireInitialised(ha, facts(workers[0]))).not.toThrow();
  });
});
