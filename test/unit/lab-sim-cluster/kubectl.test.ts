import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import YAML from 'yaml';
import { adminConf, calicoManifest, kubectl, makeCluster, makePki, metricsServerManifest, setRuntime, type Cluster } from './fixture.ts';
import { rows } from './helpers.ts';

let cl: Cluster | undefined;
afterEach(() => cl?.lab.cleanup());

const cm = (name: string, data: Record<string, string>) => YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('kubectl connection', () => {
  it('no kubeconfig: the localhost:8080 line; --kubeconfig and $KUBECONFIG are honoured', async () => {
    cl = makeCluster();
    const { lab } = cl;
    let r = await lab.sh('node1', ['kubectl', 'get', 'nodes'], { env: { HOME: '/root' } });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n' });
    lab.write('node1', '/etc/kubernetes/admin.conf', lab.read('master', '/etc/kubernetes/admin.conf') ?? '');
    r = await lab.sh('node1', ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'get', 'nodes', '-o', 'name']);
    expect(r).toMatchObject({ code: 0, stdout: 'node/master\nnode/node1\n' });
    r = await lab.sh('node1', ['kubectl', 'get', 'nodes', '-o', 'name'], { env: { HOME: '/root', KUBECONFIG: '/etc/kubernetes/admin.conf' } });
    expect(r.code).toBe(0);
    r = await lab.sh('node1', ['kubectl', '--kubeconfig=/nope', 'get', 'nodes']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: stat /nope: no such file or directory\n' });
    // admin.conf is root's (0600): another user cannot read it
    fs.chmodSync(`${lab.roots.node1}/etc/kubernetes/admin.conf`, 0o600);
    r = await lab.sh('node1', ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'get', 'nodes'], { uid: 1000, user: 'ops' });
    expect(r).toMatchObject({ code: 1, stderr: 'error: error loading config file "/etc/kubernetes/admin.conf": open /etc/kubernetes/admin.conf: permission denied\n' });
  });

  it('a stale admin.conf (another CA) fails TLS; an unknown address has no route; a host not in the SANs fails', async () => {
    cl = makeCluster();
    const { lab } = cl;
    const other = makePki('198.18.0.10', 'other');
    lab.write('master', '/root/.kube/config', adminConf(other, 'https://198.18.0.10:6443'));
    let r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")\n');
    lab.write('master', '/root/.kube/config', adminConf(cl.pki, 'https://198.18.0.99:6443'));
    r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.stderr).toBe('Unable to connect to the server: dial tcp 198.18.0.99:6443: connect: no route to host\n');
    lab.write('master', '/etc/hosts', '127.0.0.1 localhost\n198.18.0.10 api.lab\n');
    lab.write('master', '/root/.kube/config', adminConf(cl.pki, 'https://api.lab:6443'));
    r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.stderr).toBe('Unable to connect to the server: x509: certificate is valid for kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, master, not api.lab\n');
    lab.write('master', '/root/.kube/config', adminConf(cl.pki, 'https://nowhere.lab:6443'));
    r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.stderr).toMatch(/^Unable to connect to the server: dial tcp: lookup nowhere\.lab on 127\.0\.0\.1:53: /);
    // a clock 2 days behind sees the serving certificate as not yet valid
    lab.write('master', '/root/.kube/config', adminConf(cl.pki, 'https://198.18.0.10:6443'));
    setRuntime(lab, 'master', (rt) => {
      rt.clockOffsetSec = -2 * 86400;
    });
    r = await kubectl(lab, 'master', ['get', 'nodes']);
    expect(r.stderr).toMatch(/^Unable to connect to the server: x509: certificate has expired or is not yet valid: current time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ is before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    setRuntime(lab, 'master', (rt) => {
      rt.clockOffsetSec = 0;
    });
    // a node whose network is down: its API server is out of reach, it stops reporting
    lab.write('node1', '/root/.kube/config', adminConf(cl.pki, 'https://198.18.0.10:6443'));
    setRuntime(lab, 'master', (rt) => {
      rt.networkUp = false;
    });
    r = await lab.sh('node1', ['kubectl', 'get', 'nodes'], { env: { HOME: '/root' } });
    expect(r.stderr).toBe('Unable to connect to the server: dial tcp 198.18.0.10:6443: connect: no route to host\n');
    setRuntime(lab, 'master', (rt) => {
      rt.networkUp = true;
    });
    setRuntime(lab, 'node1', (rt) => {
      rt.networkUp = false;
    });
    r = await kubectl(lab, 'master', ['get', 'nodes', 'node1', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    expect(r.stdout).toBe('Unknown');
    lab.write('master', '/root/.kube/config', adminConf(cl.pki, 'https://nowhere.lab:6443'));
    // version prints the client, then the connection error
    r = await kubectl(lab, 'master', ['version', '--short']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Client Version: v1.23.17\n');
  });
});

