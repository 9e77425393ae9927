import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { planFleet } from '../../../scripts/lab/lab-state.ts';
import { slotNet } from '../../../scripts/lab/slots.ts';
import { inventoryYaml } from '../../../scripts/lab/inventory-file.ts';
import { labPaths } from '../../../scripts/lab/paths.ts';
import { checkInventoryText } from '../../../src/inventory/index.ts';

describe('the fleet plan', () => {
  it('names the first host master and the rest nodes, with distinct addresses, MACs and uuids', () => {
    const hosts = planFleet({ slot: 0, count: 12, os: 'rocky9', cpus: [4, 2], memoryMiB: 2048 });
    expect(hosts.map((h) => h.name).slice(0, 3)).toEqual(['kf-master01', 'kf-node01', 'kf-node02']);
    expect(hosts[11].name).toBe('kf-node11');
    expect(hosts[0].address).toBe('198.18.0.10');
    expect(new Set(hosts.map((h) => h.address)).size).toBe(12);
    expect(new Set(hosts.map((h) => h.mac)).size).toBe(12);
    expect(new Set(hosts.map((h) => h.productUuid)).size).toBe(12);
    expect(hosts.map((h) => h.cpus).slice(0, 3)).toEqual([4, 2, 2]);
    expect(hosts.every((h) => h.os === 'rocky9' && /^52:54:00(:[0-9a-f]{2}){3}$/.test(h.mac))).toBe(true);
  });

  it('gives each slot its own /20 inside 198.18.0.0/15, slot 0 starting at 198.18.0.10', () => {
    expect(slotNet(0).address(0)).toBe('198.18.0.10');
    expect(slotNet(0).address(245)).toBe('198.18.0.255');
    expect(slotNet(0).address(246)).toBe('198.18.1.0');
    expect(slotNet(1).address(0)).toBe('198.18.16.10');
    expect(slotNet(1).bridgeCidr).toBe('198.18.16.1/20');
    expect(slotNet(31).address(1000)).toBe('198.19.243.242');
    expect(slotNet(0).netns('kf-node01')).toBe('kflab-kf-node01');
    expect(slotNet(2).netns('kf-node01')).toBe('kflab2-kf-node01');
    expect(slotNet(0).veth(3)).toBe('kfv3');
    expect(slotNet(2).veth(3)).toBe('kfv2x3');
    expect(planFleet({ slot: 3, count: 2, os: 'centos7', cpus: [2], memoryMiB: 1024 }).map((h) => h.address)).toEqual(['198.18.48.10', '198.18.48.11']);
  });
});

describe('the lab inventory', () => {
  it('is a valid kubeforge inventory for the fleet', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflab-inv-'));
    try {
      const lab = labPaths(dir);
      fs.mkdirSync(lab.dir, { recursive: true });
      fs.writeFileSync(lab.key, 'key');
      fs.writeFileSync(lab.knownHosts, '');
      const hosts = planFleet({ slot: 0, count: 3, os: 'centos7', cpus: [2], memoryMiB: 4096 });
      const text = inventoryYaml(lab, hosts);
      const doc = YAML.parse(text);
      expect(doc.ssh).toMatchObject({ user: 'root', privateKeyPath: lab.key, knownHosts: 'strict', knownHostsFile: lab.knownHosts });
      expect(doc.os.distro).toBe('centos7');
      expect(doc.hosts).toEqual([
        { name: 'kf-master01', address: '198.18.0.10', role: 'master' },
        { name: 'kf-node01', address: '198.18.0.11', role: 'worker' },
        { name: 'kf-node02', address: '198.18.0.12', role: 'worker' },
      ]);
      const checked = checkInventoryText(text, lab.inventory);
      expect(checked.lines).toEqual([]);
      expect(checked.cluster?.cluster.kubernetesVersion).toBe('1.23.17');
      expect(checked.cluster?.cluster.podSubnet).toBe('172.168.0.0/16');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
