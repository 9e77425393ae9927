/**
 * The admin kubeconfig kubeadm writes (/etc/kubernetes/admin.conf), pointed at the
 * controlPlaneEndpoint, and merged into a user's kubeconfig under the cluster's name.
 */
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';

const clusterEntry = z.looseObject({ name: z.string(), cluster: z.looseObject({ server: z.string() }) });
const userEntry = z.looseObject({ name: z.string(), user: z.looseObject({}) });
const contextEntry = z.looseObject({ name: z.string(), context: z.looseObject({ cluster: z.string(), user: z.string() }) });
type ClusterEntry = z.infer<typeof clusterEntry>;
type UserEntry = z.infer<typeof userEntry>;
type ContextEntry = z.infer<typeof contextEntry>;

export const kubeconfigSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  clusters: z.array(clusterEntry).nullish(),
  users: z.array(userEntry).nullish(),
  contexts: z.array(contextEntry).nullish(),
  'current-context': z.string().nullish(),
  preferences: z.record(z.string(), z.unknown()).nullish(),
});
export type Kubeconfig = z.infer<typeof kubeconfigSchema>;

export function parseKubeconfig(text: string, where: string): Kubeconfig {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : parse(text);
  } catch (e) {
    throw new UserError(`${where}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const r = kubeconfigSchema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${where}: not a kubeconfig (${i?.path.join('.') ?? ''}: ${i?.message ?? ''})`);
  }
  return r.data;
}

/** admin.conf with every cluster's server set to https://<endpoint>, names as kubeadm wrote them. */
export function pointAtEndpoint(adminConf: string, endpoint: string): Kubeconfig {
  const k = parseKubeconfig(adminConf, 'admin.conf');
  if (!k.clusters?.length || !k.users?.length) throw new UserError('admin.conf has no cluster or no user');
  return { ...k, clusters: k.clusters.map((c) => ({ ...c, cluster: { ...c.cluster, server: `https://${endpoint}` } })) };
}

/**
 * The admin kubeconfig renamed for a shared file: cluster `<name>`, user `<name>-admin`,
 * context `<name>`. Its current context's cluster and user are the ones taken.
 */
export function renameForMerge(admin: Kubeconfig, name: string): { cluster: ClusterEntry; user: UserEntry; context: ContextEntry } {
  const ctx = admin.contexts?.find((c) => c.name === admin['current-context']) ?? admin.contexts?.[0];
  const cluster = admin.clusters?.find((c) => c.name === ctx?.context.cluster) ?? admin.clusters?.[0];
  const user = admin.users?.find((u) => u.name === ctx?.context.user) ?? admin.users?.[0];
  if (!cluster || !user) throw new UserError('admin.conf has no cluster or no user');
  return {
    cluster: { name, cluster: cluster.cluster },
    user: { name: `${name}-admin`, user: user.user },
    context: { name, context: { cluster: name, user: `${name}-admin` } },
  };
}

const upsert = <E extends { name: string }>(list: E[] | null | undefined, e: E): E[] => {
  const out = [...(list ?? [])];
  const i = out.findIndex((x) => x.name === e.name);
  if (i >= 0) out[i] = e;
  else out.push(e);
  return out;
};

/**
 * Add (or replace) this cluster's three entries in an existing kubeconfig; every other
 * entry and the preferences stay as they were. The current context is only set when there is none.
 */
export function mergeKubeconfig(existing: Kubeconfig, admin: Kubeconfig, name: string): Kubeconfig {
  const add = renameForMerge(admin, name);
  return {
    ...existing,
    apiVersion: existing.apiVersion ?? 'v1',
    kind: existing.kind ?? 'Config',
    preferences: existing.preferences ?? {},
    clusters: upsert(existing.clusters, add.cluster),
    users: upsert(existing.users, add.user),
    contexts: upsert(existing.contexts, add.context),
    'current-context': existing['current-context'] || name,
  };
}

export const kubeconfigText = (k: Kubeconfig): string => stringify(k, { lineWidth: 0 });

/** The file `kubectl` reads first: $KUBECONFIG's first entry, else ~/.kube/config. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv, home: string): string {
  const first = (env.KUBECONFIG ?? '').split(':').find((p) => p.trim() !== '');
  return first ?? `${home}/.kube/config`;
}