describe('kubectl get and jsonpath', () => {
  it('jsonpath: names, range/end, filters, escaped keys; bootstrap-token secret fields', async () => {
    cl = makeCluster({ workers: 2 });
    const { lab } = cl;
    let r = await kubectl(lab, 'master', ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(r.stdout).toBe('master node1 node2');
    r = await kubectl(lab, 'master', ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    expect(r.stdout).toBe('master\tFalse\nnode1\tFalse\nnode2\tFalse\n');
    r = await kubectl(lab, 'master', ['get', 'node', 'node2', '-o', "jsonpath={.metadata.labels.kubernetes\\.io/hostname} {.status.addresses[?(@.type=='InternalIP')].address}"]);
    expect(r.stdout).toBe('node2 198.18.0.12');
    r = await kubectl(lab, 'master', ['-n', 'kube-system', 'get', 'secret', 'bootstrap-token-abcdef', '-o', 'jsonpath={.data.expiration}']);
    expect(Date.parse(Buffer.from(r.stdout, 'base64').toString())).toBeGreaterThan(Date.now());
    r = await kubectl(lab, 'master', ['get', 'secrets', '-n', 'kube-system']);
    expect(rows(r.stdout, 'bootstrap-token-abcdef')[0].slice(0, 3)).toEqual(['bootstrap-token-abcdef', 'bootstrap.kubernetes.io/token', '6']);
    r = await kubectl(lab, 'master', ['get', 'cm', 'kube-proxy', '-n', 'kube-system', '-o', 'json']);
    const obj = JSON.parse(r.stdout) as { kind: string; data: Record<string, string> };
    expect(obj.kind).toBe('ConfigMap');
    expect(r.stdout.split('\n')[1]).toBe('    "apiVersion": "v1",');
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '-o', 'jsonpath={.items[*].spec.nodeName}']);
    expect(r.stdout.split(' ').sort()).toEqual(['master', 'node1', 'node2']);
    r = await kubectl(lab, 'master', ['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node2', '-o', 'name']);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    r = await kubectl(lab, 'master', ['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,IP:.status.addresses[?(@.type=="InternalIP")].address,TAINTS:.spec.taints[*].key']);
    expect(r.stdout).toBe('NAME     IP            TAINTS\nmaster   198.18.0.10   node-role.kubernetes.io/master,node.kubernetes.io/not-ready\nnode1    198.18.0.11   node.kubernetes.io/not-ready\nnode2    198.18.0.12   node.kubernetes.io/not-ready\n');
    r = await kubectl(lab, 'master', ['get', 'pod', 'nope', '-n', 'kube-system']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    r = await kubectl(lab, 'master', ['get', 'pods']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    r = await kubectl(lab, 'master', ['get', 'widgets']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: the server doesn\'t have a resource type "widgets"\n' });
    r = await kubectl(lab, 'master', ['logs', '-n', 'kube-system', '-l', 'k8s-app=kube-dns']);
    expect(r.stderr).toMatch(/^Error from server \(BadRequest\): pod coredns-\w+-\w+ does not have a host assigned\n$/);
    r = await kubectl(lab, 'master', ['get', 'cs']);
    expect(r.stderr).toBe('Warning: v1 ComponentStatus is deprecated in v1.19+\n');
    expect(rows(r.stdout, '').map((x) => x.slice(0, 2))).toEqual([['NAME', 'STATUS'], ['controller-manager', 'Healthy'], ['etcd-0', 'Healthy'], ['scheduler', 'Healthy']]);
    r = await kubectl(lab, 'master', ['exec', 'x', '--', 'ls']);
    expect(r.code).toBe(127);
  });
});

describe('kubectl apply', () => {
  it('created, configured, unchanged; replace; patch; create namespace', async () => {
    cl = makeCluster();
    const { lab } = cl;
    lab.write('master', '/root/cm.yaml', cm('app', { a: '1' }));
    let r = await kubectl(lab, 'master', ['apply', '-f', '/root/cm.yaml']);
    expect(r).toMatchObject({ code: 0, stdout: 'configmap/app created\n', stderr: '' });
    r = await kubectl(lab, 'master', ['apply', '-f', 'cm.yaml']);
    expect(r.stdout).toBe('configmap/app unchanged\n');
    lab.write('master', '/root/cm.yaml', cm('app', { a: '2' }));
    r = await kubectl(lab, 'master', ['apply', '-f', '/root/cm.yaml']);
    expect(r.stdout).toBe('configmap/app configured\n');
    r = await kubectl(lab, 'master', ['get', 'cm', 'app', '-o', 'jsonpath={.data.a}']);
    expect(r.stdout).toBe('2');
    r = await kubectl(lab, 'master', ['replace', '-f', '-'], cm('app', { a: '3' }));
    expect(r.stdout).toBe('configmap/app replaced\n');
    r = await kubectl(lab, 'master', ['replace', '-f', '-'], cm('ghost', { a: '3' }));
    expect(r).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): error when replacing "STDIN": configmaps "ghost" not found\n' });
    r = await kubectl(lab, 'master', ['patch', 'configmap', 'app', '-p', '{"data":{"b":"x"}}']);
    expect(r.stdout).toBe('configmap/app patched\n');
    r = await kubectl(lab, 'master', ['patch', 'configmap', 'app', '-p', '{"data":{"b":"x"}}']);
    expect(r.stdout).toBe('configmap/app patched (no change)\n');
    r = await kubectl(lab, 'master', ['patch', 'cm', 'app', '--type', 'json', '-p', '[{"op":"remove","path":"/data/b"}]']);
    expect(r.stdout).toBe('configmap/app patched\n');
    r = await kubectl(lab, 'master', ['get', 'cm', 'app', '-o', 'jsonpath={.data}']);
    expect(r.stdout).toBe('{"a":"3"}');
    r = await kubectl(lab, 'master', ['create', 'namespace', 'monitoring']);
    expect(r.stdout).toBe('namespace/monitoring created\n');
    r = await kubectl(lab, 'master', ['create', 'ns', 'monitoring']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error from server (AlreadyExists): namespaces "monitoring" already exists\n' });
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nosuch' }, data: {} }));
    expect(r).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): error when creating "STDIN": namespaces "nosuch" not found\n' });
    // a directory of manifests, JSON and a List
    lab.write('master', '/root/m/a.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [YAML.parse(cm('l1', { k: 'v' })), YAML.parse(cm('l2', { k: 'v' }))] }));
    lab.write('master', '/root/m/b.yaml', cm('l3', {}));
    r = await kubectl(lab, 'master', ['apply', '-f', '/root/m/']);
    expect(r.stdout).toBe('configmap/l1 created\nconfigmap/l2 created\nconfigmap/l3 created\n');
    r = await kubectl(lab, 'master', ['delete', '-f', '/root/m/b.yaml']);
    expect(r.stdout).toBe('configmap "l3" deleted\n');
  });

  it('a custom resource before its CRD is rejected; validation errors are the API server\'s', async () => {
    cl = makeCluster();
    const { lab } = cl;
    const pool = YAML.stringify({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'extra-ipv4-ippool' }, spec: { cidr: '172.169.0.0/16' } });
    let r = await kubectl(lab, 'master', ['apply', '-f', '-'], pool);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'error: unable to recognize "STDIN": no matches for kind "IPPool" in version "crd.projectcalico.org/v1"\n' });
    // the CRD and the CR in one run: the CR is still unknown to that run's discovery
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], `${calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16')}---\n${pool}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/ippools.crd.projectcalico.org created\n');
    expect(r.stderr).toContain('no matches for kind "IPPool" in version "crd.projectcalico.org/v1"');
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], pool);
    expect(r).toMatchObject({ code: 0, stdout: 'ippool.crd.projectcalico.org/extra-ipv4-ippool created\n' });
    // calico-node made the default pool (CALICO_IPV4POOL_CIDR) on its first start
    r = await kubectl(lab, 'master', ['get', 'ippools', '-o', 'name']);
    expect(r.stdout).toBe('ippool.crd.projectcalico.org/default-ipv4-ippool\nippool.crd.projectcalico.org/extra-ipv4-ippool\n');
    // custom resources are checked against the CRD's schema
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], YAML.stringify({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'bad' }, spec: { blockSize: '26', ipipMode: 'Sometimes' } }));
    expect(r).toMatchObject({ code: 1, stderr: 'The IPPool "bad" is invalid: [spec.cidr: Required value, spec.blockSize: Invalid value: "string": spec.blockSize in body must be of type integer: "string", spec.ipipMode: Unsupported value: "Sometimes": supported values: "Never", "Always", "CrossSubnet"]\n' });
    const bad = YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ image: 'nginx' }] } } } });
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], bad);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('error: error validating "STDIN": error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): missing required field "name" in io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with --validate=false\n');
    const typo = YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'web', image: 'nginx', imagePullPolcy: 'Always' }] } } } });
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], typo);
    expect(r.stderr).toBe('error: error validating "STDIN": error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): unknown field "imagePullPolcy" in io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with --validate=false\n');
    r = await kubectl(lab, 'master', ['apply', '--validate=false', '-f', '-'], bad);
    expect(r.stdout).toBe('deployment.apps/web created\n');
    // the real metrics-server manifest shape applies cleanly
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], metricsServerManifest('registry.cn-hangzhou.aliyuncs.com/google_containers', true));
    expect(r.code).toBe(0);
  });
});

describe('kubectl of a newer minor', () => {
  it('1.28: resource mapping errors, server-side validation wording, untolerated taint, short version', async () => {
    cl = makeCluster();
    const { lab } = cl;
    lab.clusterValue.kubernetesVersion = '1.28.2';
    setRuntime(lab, 'master', (_rt, ps) => {
      ps.rpms.kubectl = { ...ps.rpms.kubectl, version: '1.28.2' };
    });
    const pool = YAML.stringify({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'p' }, spec: {} });
    let r = await kubectl(lab, 'master', ['apply', '-f', '-'], pool);
    expect(r.stderr).toBe('error: resource mapping not found for name: "p" namespace: "" from "STDIN": no matches for kind "IPPool" in version "crd.projectcalico.org/v1"\nensure CRDs are installed first\n');
    const bad = YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ image: 'nginx' }] } } } });
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], bad);
    expect(r.stderr).toBe('The Deployment "web" is invalid: spec.template.spec.containers[0].name: Required value\n');
    r = await kubectl(lab, 'master', ['apply', '-f', '-'], YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, dat: { a: 'b' } }));
    expect(r.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"\n');
    r = await kubectl(lab, 'master', ['version']);
    expect(r.stdout).toBe('Client Version: v1.28.2\nKustomize Version: v5.0.1\nServer Version: v1.28.2\n');
    r = await kubectl(lab, 'master', ['describe', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns']);
    expect(r.stdout).toContain('0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..');
  });
});

describe('node operations', () => {
  it('cordon, taint removal, drain (DaemonSets need --ignore-daemonsets), delete node', async () => {
    cl = makeCluster({ workers: 2 });
    const { lab } = cl;
    await kubectl(lab, 'master', ['apply', '-f', '-'], calicoManifest('docker.m.daocloud.io/calico', '172.168.0.0/16'));
    let r = await kubectl(lab, 'master', ['taint', 'nodes', '--all', 'node-role.kubernetes.io/master-']);
    expect(r.stdout).toBe('node/master untainted\n');
    expect(r.stderr).toBe('error: taint "node-role.kubernetes.io/master" not found\nerror: taint "node-role.kubernetes.io/master" not found\n');
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'wide', '--no-headers']);
    const before = rows(r.stdout, 'coredns-');
    const onNode1 = before.filter((x) => x[6] === 'node1');
    r = await kubectl(lab, 'master', ['drain', 'node1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/calico-node-');
    r = await kubectl(lab, 'master', ['drain', 'node1', '--ignore-daemonsets', '--delete-emptydir-data']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^node\/node1 already cordoned\n/);
    expect(r.stdout).toMatch(/node\/node1 drained\n$/);
    expect(r.stderr).toMatch(/^WARNING: ignoring DaemonSet-managed Pods: kube-system\/calico-node-\w+, kube-system\/kube-proxy-\w+\n$/);
    for (const p of onNode1) expect(r.stdout).toContain(`pod/${p[0]} evicted\n`);
    r = await kubectl(lab, 'master', ['get', 'nodes', 'node1', '--no-headers']);
    expect(rows(r.stdout, 'node1')[0][1]).toBe('Ready,SchedulingDisabled');
    r = await kubectl(lab, 'master', ['get', 'pods', '-A', '-o', 'wide', '--field-selector', 'spec.nodeName=node1', '--no-headers']);
    expect(r.stdout).not.toContain('coredns-');
    r = await kubectl(lab, 'master', ['delete', 'node', 'node1']);
    expect(r.stdout).toBe('node "node1" deleted\n');
    r = await kubectl(lab, 'master', ['get', 'nodes', '-o', 'name']);
    expect(r.stdout).toBe('node/master\nnode/node2\n');
    r = await kubectl(lab, 'master', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=calico-node', '--no-headers']);
    expect(rows(r.stdout, 'calico-node-')).toHaveLength(2);
    r = await kubectl(lab, 'master', ['uncordon', 'node2']);
    expect(r.stdout).toBe('node/node2 already uncordoned\n');
    r = await kubectl(lab, 'master', ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=10s']);
    expect(r.stdout).toBe('node/master condition met\nnode/node2 condition met\n');
    r = await kubectl(lab, 'master', ['rollout', 'status', 'deployment/coredns', '-n', 'kube-system']);
    expect(r.stdout).toBe('deployment "coredns" successfully rolled out\n');
    r = await kubectl(lab, 'master', ['scale', '-n', 'kube-system', 'deploy/coredns', '--replicas=1']);
    expect(r.stdout).toBe('deployment.apps/coredns scaled\n');
    r = await kubectl(lab, 'master', ['get', 'deploy', '-n', 'kube-system', 'coredns', '--no-headers']);
    expect(rows(r.stdout, '')[0].slice(0, 4)).toEqual(['coredns', '1/1', '1', '1']);
  });
});
