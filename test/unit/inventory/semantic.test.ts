import { describe, expect, it } from 'vitest';
import { formatPath, type Problem } from '../../../src/inventory/load.ts';
import { inventorySchema, type RawInventory } from '../../../src/inventory/schema.ts';
import { semanticProblems } from '../../../src/inventory/semantic.ts';
import { cidrsOverlap, isDns1123Subdomain, parseCidr, parseIPv4, unusableAddress } from '../../../src/inventory/net.ts';

const base = (): RawInventory =>
  inventorySchema.parse({
    cluster: { kubernetesVersion: '1.23.17', podSubnet: '172.168.0.0/16', serviceSubnet: '10.96.0.0/12' },
    mirrors: 'cn',
    hosts: [
      { name: 'k8s-master01', address: '192.168.174.110', role: 'master' },
      { name: 'k8s-node01', address: '192.168.174.120', role: 'worker' },
    ],
  });

const check = (mutate: (i: RawInventory) => void): Problem[] => {
  const inv = base();
  mutate(inv);
  return semanticProblems(inv, { dir: '/nonexistent-dir' });
};
/** the single problem of a mutation, as "path: message" */
const only = (mutate: (i: RawInventory) => void): string => {
  const ps = check(mutate);
  expect(ps, JSON.stringify(ps)).toHaveLength(1);
  return `${formatPath(ps[0].path)}: ${ps[0].message}`;
};

