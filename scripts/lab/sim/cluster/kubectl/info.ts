/** kubectl version / cluster-info / api-resources. */
import type { CommandResult } from '../../api.ts';
import { resourceTypes } from '../resources.ts';
import { formatTable } from '../table.ts';
import { getObject } from '../store.ts';
import { hashHex, minorOf } from '../util.ts';
import { bool, flag } from './args.ts';
import type { Kc } from './kc.ts';
import { toJson, toYaml } from './output.ts';

/** Known release builds; other versions get a stable stand-in commit. */
const BUILDS: Record<string, { commit: string; date: string; go: string }> = {
  '1.23.17': { commit: '953be8927218ec8067e1af2641e540238ffd7576', date: '2023-02-22T13:34:27Z', go: 'go1.19.6' },
};

function info(version: string): Record<string, string> {
  const v = version.replace(/^v/, '');
  const [major, minor] = v.split('.');
  const b = BUILDS[v] ?? { commit: hashHex(`kubernetes v${v}`).slice(0, 40), date: '2024-01-01T00:00:00Z', go: minorOf(v) >= 30 ? 'go1.22.5' : 'go1.20.10' };
  return { major, minor, gitVersion: `v${v}`, gitCommit: b.commit, gitTreeState: 'clean', buildDate: b.date, goVersion: b.go, compiler: 'gc', platform: 'linux/amd64' };
}

const goStruct = (i: Record<string, string>): string =>
  `version.Info{Major:"${i.major}", Minor:"${i.minor}", GitVersion:"${i.gitVersion}", GitCommit:"${i.gitCommit}", GitTreeState:"${i.gitTreeState}", BuildDate:"${i.buildDate}", GoVersion:"${i.goVersion}", Compiler:"${i.compiler}", Platform:"${i.platform}"}`;

/** serverVersion undefined: the server could not be reached (the caller prints the connection error). */
export function version(kc: Kc | undefined, clientVersion: string, args: { client: boolean; short: boolean; output?: string }, serverVersion: string | undefined): CommandResult {
  const ci = info(clientVersion);
  const si = serverVersion ? info(serverVersion) : undefined;
  const minor = minorOf(clientVersion);
  const kustomize = minor >= 27 ? 'v5.0.1' : minor >= 24 ? 'v4.5.4' : undefined;
  if (args.output === 'json' || args.output === 'yaml') {
    const data: Record<string, unknown> = { clientVersion: ci, ...(kustomize ? { kustomizeVersion: kustomize } : {}), ...(si && !args.client ? { serverVersion: si } : {}) };
    return { code: 0, stdout: args.output === 'json' ? toJson(data) : toYaml(data), stderr: '' };
  }
  const short = minor >= 28 || args.short;
  let out = '';
  let err = '';
  if (short) {
    out += `Client Version: ${ci.gitVersion}\n`;
    if (kustomize) out += `Kustomize Version: ${kustomize}\n`;
    if (si && !args.client) out += `Server Version: ${si.gitVersion}\n`;
  } else {
    if (minor >= 24) err += 'WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.\n';
    out += `Client Version: ${goStruct(ci)}\n`;
    if (kustomize) out += `Kustomize Version: ${kustomize}\n`;
    if (si && !args.client) out += `Server Version: ${goStruct(si)}\n`;
  }
  void kc;
  return { code: 0, stdout: out, stderr: err };
}

export function clusterInfo(kc: Kc, server: string): CommandResult {
  if (kc.args.words[1] === 'dump') return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
  let out = `Kubernetes control plane is running at ${server}\n`;
  const dns = getObject(kc.cluster, 'Service', 'kube-system', 'kube-dns');
  if (dns && dns.metadata.labels?.['kubernetes.io/cluster-service'] === 'true') {
    const name = dns.metadata.labels?.['kubernetes.io/name'] ?? 'CoreDNS';
    out += `${name} is running at ${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n`;
  }
  out += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
  return { code: 0, stdout: out, stderr: '' };
}

export function apiResources(kc: Kc): CommandResult {
  const minor = minorOf(kc.cluster.kubernetesVersion);
  const nsFilter = flag(kc.args, 'namespaced');
  const rows = resourceTypes(kc.cluster)
    .map((t) => {
      const v = t.versions.find((x) => !(t.removedIn && t.removedIn[x] !== undefined && minor >= t.removedIn[x])) ?? t.versions[0];
      return { t, apiVersion: t.group ? `${t.group}/${v}` : v };
    })
    .filter(({ t }) => nsFilter === undefined || String(t.namespaced) === nsFilter)
    .sort((a, b) => a.t.group.localeCompare(b.t.group) || a.t.plural.localeCompare(b.t.plural));
  if (flag(kc.args, 'output') === 'name') {
    return { code: 0, stdout: rows.map(({ t }) => (t.group ? `${t.plural}.${t.group}` : t.plural)).join('\n') + '\n', stderr: '' };
  }
  const table = rows.map(({ t, apiVersion }) => [t.plural, t.shortNames.join(','), apiVersion, String(t.namespaced), t.kind]);
  return { code: 0, stdout: formatTable(bool(kc.args, 'no-headers') ? undefined : ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], table), stderr: '' };
}
