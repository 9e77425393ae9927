/**
 * The os phase's file-editing scripts run for real with bash, on temp copies of the files
 * they edit (paths swapped in the script text), with stand-ins for the system commands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/inventory/model.ts';
import { inventory, phasesOf, stepOf } from '../render/helpers.ts';
import { scriptSandbox } from './script-sandbox.ts';

const sandbox = scriptSandbox('kf-os-');

const lab = inventory('lab.yaml');
const run = (script: string) => sandbox.run(script);
const fake = (name: string, body: string) => fs.writeFileSync(path.join(sandbox.dir, 'bin', name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });

describe('os.hosts: the managed block in /etc/hosts', () => {
  const swap = (s: string) => s.replaceAll('/etc/hosts', path.join(sandbox.dir, 'hosts'));
  const stock = '127.0.0.1   localhost localhost.localdomain\n::1         localhost localhost.localdomain\n';

  it('adds the block once, keeps the rest, and replaces it when the inventory changes', async () => {
    fs.writeFileSync(path.join(sandbox.dir, 'hosts'), stock);
    const step = stepOf(phasesOf(lab), 'k8s-node01', 'os.hosts');
    expect((await run(swap(step.check))).exitCode).toBe(1);
    expect((await run(swap(step.apply))).exitCode).toBe(0);
    expect((await run(swap(step.check))).exitCode).toBe(0);
    expect((await run(swap(step.apply))).exitCode).toBe(0);
    const once = fs.readFileSync(path.join(sandbox.dir, 'hosts'), 'utf8');
    expect(once).toBe(`${stock}# BEGIN kubeforge managed hosts\n192.168.174.110 k8s-master01\n192.168.174.120 k8s-node01\n192.168.174.121 k8s-node02\n# END kubeforge managed hosts\n`);

    // a host added to the inventory: the check notices, apply rewrites only the block
    fs.appendFileSync(path.join(sandbox.dir, 'hosts'), '10.1.1.1 something-else\n');
    const bigger: Cluster = { ...lab, hosts: [...lab.hosts, { ...lab.hosts[2], name: 'k8s-node03', address: '192.168.174.122', initMaster: false }] };
    const step2 = stepOf(phasesOf(bigger), 'k8s-node01', 'os.hosts');
    expect((await run(swap(step2.check))).exitCode).toBe(1);
    expect((await run(swap(step2.apply))).exitCode).toBe(0);
    const after = fs.readFileSync(path.join(sandbox.dir, 'hosts'), 'utf8');
    expect(after.startsWith(stock)).toBe(true);
    expect(after).toContain('10.1.1.1 something-else\n');
    expect(after).toContain('192.168.174.122 k8s-node03\n# END kubeforge managed hosts\n');
    expect(after.match(/# BEGIN kubeforge managed hosts/g)).toHaveLength(1);
  });
});

describe('os.swap: swapoff now, fstab line commented for reboots', () => {
  it('comments only live swap lines and then passes its check', async () => {
    const fstab = path.join(sandbox.dir, 'fstab');
    const swaps = path.join(sandbox.dir, 'swaps');
    fs.writeFileSync(fstab, [
      '/dev/mapper/centos-root /                       xfs     defaults        0 0',
      'UUID=1234 /boot                   xfs     defaults        0 0',
      '/dev/mapper/centos-swap swap                    swap    defaults        0 0',
      '# /dev/sdb1 swap swap defaults 0 0',
      '',
    ].join('\n'));
    fs.writeFileSync(swaps, 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/dev/dm-1                               partition\t2097148\t0\t-2\n');
    // swapoff -a empties the kernel's list, as the real one does
    fake('swapoff', `[ "$1" = -a ] || exit 2; head -1 "${swaps}" > "${swaps}.tmp" && mv "${swaps}.tmp" "${swaps}"`);
    const step = stepOf(phasesOf(lab), 'k8s-node02', 'os.swap');
    const swap = (s: string) => s.replaceAll('/etc/fstab', fstab).replaceAll('/proc/swaps', swaps);
    expect((await run(swap(step.check))).exitCode).toBe(1);
    const r = await run(swap(step.apply));
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect((await run(swap(step.check))).exitCode).toBe(0);
    const lines = fs.readFileSync(fstab, 'utf8').split('\n');
    expect(lines[0]).toBe('/dev/mapper/centos-root /                       xfs     defaults        0 0');
    expect(lines[2]).toBe('#kubeforge: swap off# /dev/mapper/centos-swap swap                    swap    defaults        0 0');
    expect(lines[3]).toBe('# /dev/sdb1 swap swap defaults 0 0');
    // idempotent: a second apply changes nothing
    const before = fs.readFileSync(fstab, 'utf8');
    expect((await run(swap(step.apply))).exitCode).toBe(0);
    expect(fs.readFileSync(fstab, 'utf8')).toBe(before);
  });
});

describe('os.selinux: now and after reboots', () => {
  it('setenforce 0 only when enforcing, SELINUX= rewritten', async () => {
    const cfg = path.join(sandbox.dir, 'selinux-config');
    fs.writeFileSync(cfg, '# This file controls the state of SELinux on the system.\nSELINUX=enforcing\nSELINUXTYPE=targeted\n');
    fs.writeFileSync(path.join(sandbox.dir, 'mode'), 'Enforcing');
    fake('getenforce', `cat "${sandbox.dir}/mode"`);
    fake('setenforce', `[ "$(cat "${sandbox.dir}/mode")" = Disabled ] && { echo "setenforce: SELinux is disabled" >&2; exit 1; }; [ "$1" = 0 ] && echo Permissive > "${sandbox.dir}/mode"`);
    const step = stepOf(phasesOf(lab), 'k8s-master01', 'os.selinux');
    const swap = (s: string) => s.replaceAll('/etc/selinux/config', cfg);
    expect((await run(swap(step.check))).exitCode).toBe(1);
    expect((await run(swap(step.apply))).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(sandbox.dir, 'mode'), 'utf8').trim()).toBe('Permissive');
    expect(fs.readFileSync(cfg, 'utf8')).toContain('\nSELINUX=disabled\nSELINUXTYPE=targeted\n');
    expect((await run(swap(step.check))).exitCode).toBe(0);
    // on a host where SELinux is already disabled, apply does not call setenforce (it would fail)
    fs.writeFileSync(path.join(sandbox.dir, 'mode'), 'Disabled');
    fs.writeFileSync(cfg, 'SELINUX=permissive\n');
    const r = await run(swap(step.apply));
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
