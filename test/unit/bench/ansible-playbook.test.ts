import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ansibleCfg, hasAnsible, writeAnsibleFiles } from '../../../scripts/bench/ansible.ts';
import { PREP_PHASES, prepPlan, writePrepScripts } from '../../../scripts/bench/prep-scripts.ts';
import { labPaths } from '../../../scripts/lab/paths.ts';

const inventory = path.resolve('inventories/lab.yaml');

describe('the prep plan and the Ansible playbook made from it', () => {
  const plan = prepPlan(inventory);

  it('holds the prep phases of up, in order, for every host', () => {
    expect(plan.phases.map((p) => p.id)).toEqual(PREP_PHASES);
    expect([...plan.steps.keys()]).toEqual(['k8s-master01', 'k8s-node01', 'k8s-node02']);
    const ids = plan.steps.get('k8s-node01')?.map((s) => s.id) ?? [];
    expect(ids[0]).toMatch(/^os\./);
    expect(ids.at(-1)).toMatch(/^kube-packages\./);
    expect(plan.stepCount).toBe([...plan.steps.values()].reduce((n, s) => n + s.length, 0));
  });

  it('runs each step as one script task per host file, in kubeforge order, with forks-ready inventory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kfb-ans-'));
    try {
      const lab = {
        paths: labPaths(dir),
        hosts: [...plan.steps.keys()].map((name, i) => ({ name, address: `198.18.0.${10 + i}` })),
      };
      writePrepScripts(plan, path.join(dir, 'steps'));
      const { inventory: ini, playbook } = writeAnsibleFiles(lab, plan, dir);
      const play = YAML.parse(fs.readFileSync(playbook, 'utf8')) as { tasks: { name: string; script: string; vars: { kf_files: Record<string, string> } }[] }[];
      const tasks = play[0].tasks;
      expect(tasks.map((t) => t.name)).toEqual(plan.steps.get('k8s-master01')?.map((s) => s.id));
      for (const t of tasks) {
        for (const [host, file] of Object.entries(t.vars.kf_files)) {
          expect(fs.existsSync(file), file).toBe(true);
          expect(fs.readFileSync(file, 'utf8')).toContain(`# ${t.name} on ${host}:`);
        }
      }
      expect(fs.readFileSync(ini, 'utf8')).toContain('k8s-node01 ansible_host=198.18.0.11');
      if (hasAnsible()) {
        const r = spawnSync('ansible-playbook', ['-i', ini, '--syntax-check', playbook], { env: { ...process.env, ANSIBLE_CONFIG: ansibleCfg }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
