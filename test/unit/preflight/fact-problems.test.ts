import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../../src/engine/facts.ts';
import type { Cluster } from '../../../src/inventory/model.ts';
import { assumedFactsAll } from '../../../src/phases/assumed-facts.ts';
import { factProblems, IPVS_MODULES } from '../../../src/phases/preflight-facts.ts';
import type { HostFacts } from '../../../src/phases/types.ts';
import { inventory } from '../render/helpers.ts';

const lab = inventory('lab.yaml');

/** Distinct, healthy facts for every host of the cluster (each case then breaks one thing). */
function healthy(cluster: Cluster): Record<string, HostFacts> {
  const facts = assumedFactsAll(cluster);
  cluster.hosts.forEach((h, i) => {
    facts[h.name] = {
      ...facts[h.name], cpus: 2, memoryMiB: 2048,
      productUuid: `uuid-${i}`, macs: [`52:54:00:00:00:${String(i).padStart(2, '0')}`],
      addresses: [`${h.address}/24`], kernelModules: [...IPVS_MODULES],
    };
  });
  return facts;
}

describe('factProblems', () => {
  const [m, w] = [lab.hosts.find((h) => h.role === 'master')!, lab.hosts.find((h) => h.role === 'worker')!];

  it('accepts healthy, distinct hosts', () => {
    expect(factProblems(lab, healthy(lab))).toEqual([]);
  });

  it('refuses a 1-CPU master but not a 1-CPU worker', () => {
    const f = healthy(lab);
    f[m.name].cpus = 1;
    f[w.name].cpus = 1;
    const p = factProblems(lab, f);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^${m.name}: master has 1 CPU.*at least 2`));
  });

  it('refuses kubeadm ports taken on a host that is not a node yet, and not on a node', () => {
    const f = healthy(lab);
    f[m.name].listeningPorts = [22, 6443];
    f[w.name].listeningPorts = [22, 10250, 6443];
    expect(factProblems(lab, f)).toEqual([
      `${m.name}: port 6443 already in use and the host is not a node yet: stop what listens there (ss -ltnp) before up`,
      `${w.name}: port 10250 already in use and the host is not a node yet: stop what listens there (ss -ltnp) before up`,
    ]);
    f[m.name].isNode = true;
    f[w.name].isNode = true;
    expect(factProblems(lab, f)).toEqual([]);
  });

  it('refuses clocks more than a few seconds apart between hosts', () => {
    const f = healthy(lab);
    const now = 1_800_000_000_000;
    lab.hosts.forEach((h, i) => {
      f[h.name].readAtMs = now + i * 700; // read one after the other
      f[h.name].timeMs = now + i * 700 - 40;
    });
    expect(factProblems(lab, f)).toEqual([]);
    f[w.name].timeMs += 9_000;
    expect(factProblems(lab, f)).toEqual([expect.stringMatching(new RegExp(`^${w.name}: clock 9 s ahead of \\S+: set the time on the hosts`))]);
  });

  it('names the second host sharing a product_uuid or a MAC', () => {
    const f = healthy(lab);
    f[w.name].productUuid = f[m.name].productUuid;
    f[w.name].macs = [...f[m.name].macs];
    const p = factProblems(lab, f);
    expect(p).toEqual([
      expect.stringMatching(new RegExp(`^${w.name}: same product_uuid uuid-0 as ${m.name}`)),
      expect.stringMatching(new RegExp(`^${w.name}: same MAC address .* as ${m.name}`)),
    ]);
  });

  it('refuses missing ipvs modules only in ipvs mode and only when they could be read', () => {
    const f = healthy(lab);
    f[w.name].kernelModules = ['nf_conntrack'];
    const ipvs: Cluster = { ...lab, cluster: { ...lab.cluster, kubeProxyMode: 'ipvs' } };
    expect(factProblems(ipvs, f)).toEqual([expect.stringMatching(new RegExp(`^${w.name}: kernel .* has no ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh module`))]);
    expect(factProblems({ ...lab, cluster: { ...lab.cluster, kubeProxyMode: 'iptables' } }, f)).toEqual([]);
    delete f[w.name].kernelModules;
    expect(factProblems(ipvs, f)).toEqual([]);
  });

  it('refuses a podSubnet or serviceSubnet containing an address found on a host', () => {
    const f = healthy(lab);
    f[w.name].addresses = [...(f[w.name].addresses ?? []), '10.244.3.7/16'];
    const c: Cluster = { ...lab, cluster: { ...lab.cluster, podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' } };
    expect(factProblems(c, f)).toEqual([expect.stringMatching(new RegExp(`^${w.name}: podSubnet 10.244.0.0/16 contains the host's address 10.244.3.7`))]);
    f[w.name].addresses = ['10.96.0.5/24'];
    expect(factProblems(c, f)).toEqual([expect.stringMatching(/serviceSubnet 10\.96\.0\.0\/12 contains the host's address 10\.96\.0\.5/)]);
  });
});

describe('parseFacts: modules and addresses', () => {
  const out = (kv: string): string => `==kf== os-release\nID="rocky"\nVERSION_ID="9.4"\n==kf== kv\n${kv}\n`;

  it('keeps addresses of real interfaces, drops lo/docker/cni ones', () => {
    const f = parseFacts(out('addr=lo 127.0.0.1/8\naddr=eth0 198.18.0.2/16\naddr=docker0 172.17.0.1/16\naddr=tunl0 10.244.1.0/32'));
    expect(f.addresses).toEqual(['198.18.0.2/16']);
  });

  it('reports kernel modules only when modules.dep was read', () => {
    expect(parseFacts(out('modules_read=1\nmod=ip_vs\nmod=nf_conntrack')).kernelModules).toEqual(['ip_vs', 'nf_conntrack']);
    expect(parseFacts(out('kernel=5.14.0')).kernelModules).toBeUndefined();
  });
});
