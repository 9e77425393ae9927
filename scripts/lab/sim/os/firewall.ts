/**
 * firewall-cmd over firewalld's state: the permanent zone in /etc/firewalld/zones/public.xml
 * (the package default when absent) and the runtime copy loaded when firewalld starts.
 */
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { readHost, writeHost } from './host.ts';

export interface Zone {
  services: string[];
  ports: string[];
  protocols: string[];
  sources: string[];
  masquerade: boolean;
}

const KNOWN_SERVICES = ['ssh', 'dhcpv6-client', 'cockpit', 'http', 'https', 'ntp', 'dns', 'kube-apiserver', 'etcd-client', 'etcd-server', 'kubelet', 'bgp', 'high-availability', 'nfs', 'samba'];

export function defaultZone(ctx: SimContext): Zone {
  return { services: ctx.host.os === 'rocky9' ? ['cockpit', 'dhcpv6-client', 'ssh'] : ['dhcpv6-client', 'ssh'], ports: [], protocols: [], sources: [], masquerade: false };
}

export function permanentZone(ctx: SimContext): Zone {
  const xml = readHost(ctx, '/etc/firewalld/zones/public.xml');
  if (xml === undefined) return defaultZone(ctx);
  const attr = (tag: string, a: string): string[] => [...xml.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${a}="([^"]*)"`, 'g'))].map((m) => m[1]);
  const ports = [...xml.matchAll(/<port\b([^>]*)\/?>/g)].map((m) => {
    const port = /port="([^"]*)"/.exec(m[1])?.[1];
    const proto = /protocol="([^"]*)"/.exec(m[1])?.[1];
    return `${port}/${proto}`;
  });
  return { services: attr('service', 'name'), ports, protocols: attr('protocol', 'value'), sources: attr('source', 'address'), masquerade: /<masquerade\s*\/>/.test(xml) };
}

function writePermanent(ctx: SimContext, z: Zone): void {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<zone>', '  <short>Public</short>',
    '  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>',
    ...z.services.map((s) => `  <service name="${s}"/>`),
    ...z.ports.map((p) => `  <port protocol="${p.split('/')[1]}" port="${p.split('/')[0]}"/>`),
    ...z.protocols.map((p) => `  <protocol value="${p}"/>`),
    ...z.sources.map((s) => `  <source address="${s}"/>`),
    ...(z.masquerade ? ['  <masquerade/>'] : []), '</zone>'];
  writeHost(ctx, '/etc/firewalld/zones/public.xml', lines.join('\n') + '\n', 0o644);
}

export const running = (ctx: SimContext): boolean => ctx.runtime().services.firewalld?.active === 'active';

export function runtimeZone(ctx: SimContext): Zone {
  const rt = ctx.runtime();
  if (!rt.extra.firewalldRuntime) rt.extra.firewalldRuntime = permanentZone(ctx);
  return rt.extra.firewalldRuntime as Zone;
}

const validPort = (p: string): boolean => {
  const m = /^(\d+)(?:-(\d+))?\/(tcp|udp|sctp|dccp)$/.exec(p);
  return !!m && +m[1] > 0 && +m[1] <= 65535 && (!m[2] || (+m[2] <= 65535 && +m[2] >= +m[1]));
};

function listAll(ctx: SimContext, z: Zone): string {
  const el9 = ctx.host.os === 'rocky9';
  return [
    `public (active)`, `  target: default`, `  icmp-block-inversion: no`, `  interfaces: eth0`, `  sources: ${z.sources.join(' ')}`,
    `  services: ${z.services.join(' ')}`, `  ports: ${z.ports.join(' ')}`, `  protocols: ${z.protocols.join(' ')}`,
    ...(el9 ? ['  forward: yes'] : []), `  masquerade: ${z.masquerade ? 'yes' : 'no'}`, `  forward-ports: `, `  source-ports: `,
    `  icmp-blocks: `, `  rich rules: `, '\t',
  ].join('\n') + '\n';
}

