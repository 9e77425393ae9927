/** The API server's anonymous endpoints as curl sees them: /healthz, /livez, /readyz, /version on :6443. */
import type { SimContext } from '../api.ts';
import type { HttpAnswer } from '../registry.ts';
import { apiServerAlive, resolveName } from './connection.ts';
import { minorOf } from './util.ts';

export async function apiServerHttp(ctx: SimContext, url: URL): Promise<HttpAnswer | undefined> {
  if (url.port !== '6443' || url.protocol !== 'https:') return undefined;
  const ip = resolveName(ctx, url.hostname);
  if (!ip) return undefined;
  let alive: boolean;
  if (ip.startsWith('127.')) alive = apiServerAlive(ctx, ctx.peer(ctx.host.name));
  else {
    const host = ctx.hosts().find((h) => h.address === ip);
    if (!host) return undefined;
    const peer = ctx.peer(host.name);
    if (!peer?.running) return { status: 0, body: '', error: 'timeout' };
    alive = apiServerAlive(ctx, peer);
  }
  if (!alive) return { status: 0, body: '', error: 'refused' };
  const path = url.pathname;
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  if (path === '/version') {
    const v = ctx.cluster().kubernetesVersion.replace(/^v/, '');
    const body = JSON.stringify({
      major: '1', minor: String(minorOf(v)), gitVersion: `v${v}`, gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64',
    }, null, 2);
    return { status: 200, body, headers: { 'Content-Type': 'application/json' } };
  }
  return {
    status: 403,
    body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: User "system:anonymous" cannot get path "${path}"`, reason: 'Forbidden', details: {}, code: 403 }, null, 2),
    headers: { 'Content-Type': 'application/json' },
  };
}
