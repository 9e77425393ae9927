/**
 * Checks that need more than one field or outside knowledge (the version matrix):
 * addresses, subnets, names, versions and their compatibility. Runs on a schema-valid
 * inventory and returns every problem found, never just the first.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FieldPath, Problem } from './load.ts';
import {
  calicoMinorsFor,
  calicoWindow,
  compareMinor,
  matrix,
  metricsServerMinKube,
  minorEntryOf,
  parseKubeVersion,
} from './matrix.ts';
import { mirrorClassNames, registryClasses } from './mirrors.ts';
import { cidrContains, cidrsOverlap, cidrString, isDns1123Subdomain, isDnsName, parseCidr, parseIPv4, unusableAddress, type Cidr } from './net.ts';
import type { RawInventory, RawSsh } from './schema.ts';
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET } from './defaults.ts';

export interface SemanticContext {
  /** directory of the inventory file: local manifests are relative to it */
  dir: string;
}

const releaseTag = /^v\d+\.\d+\.\d+$/;

export function semanticProblems(inv: RawInventory, ctx: SemanticContext): Problem[] {
  const out: Problem[] = [];
  const add = (p: FieldPath, message: string): void => {
    out.push({ path: p, message });
  };
  const c = inv.cluster;
  const m = matrix();

  // --- Kubernetes version
  const kv = parseKubeVersion(c.kubernetesVersion);
  let minor: string | undefined;
  if (!kv) {
    add(['cluster', 'kubernetesVersion'], `got "${c.kubernetesVersion}" (expected a full release version like 1.23.17)`);
  } else {
    const mn = `${kv.major}.${kv.minor}`;
    const entry = kv.major === 1 ? minorEntryOf(mn) : undefined;
    if (!entry) {
      add(['cluster', 'kubernetesVersion'], `Kubernetes ${mn} is not supported (expected a version from ${m.supported.from} to ${m.supported.to})`);
    } else if (entry.lastPatch !== undefined && kv.patch > entry.lastPatch) {
      add(['cluster', 'kubernetesVersion'], `${mn}.${kv.patch} was never released (expected at most ${mn}.${entry.lastPatch}, the last ${mn} release)`);
      minor = mn;
    } else {
      minor = mn;
    }
  }

  // --- runtime
  if (minor && c.containerRuntime === 'docker' && compareMinor(minor, '1.23') > 0) {
    add(['cluster', 'containerRuntime'], `docker needs dockershim, removed in Kubernetes 1.24 (expected containerd for ${c.kubernetesVersion}, or a 1.23 version for docker)`);
  }

  // --- subnets
  const subnet = (key: 'podSubnet' | 'serviceSubnet', fallback: string): Cidr | undefined => {
    const text = c[key] ?? fallback;
    const parsed = parseCidr(text);
    if (!parsed) {
      add(['cluster', key], `got "${text}" (expected an IPv4 CIDR like ${fallback})`);
      return undefined;
    }
    if (!parsed.aligned) {
      add(['cluster', key], `${text} has host bits set (expected the network address: ${cidrString(parsed)})`);
      return undefined;
    }
    return parsed;
  };
  const pod = subnet('podSubnet', DEFAULT_POD_SUBNET);
  const svc = subnet('serviceSubnet', DEFAULT_SERVICE_SUBNET);
  // kube-controller-manager gives each node a /24 of podSubnet; kubeadm allows at most 16 bits of difference
  if (pod && (pod.prefix > 24 || pod.prefix < 8)) {
    add(['cluster', 'podSubnet'], `a /${pod.prefix} pod subnet does not fit the per-node /24 ranges (expected a prefix from /8 to /24, e.g. /16)`);
  }
  // kube-apiserver refuses a service range larger than /12 (and a tiny one leaves no room for services)
  if (svc && (svc.prefix < 12 || svc.prefix > 28)) {
    add(['cluster', 'serviceSubnet'], `a /${svc.prefix} service subnet is out of range (expected a prefix from /12 to /28, e.g. 10.96.0.0/12)`);
  }
  if (pod && svc && cidrsOverlap(pod, svc)) {
    // blame the field the user wrote: a defaulted serviceSubnet has no line of its own
    if (c.serviceSubnet !== undefined) add(['cluster', 'serviceSubnet'], `${cidrString(svc)} overlaps podSubnet ${cidrString(pod)} (expected disjoint ranges)`);
    else add(['cluster', 'podSubnet'], `${cidrString(pod)} overlaps the default serviceSubnet ${cidrString(svc)} (expected disjoint ranges, or set serviceSubnet)`);
  }
  const insideClusterRanges = (ip: number): string | undefined => {
    if (pod && cidrContains(pod, ip)) return `podSubnet ${cidrString(pod)}`;
    if (svc && cidrContains(svc, ip)) return `serviceSubnet ${cidrString(svc)}`;
    return undefined;
  };

  // --- hosts
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  inv.hosts.forEach((h, i) => {
    if (!isDns1123Subdomain(h.name)) {
      add(['hosts', i, 'name'], `"${h.name}" is not a valid node name (expected lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, like k8s-node01)`);
    }
    const firstName = names.get(h.name);
    if (firstName !== undefined) add(['hosts', i, 'name'], `duplicate host name "${h.name}" (expected unique names; also used by hosts[${firstName}])`);
    else names.set(h.name, i);

    const ip = parseIPv4(h.address);
    if (ip === undefined) {
      add(['hosts', i, 'address'], `got "${h.address}" (expected an IPv4 address like 192.168.174.120)`);
    } else {
      const bad = unusableAddress(ip);
      if (bad) add(['hosts', i, 'address'], `${h.address} is ${bad} (expected the host's own routable IPv4 address)`);
      const inside = insideClusterRanges(ip);
      if (inside) add(['hosts', i, 'address'], `${h.address} lies inside ${inside} (expected host addresses outside the pod and service ranges)`);
      const firstAddr = addresses.get(h.address);
      if (firstAddr !== undefined) add(['hosts', i, 'address'], `duplicate address ${h.address} (expected unique addresses; also used by hosts[${firstAddr}])`);
      else addresses.set(h.address, i);
    }
    if (h.ssh) checkSsh(h.ssh, ['hosts', i, 'ssh'], add);
  });
  if (!inv.hosts.some((h) => h.role === 'master')) {
    add(['hosts'], 'no host has role master (expected at least one master: the first one runs kubeadm init)');
  }

  // --- endpoint and SANs
  if (c.controlPlaneEndpoint !== undefined) {
    const ep = c.controlPlaneEndpoint;
    const mm = /^(.+):(\d+)$/.exec(ep);
    if (!mm) {
      add(['cluster', 'controlPlaneEndpoint'], `got "${ep}" (expected host:port, like 192.168.174.110:6443)`);
    } else {
      const [, host, portText] = mm;
      const portNum = Number(portText);
      if (portNum < 1 || portNum > 65535) add(['cluster', 'controlPlaneEndpoint'], `port ${portText} is out of range (expected 1-65535, usually 6443)`);
      const ip = parseIPv4(host);
      if (ip === undefined && (/^\d+(\.\d+)*$/.test(host) || !isDnsName(host))) {
        add(['cluster', 'controlPlaneEndpoint'], `"${host}" is neither an IPv4 address nor a DNS name (expected host:port, like 192.168.174.110:6443)`);
      } else if (ip !== undefined) {
        const inside = insideClusterRanges(ip);
        if (inside) add(['cluster', 'controlPlaneEndpoint'], `${host} lies inside ${inside} (expected an address outside the pod and service ranges)`);
      }
    }
  }
  (c.certSANs ?? []).forEach((san, i) => {
    if (parseIPv4(san) === undefined && (/^\d+(\.\d+)*$/.test(san) || !isDnsName(san))) {
      add(['cluster', 'certSANs', i], `"${san}" is neither an IPv4 address nor a DNS name (expected e.g. 192.168.174.100 or k8s.example.com)`);
    }
  });
  if (c.dnsDomain !== undefined && !isDns1123Subdomain(c.dnsDomain)) {
    add(['cluster', 'dnsDomain'], `"${c.dnsDomain}" is not a valid DNS domain (expected e.g. cluster.local)`);
  }
  if (c.imageRepository !== undefined && !isRegistryPrefix(c.imageRepository)) {
    add(['cluster', 'imageRepository'], `"${c.imageRepository}" is not a registry prefix (expected host[/path] without scheme, like registry.cn-hangzhou.aliyuncs.com/google_containers)`);
  }

  // --- add-ons
  const cni = c.cni ?? {};
  if (cni.version !== undefined) {
    if (!releaseTag.test(cni.version)) {
      add(['cluster', 'cni', 'version'], `got "${cni.version}" (expected a Calico release tag like v3.25.2)`);
    } else {
      const w = calicoWindow(cni.version);
      if (!w) {
        const known = Object.keys(m.calicoCompat);
        add(['cluster', 'cni', 'version'], `Calico ${cni.version} is not in the compatibility table (expected a minor from ${known[0]} to ${known[known.length - 1]})`);
      } else if (minor && (compareMinor(minor, w.from) < 0 || compareMinor(minor, w.to) > 0)) {
        const fits = calicoMinorsFor(minor).map((x) => `v${x}.x`);
        add(['cluster', 'cni', 'version'], `Calico ${cni.version} is tested on Kubernetes ${w.from}-${w.to}, not ${minor} (expected ${fits.length ? fits.join(' or ') : 'a Calico release tested on ' + minor})`);
      }
    }
  }
  if (cni.manifest !== undefined) checkManifest(cni.manifest, ['cluster', 'cni', 'manifest'], ctx, add);
  const ms = c.metricsServer ?? {};
  if (ms.version !== undefined) {
    if (!releaseTag.test(ms.version)) {
      add(['cluster', 'metricsServer', 'version'], `got "${ms.version}" (expected a metrics-server release tag like v0.7.2)`);
    } else {
      const from = metricsServerMinKube(ms.version);
      if (!from) add(['cluster', 'metricsServer', 'version'], `metrics-server ${ms.version} is not in the compatibility table (expected v0.5.x to v0.8.x)`);
      else if (minor && compareMinor(minor, from) < 0) {
        add(['cluster', 'metricsServer', 'version'], `metrics-server ${ms.version} needs Kubernetes ${from} or newer, not ${minor} (expected an older metrics-server, e.g. the default for ${minor})`);
      }
    }
  }
  if (ms.manifest !== undefined) checkManifest(ms.manifest, ['cluster', 'metricsServer', 'manifest'], ctx, add);

  // --- mirrors
  const mirrors = inv.mirrors ?? {};
  for (const cls of mirrorClassNames) {
    const given = mirrors[cls];
    if (given === undefined) continue;
    const list = Array.isArray(given) ? given : [given];
    list.forEach((url, j) => {
      const p: FieldPath = Array.isArray(given) ? ['mirrors', cls, j] : ['mirrors', cls];
      if (registryClasses.includes(cls)) {
        if (!isRegistryPrefix(url)) add(p, `"${url}" is not a registry prefix (expected host[/path] without scheme, like docker.m.daocloud.io/calico)`);
      } else if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) {
        add(p, `"${url}" is not a repository URL (expected http:// or https:// and a path ending in /)`);
      } else if (cls === 'kubernetes' && !url.includes('{minor}')) {
        add(p, `"${url}" names no minor (expected a {minor} placeholder, like https://pkgs.k8s.io/core:/stable:/v{minor}/rpm/)`);
      }
    });
  }

  // --- os and ssh
  const os = inv.os ?? {};
  if (os.timezone !== undefined && !/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(os.timezone)) {
    add(['os', 'timezone'], `got "${os.timezone}" (expected a tz database name like Asia/Shanghai or UTC)`);
  }
  (os.ntpServers ?? []).forEach((s, i) => {
    if (parseIPv4(s) === undefined && !isDnsName(s)) add(['os', 'ntpServers', i], `"${s}" is neither an IPv4 address nor a host name (expected e.g. ntp.aliyun.com)`);
  });
  if (inv.ssh) checkSsh(inv.ssh, ['ssh'], add);
  return out;
}

