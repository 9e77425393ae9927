/**
 * The prep part by Ansible: an inventory of the lab hosts and a playbook of one `script` task
 * per kubeforge step (same scripts, same order), forks = hosts, pipelining on
 * (scripts/bench/ansible/ansible.cfg).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { projectRoot } from '../lab/paths.ts';
import type { BenchLab } from './lab.ts';
import { measure, type Measured } from './measure.ts';
import { stepFileName, type PrepPlan } from './prep-scripts.ts';

export const ansibleCfg = path.join(projectRoot, 'scripts', 'bench', 'ansible', 'ansible.cfg');

export function hasAnsible(): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'ansible-playbook')));
}

/** inventory.ini and prep.yml in dir (the step scripts are in dir/steps). */
export function writeAnsibleFiles(lab: Pick<BenchLab, 'paths' | 'hosts'>, plan: PrepPlan, dir: string): { inventory: string; playbook: string } {
  const inventory = path.join(dir, 'inventory.ini');
  const sshArgs = `-o UserKnownHostsFile=${lab.paths.knownHosts} -o StrictHostKeyChecking=yes`;
  fs.writeFileSync(inventory, [
    '[lab]',
    ...lab.hosts.map((h) => `${h.name} ansible_host=${h.address}`),
    '',
    '[lab:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.paths.key}`,
    `ansible_ssh_common_args='${sshArgs}'`,
    '',
  ].join('\n'));
  // one task per step position; a step id present on only some hosts runs there only
  const tasks: Record<string, unknown>[] = [];
  for (const phase of plan.phases) {
    const ids: string[] = [];
    for (const h of phase.hosts) for (const s of phase.steps[h] ?? []) if (!ids.includes(s.id)) ids.push(s.id);
    for (const id of ids) {
      const hosts = phase.hosts.filter((h) => (phase.steps[h] ?? []).some((s) => s.id === id));
      const files: Record<string, string> = {};
      for (const h of hosts) {
        const steps = plan.steps.get(h) ?? [];
        const i = steps.findIndex((s) => s.id === id);
        files[h] = path.join(dir, 'steps', h, stepFileName(i, steps[i]));
      }
      tasks.push({
        name: id,
        script: `{{ kf_files[inventory_hostname] }}`,
        vars: { kf_files: files },
        ...(hosts.length < lab.hosts.length ? { when: `inventory_hostname in ${JSON.stringify(hosts)}` } : {}),
      });
    }
  }
  const playbook = path.join(dir, 'prep.yml');
  fs.writeFileSync(playbook, YAML.stringify([{ name: 'kubeforge prep steps', hosts: 'lab', gather_facts: false, tasks }]));
  return { inventory, playbook };
}

export async function runAnsible(lab: BenchLab, plan: PrepPlan, dir: string): Promise<Measured & { failures: string[] }> {
  const { inventory, playbook } = writeAnsibleFiles(lab, plan, dir);
  const r = await measure(['ansible-playbook', '-i', inventory, '-f', String(lab.hosts.length), playbook], {
    cwd: dir,
    env: { ...process.env, ANSIBLE_CONFIG: ansibleCfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: path.join(dir, '.ansible-tmp') },
    timeoutMs: 1_800_000,
  });
  fs.writeFileSync(path.join(dir, 'ansible.log'), r.stdout + r.stderr);
  const failures = r.code === 0 ? [] : [`ansible-playbook exit ${r.code}: ${(r.stdout + r.stderr).split('\n').filter((l) => /fatal|FAILED|ERROR/.test(l)).slice(0, 3).join(' | ')}`];
  return { ...r, failures };
}
