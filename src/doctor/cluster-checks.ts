/**
 * Doctor's cluster checks, from one exec on the init master: nodes (kubectl get nodes),
 * pods (kubectl get pods -A) and certificates (kubeadm certs check-expiration).
 */
import { expiringWithin, parseCheckExpiration } from '../cluster/cert-expiry.ts';
import { nodeSchema, parseList, podSchema } from '../cluster/kube-json.ts';
import { diagnoseNode } from '../cluster/node-diagnosis.ts';
import { groupPodProblems } from '../cluster/pod-diagnosis.ts';
import type { CheckResult } from './types.ts';

const KC = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const MARK = '==kf-doctor==';

export const CLUSTER_SCRIPT = `${KC} get nodes -o json 2>&1; echo "${MARK} nodes $?"
${KC} get pods -A -o json 2>&1; echo "${MARK} pods $?"
kubeadm certs check-expiration 2>&1; echo "${MARK} certs $?"
exit 0
`;

export interface Sections {
  [name: string]: { text: string; code: number };
}

/** Output split at the markers: each command's text (stdout and stderr) and exit code. */
export function splitSections(stdout: string): Sections {
  const out: Sections = {};
  let buf: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${MARK} (\\S+) (\\d+)$`).exec(line);
    if (m) {
      out[m[1]] = { text: buf.join('\n'), code: Number(m[2]) };
      buf = [];
    } else buf.push(line);
  }
  return out;
}

const firstLine = (s: string): string => s.trim().split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';

export function clusterChecks(stdout: string, nowMs: number): CheckResult[] {
  const sec = splitSections(stdout);
  const out: CheckResult[] = [];
  const badNodes = new Set<string>();
  const nodes = sec.nodes;
  if (!nodes || nodes.code !== 0) {
    const why = firstLine(nodes?.text ?? 'no output');
    const notInit = /admin\.conf: no such file/.test(why);
    out.push({
      check: 'api-server', host: 'cluster', status: 'fail', detail: notInit ? `the cluster is not initialised (${why})` : `kubectl get nodes failed: ${why}`,
      fix: notInit ? 'kubeforge up -i <inventory>' : 'on the init master: systemctl status kubelet; crictl ps / docker ps | grep kube-apiserver; journalctl -u kubelet -n 50',
    });
  } else {
    const list = parseList(nodes.text, nodeSchema, 'nodes');
    const problems = list.flatMap(diagnoseNode);
    for (const p of problems) out.push({ check: `node ${p.state}`, host: p.node, status: p.severity, detail: `${p.reason}: ${p.message}`, fix: p.fix });
    const bad = new Set(problems.filter((p) => p.severity === 'fail').map((p) => p.node));
    for (const n of bad) badNodes.add(n);
    out.push({ check: 'nodes Ready', host: 'cluster', status: bad.size ? 'fail' : 'ok', detail: `${list.length - bad.size}/${list.length} Ready`, ...(bad.size ? { fix: 'see the node rows above' } : {}) });
  }
  // pods need the same API server: the api-server row already says it is down
  const pods = nodes && nodes.code === 0 ? sec.pods : undefined;
  if (pods && pods.code === 0) {
    const list = parseList(pods.text, podSchema, 'pods');
    const groups = groupPodProblems(list, badNodes);
    for (const g of groups) {
      const names = g.pods.map((p) => `${p.namespace}/${p.name}${p.node ? ` on ${p.node}` : ''}`);
      const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
      const msg = g.pods[0].message ? ` (${g.pods[0].reason}: ${g.pods[0].message.slice(0, 300)})` : ` (${g.pods[0].reason})`;
      const nodes = [...new Set(g.pods.map((p) => p.node).filter((n): n is string => !!n))];
      out.push({ check: `pods ${g.cause}`, host: nodes.length ? nodes.join(',') : 'cluster', status: 'fail', detail: `${g.pods.length} pod(s): ${shown}${msg}`, fix: g.fix });
    }
    if (groups.length === 0) out.push({ check: 'pods', host: 'cluster', status: 'ok', detail: `${list.length} pods running or completed` });
  } else if (pods) {
    out.push({ check: 'pods', host: 'cluster', status: 'fail', detail: `kubectl get pods failed: ${firstLine(pods.text)}`, fix: 'check the API server (see api-server)' });
  }
  const certs = sec.certs;
  const notInitialised = out.some((r) => r.check === 'api-server' && r.detail.startsWith('the cluster is not initialised'));
  if (notInitialised) return out;
  if (certs && certs.code === 0) {
    const all = parseCheckExpiration(certs.text);
    const soon = expiringWithin(all, nowMs, 30);
    if (all.length === 0) out.push({ check: 'certificates', host: 'cluster', status: 'warn', detail: 'kubeadm certs check-expiration listed no certificates' });
    else if (soon.length === 0) {
      const first = [...all].sort((a, b) => a.expiresMs - b.expiresMs)[0];
      out.push({ check: 'certificates', host: 'cluster', status: 'ok', detail: `${all.length} certificates; the first to expire is ${first.name} in ${first.residual}` });
    } else {
      for (const c of soon) {
        const expired = c.expiresMs <= nowMs;
        out.push({
          check: 'certificate expiry', host: 'cluster', status: 'fail',
          detail: `${c.name}${c.authority ? ' (CA)' : ''} ${expired ? 'has expired' : `expires in ${c.residual}`} (${new Date(c.expiresMs).toISOString()})`,
          fix: c.authority ? 'a CA cannot be renewed by kubeadm certs renew: plan a CA rotation (kubernetes.io: manual rotation of CA certificates)' : 'on every control plane: kubeadm certs renew all, then restart the control-plane static pods (move the manifests out of /etc/kubernetes/manifests and back) and refresh admin kubeconfigs',
        });
      }
    }
  } else if (certs) {
    out.push({ check: 'certificates', host: 'cluster', status: 'warn', detail: `kubeadm certs check-expiration failed: ${firstLine(certs.text)}` });
  }
  return out;
}
