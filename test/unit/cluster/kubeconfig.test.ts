import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigText, mergeKubeconfig, parseKubeconfig, pointAtEndpoint, userKubeconfigPath } from '../../../src/cluster/kubeconfig.ts';
import { mergeIntoFile } from '../../../src/cluster/kubeconfig-run.ts';

// shaped like kubeadm's admin.conf
const ADMIN = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0FEQVRB
    server: https://198.18.0.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`;

const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: { server: https://10.0.0.1:6443, certificate-authority-data: UFJPRA== }
users:
- name: prod-user
  user: { token: abc }
contexts:
- name: prod
  context: { cluster: prod, user: prod-user, namespace: payments }
current-context: prod
preferences: { colors: true }
`;

const tmp: string[] = [];
afterEach(() => {
  for (const d of tmp.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('admin kubeconfig', () => {
  it('points every cluster at the controlPlaneEndpoint and keeps kubeadm names', () => {
    const k = pointAtEndpoint(ADMIN, 'lb.example:8443');
    expect(k.clusters?.[0]?.cluster.server).toBe('https://lb.example:8443');
    expect(k.clusters?.[0]?.cluster['certificate-authority-data']).toBe('Q0FEQVRB');
    expect(k['current-context']).toBe('kubernetes-admin@kubernetes');
  });

  it('merge keeps an unrelated context, its user, cluster, current-context and preferences intact', () => {
    const merged = mergeKubeconfig(parseKubeconfig(OTHER, 'x'), pointAtEndpoint(ADMIN, '198.18.0.10:6443'), 'lab');
    expect(merged.contexts?.map((c) => c.name)).toEqual(['prod', 'lab']);
    expect(merged.contexts?.[0]).toEqual({ name: 'prod', context: { cluster: 'prod', user: 'prod-user', namespace: 'payments' } });
    expect(merged.contexts?.[1]).toEqual({ name: 'lab', context: { cluster: 'lab', user: 'lab-admin' } });
    expect(merged.users?.map((u) => u.name)).toEqual(['prod-user', 'lab-admin']);
    expect(merged.users?.[1]?.user['client-key-data']).toBe('S0VZ');
    expect(merged['current-context']).toBe('prod');
    expect(merged.preferences).toEqual({ colors: true });
  });

  it('merging twice replaces the cluster\'s own entries instead of duplicating them', () => {
    const once = mergeKubeconfig({}, pointAtEndpoint(ADMIN, '198.18.0.10:6443'), 'lab');
    const twice = mergeKubeconfig(once, pointAtEndpoint(ADMIN, '198.18.0.99:6443'), 'lab');
    expect(twice.clusters?.length).toBe(1);
    expect(twice.clusters?.[0]?.cluster.server).toBe('https://198.18.0.99:6443');
    expect(twice['current-context']).toBe('lab');
  });

  it('mergeIntoFile writes mode 0600 and leaves the other context usable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-kc-'));
    tmp.push(dir);
    const file = path.join(dir, '.kube', 'config');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, OTHER, { mode: 0o644 });
    mergeIntoFile(file, pointAtEndpoint(ADMIN, '198.18.0.10:6443'), 'lab');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const back = parse(fs.readFileSync(file, 'utf8'));
    expect(back.contexts.find((c: { name: string }) => c.name === 'prod').context.namespace).toBe('payments');
    expect(back.clusters.find((c: { name: string }) => c.name === 'lab').cluster.server).toBe('https://198.18.0.10:6443');
    // a fresh file is created 0600 too
    const fresh = path.join(dir, 'new', 'config');
    mergeIntoFile(fresh, pointAtEndpoint(ADMIN, '198.18.0.10:6443'), 'lab');
    expect(fs.statSync(fresh).mode & 0o777).toBe(0o600);
    expect(parseKubeconfig(fs.readFileSync(fresh, 'utf8'), fresh)['current-context']).toBe('lab');
  });

  it('refuses a file that is not a kubeconfig rather than overwrite it', () => {
    expect(() => parseKubeconfig('clusters: 3\n', '/x')).toThrow(/not a kubeconfig/);
    expect(() => parseKubeconfig('a: [\n', '/x')).toThrow(/not valid YAML/);
    expect(kubeconfigText(parseKubeconfig('', '/x'))).toBe('{}\n');
  });

  it('uses $KUBECONFIG\'s first file, else ~/.kube/config', () => {
    expect(userKubeconfigPath({ KUBECONFIG: '/a/one:/b/two' }, '/home/u')).toBe('/a/one');
    expect(userKubeconfigPath({}, '/home/u')).toBe('/home/u/.kube/config');
    expect(userKubeconfigPath({ KUBECONFIG: '' }, '/home/u')).toBe('/home/u/.kube/config');
  });
});
