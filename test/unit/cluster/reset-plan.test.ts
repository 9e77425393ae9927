import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/index.ts';
import { describeReset, drainScript, HOST_RESET_SCRIPT, resetOrder, resetTargets } from '../../../src/cluster/reset-plan.ts';

const ha = loadInventory(fileURLToPath(new URL('../../../inventories/ha.yaml', import.meta.url)));

describe('reset plan', () => {
  it('resets workers first, then the other masters, the init master last', () => {
    const order = resetOrder(ha).map((h) => `${h.role}${h.initMaster ? '*' : ''}`);
    const firstMaster = order.findIndex((r) => r.startsWith('master'));
    expect(order.slice(0, firstMaster).every((r) => r === 'worker')).toBe(true);
    expect(order.slice(firstMaster).every((r) => r.startsWith('master'))).toBe(true);
    expect(order[order.length - 1]).toBe('master*');
    expect(order).toHaveLength(ha.hosts.length);
  });

  it('touches only inventory hosts', () => {
    expect(() => resetOrder(ha, 'not-in-inventory')).toThrow(/no host named not-in-inventory/);
    expect(resetOrder(ha, ha.hosts[1].name).map((h) => h.name)).toEqual([ha.hosts[1].name]);
  });

  it('drains registered nodes through the API, but not the init master when the whole cluster goes', () => {
    const init = ha.hosts.find((h) => h.initMaster)!;
    const worker = ha.hosts.find((h) => h.role === 'worker')!;
    const nodes = new Map([[init.address, 'm1'], [worker.address, 'w1']]);
    const whole = resetTargets(ha, nodes);
    expect(whole.find((t) => t.host.name === init.name)).toMatchObject({ node: 'm1', viaApi: false });
    expect(whole.find((t) => t.host.name === worker.name)).toMatchObject({ node: 'w1', viaApi: true });
    expect(resetTargets(ha, nodes, init.name)[0]).toMatchObject({ node: 'm1', viaApi: true });
    const unregistered = ha.hosts.find((h) => h.role === 'worker' && h.name !== worker.name);
    if (unregistered) expect(whole.find((t) => t.host.name === unregistered.name)).toMatchObject({ viaApi: false, node: undefined });
    const text = describeReset(ha, whole, true);
    expect(text).toContain('workers first, then masters');
    expect(text).toContain('kubectl drain w1 --ignore-daemonsets --delete-emptydir-data');
    expect(drainScript('w1')).toMatch(/drain 'w1' --ignore-daemonsets --delete-emptydir-data[\s\S]*delete node 'w1'/);
  });

  it('the host script removes kube-proxy and Calico chains and only them', () => {
    const filter = /(grep -v -E '[^']+')/.exec(HOST_RESET_SCRIPT)![1];
    const saved = [
      '*filter', ':INPUT ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', ':cali-INPUT - [0:0]', ':DOCKER - [0:0]',
      '-A INPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', '-A INPUT -j cali-INPUT', '-A INPUT -g cali-INPUT',
      '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A KUBE-SERVICES -j RETURN', '-A cali-INPUT -j ACCEPT', '-A DOCKER -j RETURN', 'COMMIT', '',
    ].join('\n');
    const out = execFileSync('bash', ['-c', filter], { input: saved }).toString();
    expect(out.split('\n').filter(Boolean)).toEqual(['*filter', ':INPUT ACCEPT [0:0]', ':DOCKER - [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A DOCKER -j RETURN', 'COMMIT']);
    expect(HOST_RESET_SCRIPT).toContain('kubeadm reset -f');
    expect(HOST_RESET_SCRIPT).toContain('rm -rf /etc/cni/net.d');
    expect(HOST_RESET_SCRIPT).toContain('ipvsadm -C');
    expect(HOST_RESET_SCRIPT).toContain('/root/.kube/config');
  });
});
