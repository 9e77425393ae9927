import { describe, expect, it } from 'vitest';
import { kubeconfigPath } from '../../../src/commands/up-kubeconfig.ts';
import { formatRows, nodeRows } from '../../../src/commands/up-verify-table.ts';

describe('kubeconfigPath', () => {
  it('is .kubeforge/clusters/<name>/admin.conf under the project dir', () => {
    expect(kubeconfigPath('/p', 'lab')).toBe('/p/.kubeforge/clusters/lab/admin.conf');
  });
});

const node = (name: string, ready: string, role: string | undefined, ip: string) => ({
  metadata: { name, labels: role ? { [`node-role.kubernetes.io/${role}`]: '' } : {} },
  status: { conditions: [{ type: 'Ready', status: ready }], addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], nodeInfo: { kubeletVersion: 'v1.23.17' } },
});
const pod = (nodeName: string, phase: string) => ({ spec: { nodeName }, status: { phase } });

describe('nodeRows', () => {
  it('one row per node with readiness, roles, ip, proxy mode and pods', () => {
    const nodes = JSON.stringify({ items: [node('m1', 'True', 'control-plane', '10.0.0.5'), node('w1', 'False', undefined, '10.0.0.6')] });
    const pods = JSON.stringify({ items: [pod('m1', 'Running'), pod('m1', 'Running'), pod('w1', 'Pending'), pod('w1', 'Running')] });
    const rows = nodeRows(nodes, pods, { m1: 'ipvs', w1: '' });
    expect(rows).toEqual([
      { node: 'm1', ready: 'Ready', roles: 'control-plane', version: 'v1.23.17', internalIp: '10.0.0.5', proxyMode: 'ipvs', pods: '2/2' },
      { node: 'w1', ready: 'NotReady', roles: '<none>', version: 'v1.23.17', internalIp: '10.0.0.6', proxyMode: '?', pods: '1/2' },
    ]);
    const text = formatRows(rows).split('\n');
    expect(text[0]).toMatch(/^NODE\s+STATUS\s+ROLES\s+VERSION\s+INTERNAL-IP\s+PROXY-MODE\s+PODS-RUNNING$/);
    expect(text[2]).toMatch(/^w1\s+NotReady\s+<none>\s+v1\.23\.17\s+10\.0\.0\.6\s+\?\s+1\/2$/);
  });
  it('says which listing was not JSON', () => {
    expect(() => nodeRows('oops', '{"items":[]}', {})).toThrow(/get nodes/);
  });
});
