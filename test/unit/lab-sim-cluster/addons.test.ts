import { afterEach, describe, expect, it } from 'vitest';
import { calicoManifest, kubectl, kubeProxyConfig, makeCluster, metricsServerManifest, setRuntime, type Cluster } from './fixture.ts';
import { curl, rows } from './helpers.ts';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

const MIRROR = 'registry.cn-hangzhou.aliyuncs.com/google_containers';

async function readyCluster(workers = 1, ipvs = true): Promise<Cluster> {
  cl = makeCluster({ workers, ipvs });
  const r = await kubectl(cl.lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
  expect(r.code).toBe(0);
  return cl;
}

describe('metrics-server and kubectl top', () => {
  it('without --kubelet-insecure-tls: Running 0/1, APIService unavailable, top fails', async () => {
    const { lab } = await readyCluster();
    let r = await kubectl(lab, 'master', ['apply', '-f', '-'], metricsServerManifest(MIRROR, false));
    expect(r.stdout).toContain('apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io created\n');
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=metrics-server', '--no-headers']);
    expect(rows(r.stdout, '')[0].slice(1, 3)).toEqual(['0/1', 'Running']);
    r = await kubectl(lab, 'master', ['get', 'apiservices', 'v1beta1.metrics.k8s.io']);
    expect(rows(r.stdout, 'v1beta1')[0].slice(0, 3)).toEqual(['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (MissingEndpoints)']);
    r = await kubectl(lab, 'master', ['top', 'nodes']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: Metrics API not available\n' });
    r = await kubectl(lab, 'master', ['describe', 'pod', '-n', 'kube-system', '-l', 'k8s-app=metrics-server']);
    expect(r.stdout).toContain('Readiness probe failed: HTTP probe failed with statuscode: 500');
    r = await kubectl(lab, 'master', ['logs', '-n', 'kube-system', 'deploy/metrics-server']);
    expect(r.stdout).toMatch(/^E\d{4} \d\d:\d\d:\d\d\.\d{6}       1 scraper\.go:140\] "Failed to scrape node" err="Get \\"https:\/\/198\.18\.0\.11:10250\/metrics\/resource\\": x509: cannot validate certificate for 198\.18\.0\.11 because it doesn't contain any IP SANs" node="node1"$/m);
  });

  it('with --kubelet-insecure-tls: Ready, top nodes and top pods -A answer from the hosts', async () => {
    const { lab } = await readyCluster();
    await kubectl(lab, 'master', ['apply', '-f', '-'], metricsServerManifest(MIRROR, true));
    let r = await kubectl(lab, 'master', ['top', 'nodes']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU%\s+MEMORY\(bytes\)\s+MEMORY%$/);
    const nodes = rows(r.stdout, 'master').concat(rows(r.stdout, 'node1'));
    expect(nodes).toHaveLength(2);
    for (const n of nodes) {
      expect(n[1]).toMatch(/^\d+m$/);
      // the host has 2 cpus and 4096 MiB: the percentages follow
      expect(Number(n[2].slice(0, -1))).toBe(Math.round(Number(n[1].slice(0, -1)) / 2000 * 100));
      expect(Number(n[4].slice(0, -1))).toBe(Math.round(Number(n[3].slice(0, -2)) / 4096 * 100));
    }
    r = await kubectl(lab, 'master', ['top', 'pods', '-A']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$/);
    expect(r.stdout).toMatch(/kube-system\s+metrics-server-\S+\s+\d+m\s+\d+Mi/);
  });

  it('serverTLSBootstrap: ready only once the kubelet-serving CSRs are approved', async () => {
    const { lab } = await readyCluster();
    for (const h of ['master', 'node1']) lab.write(h, '/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserverTLSBootstrap: true\n');
    await kubectl(lab, 'master', ['apply', '-f', '-'], metricsServerManifest(MIRROR, false));
    let r = await kubectl(lab, 'master', ['get', 'csr', '--no-headers']);
    const csrs = rows(r.stdout, 'csr-');
    expect(csrs).toHaveLength(2);
    for (const c of csrs) expect(c[2]).toBe('kubernetes.io/kubelet-serving');
    expect(csrs.map((c) => c.at(-1))).toEqual(['Pending', 'Pending']);
    expect((await kubectl(lab, 'master', ['top', 'nodes'])).code).toBe(1);
    const names = (await kubectl(lab, 'master', ['get', 'csr', '-o', 'name'])).stdout.trim().split('\n');
    expect(names).toEqual(csrs.map((c) => `certificatesigningrequest.certificates.k8s.io/${c[0]}`));
    r = await kubectl(lab, 'master', ['certificate', 'approve', ...names]);
    expect(r.stdout).toBe(csrs.map((c) => `certificatesigningrequest.certificates.k8s.io/${c[0]} approved\n`).join(''));
    r = await kubectl(lab, 'master', ['get', 'csr', '--no-headers']);
    expect(rows(r.stdout, 'csr-').map((c) => c.at(-1))).toEqual(['Approved,Issued', 'Approved,Issued']);
    expect((await kubectl(lab, 'master', ['top', 'nodes'])).code).toBe(0);
  });
});

describe('kube-proxy mode', () => {
  const proxyMode = async (c: Cluster, host: string) => {
    const a = await curl(c.lab, host, 'http://127.0.0.1:10249/proxyMode');
    return a?.error ?? a?.body;
  };
  const setMode = async (c: Cluster, mode: string) => {
    const y = await kubectl(c.lab, 'master', ['get', 'cm', 'kube-proxy', '-n', 'kube-system', '-o', 'yaml']);
    expect(y.stdout).toContain('mode: ""');
    // what users do: get -o yaml | sed | apply -f -
    const r = await kubectl(c.lab, 'master', ['apply', '-f', '-'], y.stdout.replace('mode: ""', `mode: "${mode}"`));
    expect(r.stdout).toBe('configmap/kube-proxy configured\n');
    expect(r.stderr).toContain('Warning: resource configmaps/kube-proxy is missing the kubectl.kubernetes.io/last-applied-configuration annotation');
  };

  it('changes only after the pods restart, and falls back to iptables without the ip_vs modules', async () => {
    const c = await readyCluster(2);
    const { lab } = c;
    setRuntime(lab, 'node2', (rt) => {
      rt.modules = rt.modules.filter((m) => !m.startsWith('ip_vs'));
    });
    expect(await proxyMode(c, 'master')).toBe('iptables');
    await setMode(c, 'ipvs');
    expect(await proxyMode(c, 'master')).toBe('iptables');
    let r = await kubectl(lab, 'master', ['rollout', 'restart', 'ds/kube-proxy', '-n', 'kube-system']);
    expect(r.stdout).toBe('daemonset.apps/kube-proxy restarted\n');
    expect(await proxyMode(c, 'master')).toBe('ipvs');
    expect(await proxyMode(c, 'node1')).toBe('ipvs');
    expect(await proxyMode(c, 'node2')).toBe('iptables');
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '-o', 'wide', '--no-headers']);
    const onNode2 = rows(r.stdout, '').find((p) => p[6] === 'node2')?.[0] ?? '';
    r = await kubectl(lab, 'master', ['logs', '-n', 'kube-system', onNode2]);
    expect(r.stdout).toContain('"Can\'t use the IPVS proxier" err="IPVS proxier will not be used because the following required kernel modules are not loaded: [ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh]"');
    expect(r.stdout).toContain('"Using iptables Proxier"');
    // back to iptables in the ConfigMap; deleting the pods restarts them too
    r = await kubectl(lab, 'master', ['patch', 'cm', 'kube-proxy', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({ data: { 'config.conf': kubeProxyConfig('iptables') } })]);
    expect(r.stdout).toBe('configmap/kube-proxy patched\n');
    expect(await proxyMode(c, 'node1')).toBe('ipvs');
    r = await kubectl(lab, 'master', ['delete', 'pod', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy']);
    expect(r.stdout.match(/^pod "kube-proxy-\w+" deleted$/gm)).toHaveLength(3);
    expect(await proxyMode(c, 'node1')).toBe('iptables');
  });

  it('a ConfigMap edit as the first request after init does not reach the running pods', async () => {
    cl = makeCluster({ workers: 1 });
    const c = cl;
    await kubectl(c.lab, 'master', ['patch', 'cm', 'kube-proxy', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({ data: { 'config.conf': kubeProxyConfig('ipvs') } })]);
    expect(await proxyMode(c, 'node1')).toBe('iptables');
    // a reboot restarts the container, which then reads the ConfigMap
    setRuntime(c.lab, 'node1', (rt) => {
      rt.bootId = 'rebooted';
    });
    expect(await proxyMode(c, 'node1')).toBe('ipvs');
    expect(await proxyMode(c, 'master')).toBe('iptables');
  });

  it("kubeforge's own step: get -o yaml | sed mode line | replace -f -, then delete the pods", async () => {
    const c = await readyCluster(1);
    const k = (args: string[], stdin?: string) => c.lab.sh('master', ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', ...args], { stdin });
    let r = await k(['-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}']);
    expect(r.stdout.split('\n')).toContain('mode: ""');
    const y = await k(['-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'yaml']);
    r = await k(['replace', '-f', '-'], y.stdout.replace(/^    mode: .*$/m, '    mode: "ipvs"'));
    expect(r).toMatchObject({ code: 0, stdout: 'configmap/kube-proxy replaced\n' });
    r = await k(['-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}']);
    expect(r.stdout.split('\n')).toContain('mode: "ipvs"');
    // replaying the old copy is a conflict, as on a real API server
    r = await k(['replace', '-f', '-'], y.stdout);
    expect(r.stderr).toBe('Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "kube-proxy": the object has been modified; please apply your changes to the latest version and try again\n');
    expect(await proxyMode(c, 'node1')).toBe('iptables');
    r = await k(['-n', 'kube-system', 'delete', 'pod', '-l', 'k8s-app=kube-proxy']);
    expect(r.code).toBe(0);
    expect(await proxyMode(c, 'node1')).toBe('ipvs');
  });

  it('ipvsadm -Ln lists the service rules in ipvs mode only', async () => {
    const c = await readyCluster(1);
    const { lab } = c;
    let r = await lab.sh('master', ['ipvsadm', '-Ln']);
    expect(r.stdout).toBe('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n');
    await setMode(c, 'ipvs');
    await kubectl(lab, 'master', ['rollout', 'restart', 'daemonset', 'kube-proxy', '-n', 'kube-system']);
    r = await lab.sh('master', ['ipvsadm', '-Ln']);
    expect(r.stdout).toContain(`TCP  10.96.0.1:443 rr\n  -> ${'198.18.0.10:6443'.padEnd(28)} Masq    1      0          0         \n`);
    expect(r.stdout).toContain('UDP  10.96.0.10:53 rr\n');
    expect(r.stdout.match(/-> 172\.168\.\d+\.\d+:53 /g)?.length).toBe(4);
    await lab.sh('master', ['ipvsadm', '-C']);
    r = await lab.sh('master', ['ipvsadm', '-Ln']);
    expect(r.stdout).not.toContain('10.96.0.1:443');
    setRuntime(lab, 'node1', (rt) => {
      rt.modules = [];
    });
    r = await lab.sh('node1', ['ipvsadm', '-Ln']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Can't initialize ipvs: Protocol not available");
  });

  it('no kube-proxy on the host: connection refused; a broken config.conf crash-loops after the restart', async () => {
    const c = await readyCluster(1);
    const { lab } = c;
    await kubectl(lab, 'master', ['patch', 'cm', 'kube-proxy', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({ data: { 'config.conf': kubeProxyConfig('ipvs2') } })]);
    await kubectl(lab, 'master', ['rollout', 'restart', 'ds/kube-proxy', '-n', 'kube-system']);
    const r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '--no-headers']);
    for (const p of rows(r.stdout, '')) expect(p.slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff']);
    expect(await proxyMode(c, 'node1')).toBe('refused');
    const s = await kubectl(lab, 'master', ['rollout', 'status', 'ds/kube-proxy', '-n', 'kube-system', '--timeout=5s']);
    expect(s).toMatchObject({ code: 1, stdout: 'Waiting for daemon set "kube-proxy" rollout to finish: 0 of 2 updated pods are available...\n', stderr: 'error: timed out waiting for the condition\n' });
  });
});