describe('semantic checks', () => {
  it('accepts the seed inventory', () => {
    expect(check(() => {})).toEqual([]);
  });

  it('needs at least one master', () => {
    expect(only((i) => (i.hosts[0].role = 'worker'))).toMatch(/^hosts: no host has role master/);
  });

  it('needs unique host names and addresses', () => {
    expect(only((i) => (i.hosts[1].name = 'k8s-master01'))).toMatch(/^hosts\[1\]\.name: duplicate host name "k8s-master01".*hosts\[0\]/);
    expect(only((i) => (i.hosts[1].address = '192.168.174.110'))).toMatch(/^hosts\[1\]\.address: duplicate address/);
  });

  it('needs valid, usable IPv4 host addresses', () => {
    expect(only((i) => (i.hosts[1].address = '192.168.174.256'))).toMatch(/^hosts\[1\]\.address: got "192.168.174.256" \(expected an IPv4 address/);
    expect(only((i) => (i.hosts[1].address = 'node1.lan'))).toMatch(/expected an IPv4 address/);
    expect(only((i) => (i.hosts[1].address = '127.0.0.5'))).toMatch(/loopback/);
    expect(only((i) => (i.hosts[1].address = '0.0.0.0'))).toMatch(/unspecified/);
  });

  it('needs valid aligned CIDRs of a usable size', () => {
    expect(only((i) => (i.cluster.podSubnet = '172.168.0.0'))).toMatch(/^cluster\.podSubnet: got "172.168.0.0" \(expected an IPv4 CIDR/);
    expect(only((i) => (i.cluster.podSubnet = '172.168.3.0/16'))).toMatch(/host bits set \(expected the network address: 172\.168\.0\.0\/16\)/);
    expect(only((i) => (i.cluster.podSubnet = '172.168.0.0/25'))).toMatch(/^cluster\.podSubnet: a \/25 pod subnet/);
    expect(only((i) => (i.cluster.serviceSubnet = '10.0.0.0/11'))).toMatch(/^cluster\.serviceSubnet: a \/11 service subnet/);
  });

  it('keeps podSubnet, serviceSubnet and host addresses apart', () => {
    expect(only((i) => (i.cluster.serviceSubnet = '172.168.16.0/20'))).toMatch(/^cluster\.serviceSubnet: 172\.168\.16\.0\/20 overlaps podSubnet 172\.168\.0\.0\/16/);
    expect(only((i) => (i.hosts[0].address = '10.96.0.20'))).toMatch(/^hosts\[0\]\.address: 10\.96\.0\.20 lies inside serviceSubnet/);
    expect(only((i) => (i.hosts[1].address = '172.168.9.9'))).toMatch(/lies inside podSubnet/);
    // a defaulted serviceSubnet is blamed on the podSubnet the user wrote
    expect(
      only((i) => {
        i.cluster.podSubnet = '10.96.0.0/16';
        delete i.cluster.serviceSubnet;
      }),
    ).toMatch(/^cluster\.podSubnet: 10\.96\.0\.0\/16 overlaps the default serviceSubnet 10\.96\.0\.0\/12/);
  });

  it('needs controlPlaneEndpoint as host:port', () => {
    expect(check((i) => (i.cluster.controlPlaneEndpoint = '192.168.174.110:6443'))).toEqual([]);
    expect(check((i) => (i.cluster.controlPlaneEndpoint = 'k8s-api.lab.local:8443'))).toEqual([]);
    expect(only((i) => (i.cluster.controlPlaneEndpoint = '192.168.174.110'))).toMatch(/expected host:port/);
    expect(only((i) => (i.cluster.controlPlaneEndpoint = '192.168.174.110:0'))).toMatch(/port 0 is out of range/);
    expect(only((i) => (i.cluster.controlPlaneEndpoint = 'bad_host!:6443'))).toMatch(/neither an IPv4 address nor a DNS name/);
    expect(only((i) => (i.cluster.controlPlaneEndpoint = '192.168.174.999:6443'))).toMatch(/neither an IPv4 address nor a DNS name/);
  });

  it('keeps kubernetesVersion inside the supported range and the released patches', () => {
    expect(only((i) => (i.cluster.kubernetesVersion = '1.22.17'))).toMatch(/Kubernetes 1\.22 is not supported \(expected a version from 1\.23 to 1\.\d+\)/);
    expect(only((i) => (i.cluster.kubernetesVersion = '1.99.0'))).toMatch(/Kubernetes 1\.99 is not supported/);
    expect(only((i) => (i.cluster.kubernetesVersion = '2.0.0'))).toMatch(/Kubernetes 2\.0 is not supported/);
    expect(only((i) => (i.cluster.kubernetesVersion = '1.23.18'))).toMatch(/1\.23\.18 was never released \(expected at most 1\.23\.17/);
    expect(only((i) => (i.cluster.kubernetesVersion = 'latest'))).toMatch(/expected a full release version/);
    expect(check((i) => (i.cluster.kubernetesVersion = 'v1.23.17'))).toEqual([]);
  });

  it('allows docker only up to 1.23', () => {
    expect(check((i) => (i.cluster.containerRuntime = 'docker'))).toEqual([]);
    expect(
      only((i) => {
        i.cluster.kubernetesVersion = '1.24.17';
        i.cluster.containerRuntime = 'docker';
      }),
    ).toMatch(/^cluster\.containerRuntime: docker needs dockershim, removed in Kubernetes 1\.24/);
  });

  it('checks the Calico version against the Kubernetes minor', () => {
    expect(check((i) => (i.cluster.cni = { version: 'v3.25.2' }))).toEqual([]);
    expect(only((i) => (i.cluster.cni = { version: 'v3.28.0' }))).toMatch(/Calico v3\.28\.0 is tested on Kubernetes 1\.27-1\.30, not 1\.23 \(expected .*v3\.25\.x/);
    expect(only((i) => (i.cluster.cni = { version: 'v3.12.0' }))).toMatch(/not in the compatibility table/);
    expect(only((i) => (i.cluster.cni = { version: 'latest' }))).toMatch(/expected a Calico release tag like v3\.25\.2/);
  });

  it('checks the metrics-server version against the Kubernetes minor', () => {
    expect(only((i) => (i.cluster.metricsServer = { version: 'v0.7.2' }))).toMatch(/metrics-server v0\.7\.2 needs Kubernetes 1\.27 or newer, not 1\.23/);
    expect(check((i) => (i.cluster.metricsServer = { version: 'v0.5.2' }))).toEqual([]);
  });

  it('needs node names that Kubernetes accepts (DNS-1123)', () => {
    expect(only((i) => (i.hosts[1].name = 'Node01'))).toMatch(/^hosts\[1\]\.name: "Node01" is not a valid node name/);
    expect(only((i) => (i.hosts[1].name = 'node_01'))).toMatch(/not a valid node name/);
    expect(only((i) => (i.hosts[1].name = '-node'))).toMatch(/not a valid node name/);
    expect(check((i) => (i.hosts[1].name = 'node01.lab.local'))).toEqual([]);
  });

  it('checks mirror URL forms per class', () => {
    expect(only((i) => (i.mirrors = { preset: 'cn', images: ['https://registry.k8s.io'] }))).toMatch(/^mirrors\.images\[0\]: .* not a registry prefix/);
    expect(only((i) => (i.mirrors = { preset: 'cn', epel: 'ftp://x/epel/' }))).toMatch(/^mirrors\.epel: .* not a repository URL/);
    expect(only((i) => (i.mirrors = { preset: 'cn', kubernetes: ['https://pkgs.k8s.io/core:/stable:/v1.23/rpm/'] }))).toMatch(/\{minor\} placeholder/);
  });

  it('refuses two ways of giving one password, and a local manifest that does not exist', () => {
    expect(only((i) => (i.ssh = { password: { env: 'A' }, passwordEnv: 'B' }))).toMatch(/^ssh\.passwordEnv: both password and passwordEnv/);
    expect(only((i) => (i.cluster.cni = { manifest: 'calico.yaml' }))).toMatch(/^cluster\.cni\.manifest: file \/nonexistent-dir\/calico\.yaml does not exist/);
    expect(check((i) => (i.cluster.cni = { manifest: 'https://raw.githubusercontent.com/projectcalico/calico/v3.25.2/manifests/calico.yaml' }))).toEqual([]);
  });

  it('reports every problem, not only the first', () => {
    const ps = check((i) => {
      i.hosts[0].role = 'worker';
      i.hosts[1].address = '999.1.1.1';
      i.cluster.podSubnet = '10.96.0.0/16';
    });
    expect(ps.map((p) => formatPath(p.path)).sort()).toEqual(['cluster.serviceSubnet', 'hosts', 'hosts[1].address']);
  });
});

describe('address helpers', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIPv4('192.168.174.110')).toBe(0xc0a8ae6e);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('1.2.3')).toBeUndefined();
    expect(parseIPv4('01.2.3.4')).toBeUndefined();
    expect(parseIPv4('1.2.3.256')).toBeUndefined();
  });

  it('parses CIDRs and finds overlaps', () => {
    const a = parseCidr('10.96.0.0/12');
    const b = parseCidr('10.111.0.0/16');
    const c = parseCidr('10.112.0.0/16');
    expect(a && b && cidrsOverlap(a, b)).toBe(true);
    expect(a && c && cidrsOverlap(a, c)).toBe(false);
    expect(parseCidr('0.0.0.0/0')?.last).toBe(0xffffffff);
    expect(parseCidr('10.96.0.1/12')?.aligned).toBe(false);
  });

  it('names unusable addresses and checks DNS-1123 names', () => {
    expect(unusableAddress(parseIPv4('224.0.0.1') ?? 0)).toMatch(/multicast/);
    expect(unusableAddress(parseIPv4('169.254.1.1') ?? 0)).toMatch(/link-local/);
    expect(unusableAddress(parseIPv4('198.18.0.2') ?? 0)).toBeUndefined();
    expect(isDns1123Subdomain('a'.repeat(64))).toBe(false);
    expect(isDns1123Subdomain('k8s-master01')).toBe(true);
  });
});
