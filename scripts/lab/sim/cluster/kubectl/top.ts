/** kubectl top nodes / pods: only through a Ready metrics-server (the Metrics API), figures from the hosts. */
import type { CommandResult } from '../../api.ts';
import { formatTable } from '../table.ts';
import { hashHex, matchesRequirements, parseSelector } from '../util.ts';
import { bool, flag } from './args.ts';
import type { Kc } from './kc.ts';

const NOT_AVAILABLE: CommandResult = { code: 1, stdout: '', stderr: 'error: Metrics API not available\n' };
const jitter = (s: string, n: number): number => parseInt(hashHex(s).slice(0, 6), 16) % n;

export function top(kc: Kc): CommandResult {
  const view = kc.view();
  const api = view.objects.find((o) => o.kind === 'APIService' && o.metadata.name === 'v1beta1.metrics.k8s.io');
  if (!api || !view.metricsReady) return NOT_AVAILABLE;
  const [, what, name] = kc.args.words;
  if (/^(nodes?|no)$/.test(what ?? '')) {
    const nodes = view.nodes.filter((n) => !name || n.name === name);
    if (name && nodes.length === 0) return { code: 1, stdout: '', stderr: `Error from server (NotFound): nodes.metrics.k8s.io "${name}" not found\n` };
    const rows = nodes.map((n) => {
      if (!n.kubeletActive || !n.peer) return [n.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>'];
      const pods = view.pods.filter((p) => p.nodeName === n.name && p.status === 'Running').length;
      const cpu = 60 + pods * 25 + jitter(n.name, 40);
      const mem = 600 + pods * 45 + jitter(`${n.name}/mem`, 120);
      return [n.name, `${cpu}m`, `${Math.round((cpu / (n.peer.host.cpus * 1000)) * 100)}%`, `${mem}Mi`, `${Math.round((mem / n.peer.host.memoryMiB) * 100)}%`];
    });
    return { code: 0, stdout: formatTable(bool(kc.args, 'no-headers') ? undefined : ['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'], rows), stderr: '' };
  }
  if (/^(pods?|po)$/.test(what ?? '')) {
    const sel = flag(kc.args, 'selector');
    const reqs = sel ? parseSelector(sel) : [];
    const pods = view.pods.filter((p) => p.status === 'Running' && (kc.allNamespaces || p.pod.metadata.namespace === kc.namespace) &&
      (!name || p.pod.metadata.name === name) && matchesRequirements(p.pod.metadata.labels, reqs));
    if (pods.length === 0) {
      if (name) return { code: 1, stdout: '', stderr: `Error from server (NotFound): pods "${name}" not found\n` };
      return { code: 0, stdout: '', stderr: kc.allNamespaces ? 'No resources found\n' : `No resources found in ${kc.namespace} namespace.\n` };
    }
    const rows = pods.map((p) => {
      const id = `${p.pod.metadata.namespace}/${p.pod.metadata.name}`;
      const r = [p.pod.metadata.name, `${1 + jitter(id, 30)}m`, `${8 + jitter(`${id}/m`, 60)}Mi`];
      return kc.allNamespaces ? [p.pod.metadata.namespace ?? '', ...r] : r;
    });
    const headers = [...(kc.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)'];
    return { code: 0, stdout: formatTable(bool(kc.args, 'no-headers') ? undefined : headers, rows), stderr: '' };
  }
  return { code: 127, stdout: '', stderr: `lab: unsupported command: kubectl ${kc.sim.argv.slice(1).join(' ')}\n` };
}
