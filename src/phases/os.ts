/** os: hostname, /etc/hosts, firewall, SELinux, swap, time, limits, NetworkManager. */
import type { Cluster } from '../inventory/model.ts';
import { HOST_PATHS } from '../render/paths.ts';
import { ctxFor, type FactsByHost } from './common.ts';
import { fileFrom, makeStep, perHost } from './step.ts';
import type { HostStep, Phase } from './types.ts';

/** DOMAIN.md: the control plane's, the kubelet's, NodePorts and Calico's (BGP, IPIP, VXLAN, Typha). */
const MASTER_PORTS = ['6443/tcp', '2379-2380/tcp', '10250/tcp', '10257/tcp', '10259/tcp'];
const NODE_PORTS = ['10250/tcp', '10256/tcp', '30000-32767/tcp'];
const CNI_PORTS = ['179/tcp', '4789/udp', '5473/tcp'];
/** IP-in-IP (Calico's default encapsulation) is IP protocol 4 */
const CNI_PROTOCOLS = ['4'];

export const HOSTS_BEGIN = '# BEGIN kubeforge managed hosts';
export const HOSTS_END = '# END kubeforge managed hosts';

export function osPhase(cluster: Cluster, facts: FactsByHost): Phase {
  return {
    id: 'os',
    title: 'Operating system preparation',
    hosts: cluster.hosts.map((h) => h.name),
    steps: perHost(cluster.hosts, (h) => {
      const ctx = ctxFor(cluster, facts, h);
      const ports = [...new Set([...(h.role === 'master' ? MASTER_PORTS : []), ...NODE_PORTS, ...CNI_PORTS])];
      const steps: HostStep[] = [
        makeStep(ctx, { id: 'os.hostname', title: `hostname ${h.name}` }),
        makeStep(ctx, { id: 'os.hosts', title: 'cluster hosts in /etc/hosts', vars: { begin: HOSTS_BEGIN, end: HOSTS_END } }),
        cluster.os.firewall === 'disable'
          ? makeStep(ctx, { id: 'os.firewall-off', title: 'firewalld stopped and disabled' })
          : makeStep(ctx, { id: 'os.firewall-ports', title: 'firewalld open for the cluster ports', vars: { ports, protocols: CNI_PROTOCOLS } }),
        makeStep(ctx, { id: 'os.selinux', title: `SELinux ${cluster.os.selinux}`, vars: { mode: cluster.os.selinux } }),
        makeStep(ctx, { id: 'os.swap', title: 'swap off, fstab swap line commented' }),
        makeStep(ctx, { id: 'os.timezone', title: `timezone ${cluster.os.timezone}` }),
        makeStep(ctx, {
          id: 'os.chrony',
          title: `time sync with chrony (${cluster.os.ntpServers.join(', ')})`,
          files: [fileFrom(ctx, HOST_PATHS.chronyConf, 'chrony.conf.hbs', { backup: true })],
        }),
        makeStep(ctx, { id: 'os.limits', title: 'raised open-file and process limits', files: [fileFrom(ctx, HOST_PATHS.limitsFile, 'limits.conf.hbs')] }),
      ];
      // EL8+: NetworkManager is the network (stopping it cuts the host off): make it leave Calico's interfaces alone
      if (ctx.el8 || ctx.el9) {
        steps.push(makeStep(ctx, {
          id: 'os.networkmanager',
          title: 'NetworkManager ignores Calico interfaces',
          files: [fileFrom(ctx, HOST_PATHS.nmCalicoConf, 'networkmanager-calico.conf.hbs')],
        }));
      }
      return steps;
    }),
  };
}
