/**
 * kube-proxy on a node as other tools see it: http://127.0.0.1:10249/proxyMode, and `ipvsadm`
 * listing the virtual servers it programs in ipvs mode.
 */
import type { CommandResult, SimContext } from '../api.ts';
import type { HttpAnswer } from '../registry.ts';
import { apiServerAlive } from './connection.ts';
import { reconcile, type ClusterView } from './reconcile.ts';
import { proxyStart } from './proxymode.ts';
import { arr, dig, isObject, matchesRequirements, rec, str } from './util.ts';

/** The mode of the kube-proxy pod running on this host, or undefined when none runs here. */
export function proxyModeHere(ctx: SimContext, view: ClusterView = reconcile(ctx)): string | undefined {
  const node = view.nodes.find((n) => n.peer?.host.name === ctx.host.name);
  if (!node || !node.kubeletActive) return undefined;
  const pod = view.pods.find((p) => p.nodeName === node.name && p.ownerKind === 'DaemonSet' && p.ownerName === 'kube-proxy' && p.status === 'Running');
  if (!pod || !node.peer) return undefined;
  return proxyStart(ctx.cluster(), pod.pod.metadata.name, node.peer).start.effective;
}

export async function proxyModeHttp(ctx: SimContext, url: URL): Promise<HttpAnswer | undefined> {
  if (url.port !== '10249' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  const mode = proxyModeHere(ctx);
  if (mode === undefined) return { status: 0, body: '', error: 'refused' };
  if (url.pathname === '/proxyMode') return { status: 200, body: mode, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  if (url.pathname === '/healthz') return { status: 200, body: 'ok' };
  return { status: 404, body: '404 page not found\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
}

interface VirtualServer { proto: string; vip: string; port: number; reals: { ip: string; port: number }[] }

/** The virtual servers kube-proxy programs: one per Service port, its ready endpoints as real servers. */
function virtualServers(ctx: SimContext, view: ClusterView): VirtualServer[] {
  const out: VirtualServer[] = [];
  const cluster = ctx.cluster();
  for (const svc of view.objects.filter((o) => o.kind === 'Service')) {
    const ip = str(dig(svc, 'spec', 'clusterIP'));
    if (!ip || ip === 'None') continue;
    for (const p of arr(dig(svc, 'spec', 'ports')).filter(isObject)) {
      const port = Number(p.port);
      let reals: { ip: string; port: number }[] = [];
      if (svc.metadata.name === 'kubernetes' && svc.metadata.namespace === 'default') {
        reals = cluster.controlPlaneHosts.map((h) => ctx.peer(h)).filter((peer) => peer && apiServerAlive(ctx, peer))
          .map((peer) => ({ ip: peer?.host.address ?? '', port: 6443 }));
      } else {
        const sel = rec(dig(svc, 'spec', 'selector'));
        const reqs = Object.entries(sel).map(([key, v]) => ({ key, op: '=' as const, values: [str(v)] }));
        if (!reqs.length) continue;
        const target = p.targetPort;
        reals = view.pods.filter((pv) => pv.ready && pv.pod.metadata.namespace === svc.metadata.namespace && matchesRequirements(pv.pod.metadata.labels, reqs))
          .map((pv) => {
            let tp = typeof target === 'number' ? target : port;
            if (typeof target === 'string') {
              for (const c of arr(dig(pv.pod, 'spec', 'containers')).filter(isObject)) {
                const named = arr(c.ports).find((cp) => isObject(cp) && cp.name === target);
                if (isObject(named)) tp = Number(named.containerPort);
              }
            }
            return { ip: str(dig(pv.pod, 'status', 'podIP')), port: tp };
          })
          .filter((r) => r.ip);
      }
      out.push({ proto: str(p.protocol, 'TCP'), vip: ip, port, reals });
    }
  }
  const ipNum = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  return out.sort((a, b) => a.proto.localeCompare(b.proto) || ipNum(a.vip) - ipNum(b.vip) || a.port - b.port);
}

const RESYNC_MS = 30_000;

export async function ipvsadm(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const rt = ctx.runtime();
  if (!rt.modules.includes('ip_vs')) {
    return { code: 1, stdout: '', stderr: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n" };
  }
  const joined = args.join(' ');
  if (args.length === 1 && (args[0] === '-C' || args[0] === '--clear')) {
    rt.extra.ipvsClearedAt = ctx.now();
    ctx.save();
    return { code: 0, stdout: '', stderr: '' };
  }
  const list = /^(-L|-l|--list)( -n| --numeric)?$|^-L?n?L$|^-[Ll]n$|^-n -L$/.test(joined) || joined === '';
  if (!list) {
    return { code: 127, stdout: '', stderr: `lab: unsupported command: ipvsadm ${joined}\n` };
  }
  let out = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  const view = reconcile(ctx);
  const cleared = typeof rt.extra.ipvsClearedAt === 'number' && ctx.now() - rt.extra.ipvsClearedAt < RESYNC_MS;
  if (!cleared && proxyModeHere(ctx, view) === 'ipvs') {
    for (const vs of virtualServers(ctx, view)) {
      out += `${vs.proto.padEnd(4)} ${vs.vip}:${vs.port} rr\n`;
      // ipvsadm's "  -> %-28s %-7s %-6d %-10u %-10u" row
      for (const r of vs.reals) out += `  -> ${`${r.ip}:${r.port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}\n`;
    }
  }
  return { code: 0, stdout: out, stderr: '' };
}
