/**
 * kubectl logs: a few klog lines per component that carry what a diagnosis needs (kube-proxy's
 * proxier and IPVS fallback, metrics-server's scrape errors, a crash's cause), and the API
 * server's refusals for pods without running containers.
 */
import type { CommandResult } from '../../api.ts';
import { proxyStart, IPVS_MODULES } from '../proxymode.ts';
import type { PodView } from '../reconcile.ts';
import { arr, dig, isObject, matchesRequirements, parseSelector, str } from '../util.ts';
import { bool, flag, flags } from './args.ts';
import type { Kc } from './kc.ts';

const fail = (msg: string): CommandResult => ({ code: 1, stdout: '', stderr: `${msg}\n` });

/** klog's header: Lmmdd hh:mm:ss.uuuuuu threadid file:line] */
function klog(level: 'I' | 'W' | 'E', t: number, file: string, msg: string): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${level}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}       1 ${file}] ${msg}`;
}

function linesFor(kc: Kc, pv: PodView, container: string): string[] {
  const t = Date.parse(pv.pod.metadata.creationTimestamp ?? '') || kc.sim.now();
  const owner = pv.ownerName ?? '';
  if (owner === 'kube-proxy') {
    const node = kc.view().nodes.find((n) => n.name === pv.nodeName);
    if (!node?.peer) return [];
    const { start } = proxyStart(kc.cluster, pv.pod.metadata.name, node.peer);
    if (start.error) return [klog('E', t, 'run.go:74', `"command failed" err="${start.error.replace(/"/g, '\\"')}"`)];
    const out = [klog('I', t, 'node.go:163', `Successfully retrieved node IP: ${node.address ?? ''}`), klog('I', t, 'server_others.go:138', '"Detected node IP" address="' + (node.address ?? '') + '"')];
    if (start.configured === 'ipvs' && start.effective !== 'ipvs') {
      const missing = IPVS_MODULES.filter((m) => !node.peer?.runtime().modules.includes(m));
      const why = missing.length ? `IPVS proxier will not be used because the following required kernel modules are not loaded: [${missing.join(' ')}]` : 'IPVS proxier will not be used because ipset is not installed';
      out.push(klog('E', t, 'server_others.go:204', `"Can't use the IPVS proxier" err="${why}"`));
    }
    out.push(klog('I', t, 'server_others.go:206', `"Using ${start.effective} Proxier"`));
    return out;
  }
  if (/metrics-server/.test(str(arr(dig(pv.pod, 'spec', 'containers')).filter(isObject)[0]?.image))) {
    const out = [klog('I', t, 'serving.go:342', 'Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)'), klog('I', t, 'secure_serving.go:267', 'Serving securely on [::]:4443')];
    if (!pv.ready) {
      for (const n of kc.view().nodes) {
        out.push(klog('E', t + 15_000, 'scraper.go:140', `"Failed to scrape node" err="Get \\"https://${n.address ?? ''}:10250/metrics/resource\\": x509: cannot validate certificate for ${n.address ?? ''} because it doesn't contain any IP SANs" node="${n.name}"`));
      }
      out.push(klog('I', t + 20_000, 'server.go:187', '"Failed probe" probe="metric-storage-ready" err="no metrics to serve"'));
    }
    return out;
  }
  return [klog('I', t, 'main.go:40', `${container} started`)];
}

export function logs(kc: Kc): CommandResult {
  // -p and -f are logs' own short flags (--previous, --follow), not patch / filename
  const words = [...flags(kc.args, 'patch'), ...flags(kc.args, 'filename'), ...kc.args.words.slice(1)];
  const previous = bool(kc.args, 'previous') || flags(kc.args, 'patch').length > 0;
  const view = kc.view();
  const inNs = view.pods.filter((p) => p.pod.metadata.namespace === kc.namespace);
  let pv: PodView | undefined;
  const selector = flag(kc.args, 'selector');
  if (selector) {
    const reqs = parseSelector(selector);
    pv = inNs.find((p) => matchesRequirements(p.pod.metadata.labels, reqs));
    if (!pv) return { code: 0, stdout: '', stderr: `No resources found in ${kc.namespace} namespace.\n` };
  } else {
    const target = words[0];
    if (!target) return fail('error: expected \'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]\'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee \'kubectl logs -h\' for help and examples');
    const m = /^(?:(pods?|po|deploy|deployments?|ds|daemonsets?)\/)?(.+)$/.exec(target) ?? ['', '', target];
    const kind = m[1] ?? '';
    const name = m[2];
    if (/^(deploy|deployment|deployments)$/.test(kind)) pv = inNs.find((p) => p.ownerKind === 'Deployment' && p.ownerName === name);
    else if (/^(ds|daemonset|daemonsets)$/.test(kind)) pv = inNs.find((p) => p.ownerKind === 'DaemonSet' && p.ownerName === name);
    else pv = inNs.find((p) => p.pod.metadata.name === name);
    if (!pv) {
      if (kind && !/^pods?|po$/.test(kind)) return fail(`Error from server (NotFound): ${/^d(eploy|s)/.test(kind) ? (kind.startsWith('ds') || kind.startsWith('daemon') ? 'daemonsets.apps' : 'deployments.apps') : 'pods'} "${name}" not found`);
      return fail(`Error from server (NotFound): pods "${name}" not found`);
    }
  }
  const podName = pv.pod.metadata.name;
  const containers = arr(dig(pv.pod, 'spec', 'containers')).filter(isObject).map((c) => str(c.name));
  const inits = arr(dig(pv.pod, 'spec', 'initContainers')).filter(isObject).map((c) => str(c.name));
  let container = flag(kc.args, 'container');
  if (!container) {
    if (containers.length > 1) {
      return fail(`error: a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
    }
    container = containers[0];
  } else if (!containers.includes(container) && !inits.includes(container)) {
    return fail(`error: container ${container} is not valid for pod ${podName}`);
  }
  if (!pv.nodeName) return fail(`Error from server (BadRequest): pod ${podName} does not have a host assigned`);
  if (previous) {
    if (pv.restarts === 0) return fail(`Error from server (BadRequest): previous terminated container "${container}" in pod "${podName}" not found`);
    return { code: 0, stdout: linesFor(kc, pv, container).join('\n') + '\n', stderr: '' };
  }
  const waiting = /ContainerCreating|ImagePullBackOff|ErrImagePull|^Init:|Pending/.exec(pv.status);
  if (waiting) {
    const reason = /ImagePullBackOff|ErrImagePull/.test(pv.status) && !pv.status.startsWith('Init:') ? 'trying and failing to pull image' : pv.status.startsWith('Init:') ? 'PodInitializing' : 'ContainerCreating';
    return fail(`Error from server (BadRequest): container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  let lines = linesFor(kc, pv, container);
  const tail = flag(kc.args, 'tail');
  if (tail !== undefined && Number(tail) >= 0) lines = lines.slice(-Number(tail));
  return { code: 0, stdout: lines.length ? lines.join('\n') + '\n' : '', stderr: '' };
}
