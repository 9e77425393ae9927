/** kubectl get --raw PATH: the API server's own endpoints and the metrics API. */
import type { CommandResult } from '../../api.ts';
import { toJson } from './output.ts';
import type { Kc } from './kc.ts';
import { minorOf } from '../util.ts';

export function rawGet(kc: Kc, path: string): CommandResult {
  const p = path.split('?')[0];
  if (['/healthz', '/livez', '/readyz'].includes(p)) return { code: 0, stdout: 'ok', stderr: '' };
  if (p === '/version') {
    const v = kc.cluster.kubernetesVersion.replace(/^v/, '');
    return { code: 0, stdout: JSON.stringify({ major: '1', minor: String(minorOf(v)), gitVersion: `v${v}`, gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64' }, null, 2), stderr: '' };
  }
  if (p.startsWith('/apis/metrics.k8s.io/')) {
    const view = kc.view();
    const api = view.objects.find((o) => o.kind === 'APIService' && o.metadata.name === 'v1beta1.metrics.k8s.io');
    if (!api) return { code: 1, stdout: '', stderr: 'Error from server (NotFound): the server could not find the requested resource\n' };
    if (!view.metricsReady) return { code: 1, stdout: '', stderr: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n' };
    if (p === '/apis/metrics.k8s.io/v1beta1/nodes') {
      const items = view.nodes.filter((n) => n.kubeletActive).map((n) => ({ metadata: { name: n.name }, timestamp: new Date(view.now).toISOString(), window: '15s', usage: { cpu: '100m', memory: '700Mi' } }));
      return { code: 0, stdout: toJson({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }).trimEnd(), stderr: '' };
    }
  }
  return { code: 1, stdout: '', stderr: 'Error from server (NotFound): the server could not find the requested resource\n' };
}
