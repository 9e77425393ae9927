/** What every kubectl verb gets: the parsed command line, the cluster, a lazily derived view. */
import type { CommandResult, SimContext } from '../../api.ts';
import type { ClusterState, KubeObject } from '../types.ts';
import { reconcile, type ClusterView } from '../reconcile.ts';
import { typeForObject, type ResourceType } from '../resources.ts';
import { type Args, bool, flag } from './args.ts';

export interface Kc {
  sim: SimContext;
  args: Args;
  cluster: ClusterState;
  clientVersion: string;
  namespace: string;
  /** -n was given explicitly (affects messages) */
  explicitNamespace: boolean;
  allNamespaces: boolean;
  view(): ClusterView;
  /** the stored objects changed: the next view() derives again */
  changed(): void;
  typeOf(o: KubeObject): ResourceType | undefined;
}

export function makeKc(sim: SimContext, args: Args, contextNamespace: string | undefined): Kc {
  let view: ClusterView | undefined;
  const cluster = sim.cluster();
  const ns = flag(args, 'namespace');
  const rpm = sim.persist().rpms.kubectl;
  return {
    sim, args, cluster,
    clientVersion: rpm ? rpm.version : cluster.kubernetesVersion.replace(/^v/, ''),
    namespace: ns ?? contextNamespace ?? 'default',
    explicitNamespace: ns !== undefined,
    allNamespaces: bool(args, 'all-namespaces'),
    view: () => (view ??= reconcile(sim)),
    changed: () => {
      view = undefined;
      sim.saveCluster();
    },
    typeOf: (o) => typeForObject(cluster, o.apiVersion, o.kind),
  };
}

export interface Out {
  out: string[];
  err: string[];
  code: number;
}
export const newOut = (): Out => ({ out: [], err: [], code: 0 });
export const done = (o: Out): CommandResult => ({ code: o.code, stdout: o.out.join(''), stderr: o.err.join('') });