export async function firewallCmd(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const permanent = args.includes('--permanent');
  const ops = args.filter((a) => a !== '--permanent' && !a.startsWith('--zone=') && a !== '-q' && a !== '--quiet');
  if (ops.length === 0) return unsupported(ctx);
  if (ops[0] === '--state') return running(ctx) ? ok('running\n') : { code: 252, stdout: '', stderr: 'not running\n' };
  if (ops[0] === '--version') return ok(ctx.host.os === 'centos7' ? '0.6.3\n' : '1.3.4\n');
  if (!running(ctx)) return { code: 252, stdout: '', stderr: 'FirewallD is not running\n' };
  if (ctx.uid !== 0) return fail(253, 'Authorization failed.\n    Make sure polkit agent is running or run the application as superuser.\n');
  const z = permanent ? permanentZone(ctx) : runtimeZone(ctx);
  let out = '';
  const warn: string[] = [];
  let changed = false;
  for (const op of ops) {
    const eq = op.indexOf('=');
    const key = eq > 0 ? op.slice(0, eq) : op;
    const val = eq > 0 ? op.slice(eq + 1) : '';
    const addTo = (list: string[], item: string, label: string): void => {
      if (list.includes(item)) warn.push(`Warning: ALREADY_ENABLED: ${label}`);
      else {
        list.push(item);
        changed = true;
      }
    };
    const removeFrom = (list: string[], item: string, label: string): void => {
      const i = list.indexOf(item);
      if (i < 0) warn.push(`Warning: NOT_ENABLED: ${label}`);
      else {
        list.splice(i, 1);
        changed = true;
      }
    };
    switch (key) {
      case '--reload':
      case '--complete-reload':
        ctx.runtime().extra.firewalldRuntime = permanentZone(ctx);
        out = 'success\n';
        break;
      case '--runtime-to-permanent':
        writePermanent(ctx, runtimeZone(ctx));
        out = 'success\n';
        break;
      case '--get-default-zone':
        out += 'public\n';
        break;
      case '--get-active-zones':
        out += 'public\n  interfaces: eth0\n';
        break;
      case '--list-all':
        out += listAll(ctx, z);
        break;
      case '--list-ports':
        out += z.ports.join(' ') + '\n';
        break;
      case '--list-services':
        out += z.services.join(' ') + '\n';
        break;
      case '--list-protocols':
        out += z.protocols.join(' ') + '\n';
        break;
      case '--query-port':
        return z.ports.includes(val) ? ok('yes\n') : { code: 1, stdout: 'no\n', stderr: '' };
      case '--add-port':
      case '--remove-port':
        if (!validPort(val)) return fail(102, `Error: INVALID_PORT: ${val.split('/')[0]}\n`);
        (key === '--add-port' ? addTo : removeFrom)(z.ports, val, val.replace('/', ':'));
        out = 'success\n';
        break;
      case '--add-service':
      case '--remove-service':
        if (!KNOWN_SERVICES.includes(val)) return fail(101, `Error: INVALID_SERVICE: ${val}\n`);
        if (key === '--add-service') addTo(z.services, val, `'${val}' already in 'public'`);
        else removeFrom(z.services, val, `'${val}' not in 'public'`);
        out = 'success\n';
        break;
      case '--add-protocol':
      case '--remove-protocol':
        (key === '--add-protocol' ? addTo : removeFrom)(z.protocols, val, val);
        out = 'success\n';
        break;
      case '--add-source':
      case '--remove-source':
        (key === '--add-source' ? addTo : removeFrom)(z.sources, val, val);
        out = 'success\n';
        break;
      case '--add-masquerade':
        if (z.masquerade) warn.push("Warning: ALREADY_ENABLED: masquerade already enabled in 'public'");
        z.masquerade = true;
        changed = true;
        out = 'success\n';
        break;
      case '--remove-masquerade':
        z.masquerade = false;
        changed = true;
        out = 'success\n';
        break;
      default:
        return unsupported(ctx);
    }
  }
  if (permanent && changed) writePermanent(ctx, z);
  return { code: 0, stdout: out, stderr: warn.length ? warn.join('\n') + '\n' : '' };
}