function isRegistryPrefix(s: string): boolean {
  // host[:port][/path...], lowercase path components as registries require
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(s);
}

function checkManifest(m: string, p: FieldPath, ctx: SemanticContext, add: (p: FieldPath, msg: string) => void): void {
  if (/^https?:\/\//.test(m)) return;
  if (/^[a-z]+:\/\//.test(m)) {
    add(p, `"${m}" has an unsupported scheme (expected an http(s) URL or a local file)`);
    return;
  }
  const file = path.resolve(ctx.dir, m.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
  if (!existsSync(file)) add(p, `file ${file} does not exist (expected an http(s) URL or an existing file, relative to the inventory)`);
}

function checkSsh(s: RawSsh, base: FieldPath, add: (p: FieldPath, msg: string) => void): void {
  if (s.password && s.passwordEnv) add([...base, 'passwordEnv'], 'both password and passwordEnv are given (expected only one of them)');
  if (s.sudoPassword && s.sudoPasswordEnv) add([...base, 'sudoPasswordEnv'], 'both sudoPassword and sudoPasswordEnv are given (expected only one of them)');
  if (s.bastion) {
    const b = s.bastion;
    if (parseIPv4(b.host) === undefined && (/^\d+(\.\d+)*$/.test(b.host) || !isDnsName(b.host))) {
      add([...base, 'bastion', 'host'], `"${b.host}" is neither an IPv4 address nor a host name (expected e.g. 203.0.113.10 or jump.example.com)`);
    }
    if (b.password && b.passwordEnv) add([...base, 'bastion', 'passwordEnv'], 'both password and passwordEnv are given (expected only one of them)');
  }
}
