/** After `up`: one row per node (Ready, roles, version, internal IP, proxyMode, pods running), read over the run's SSH connections. */
import type { Cluster } from '../inventory/model.ts';
import type { Host } from '../hosts/host.ts';

export interface NodeRow {
  node: string;
  ready: string;
  roles: string;
  version: string;
  internalIp: string;
  proxyMode: string;
  /** "running/total" pods bound to the node */
  pods: string;
}

const KUBECTL = 'kubectl --kubeconfig=/etc/kubernetes/admin.conf';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function items(json: string, what: string): Obj[] {
  try {
    return list(obj(JSON.parse(json)).items).map(obj);
  } catch {
    throw new Error(`kubectl get ${what} -o json did not print JSON`);
  }
}

/** Rows from `kubectl get nodes/pods -o json` and each host's kube-proxy /proxyMode answer (keyed by node name). */
export function nodeRows(nodesJson: string, podsJson: string, proxyModes: Record<string, string>): NodeRow[] {
  const pods = items(podsJson, 'pods');
  return items(nodesJson, 'nodes').map((n) => {
    const meta = obj(n.metadata);
    const status = obj(n.status);
    const name = text(meta.name);
    const labels = obj(meta.labels);
    const roles = Object.keys(labels).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort();
    const ready = list(status.conditions).map(obj).find((c) => c.type === 'Ready');
    const ip = list(status.addresses).map(obj).find((a) => a.type === 'InternalIP');
    const mine = pods.filter((p) => text(obj(p.spec).nodeName) === name);
    const running = mine.filter((p) => text(obj(p.status).phase) === 'Running').length;
    return {
      node: name,
      ready: ready ? (text(ready.status) === 'True' ? 'Ready' : 'NotReady') : 'Unknown',
      roles: roles.length ? roles.join(',') : '<none>',
      version: text(obj(status.nodeInfo).kubeletVersion),
      internalIp: text(ip?.address),
      proxyMode: proxyModes[name] || '?',
      pods: `${running}/${mine.length}`,
    };
  });
}

export function formatRows(rows: NodeRow[]): string {
  const head = ['NODE', 'STATUS', 'ROLES', 'VERSION', 'INTERNAL-IP', 'PROXY-MODE', 'PODS-RUNNING'];
  const cells = [head, ...rows.map((r) => [r.node, r.ready, r.roles, r.version, r.internalIp, r.proxyMode, r.pods])];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return cells.map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] + 3))).join('')).join('\n') + '\n';
}

/** Read the rows over the hosts of the run; failures name the host. */
export async function readNodeRows(cluster: Cluster, master: Host, hostOf: (name: string) => Host): Promise<NodeRow[]> {
  const get = async (what: string): Promise<string> => {
    const r = await master.run(`${KUBECTL} get ${what} -o json`, { sudo: true, timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`${master.name}: kubectl get ${what} failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
    return r.stdout;
  };
  const [nodesJson, podsJson] = [await get('nodes'), await get('pods --all-namespaces')];
  const modes: Record<string, string> = {};
  await Promise.all(cluster.hosts.map(async (h) => {
    const r = await hostOf(h.name).run('curl -s --max-time 5 http://127.0.0.1:10249/proxyMode', { timeoutMs: 15_000 });
    modes[h.name] = r.code === 0 ? r.stdout.trim() : '';
  }));
  return nodeRows(nodesJson, podsJson, modes);
}
