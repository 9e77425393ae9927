/**
 * The raw inventory as the user writes it (DESIGN.md "Inventory (YAML)"), as zod schemas.
 * Every object is strict: an unknown key is an error (most are typos). Value checks that
 * need context (addresses, ranges, versions) live in semantic.ts.
 */
import { z } from 'zod';
import { mirrorClassNames, presetNames, type MirrorClass } from './mirrors.ts';

export const INLINE_PASSWORD =
  'an inline password is not allowed (expected an environment variable reference: `password: { env: KF_SSH_PASSWORD }` or `passwordEnv: KF_SSH_PASSWORD`, with the password exported in that variable)';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name like KF_SSH_PASSWORD' });

/** `password: { env: NAME }`; a plain string is refused with the way to do it instead. */
const passwordRef = z.strictObject(
  { env: envName },
  { error: (iss) => (typeof iss.input === 'string' || typeof iss.input === 'number' ? INLINE_PASSWORD : undefined) },
);

const port = z.number().int().min(1).max(65535);
const nonEmpty = z.string().min(1);

const bastion = z.strictObject({
  host: nonEmpty,
  port: port.optional(),
  user: nonEmpty.optional(),
  privateKeyPath: nonEmpty.optional(),
  password: passwordRef.optional(),
  passwordEnv: envName.optional(),
});

/** Shared by the global `ssh:` and the per-host overrides. */
const sshShape = {
  user: nonEmpty.optional(),
  port: port.optional(),
  privateKeyPath: nonEmpty.optional(),
  password: passwordRef.optional(),
  passwordEnv: envName.optional(),
  sudoPassword: passwordRef.optional(),
  sudoPasswordEnv: envName.optional(),
  useAgent: z.boolean().optional(),
  knownHosts: z.enum(['strict', 'accept-new', 'off']).optional(),
  knownHostsFile: nonEmpty.optional(),
  bastion: bastion.nullable().optional(),
  connectTimeoutMs: z.number().int().min(100).max(600_000).optional(),
};
export const sshSchema = z.strictObject(sshShape);

const addon = {
  version: nonEmpty.optional(),
  /** URL or local file of the upstream manifest */
  manifest: nonEmpty.optional(),
};

export const clusterSchema = z.strictObject({
  name: nonEmpty.optional(),
  kubernetesVersion: z.string({ error: 'expected a full release version like 1.23.17, in quotes if YAML would read it as a number' }),
  containerRuntime: z.enum(['docker', 'containerd']).optional(),
  controlPlaneEndpoint: nonEmpty.optional(),
  imageRepository: nonEmpty.optional(),
  podSubnet: nonEmpty.optional(),
  serviceSubnet: nonEmpty.optional(),
  kubeProxyMode: z.enum(['ipvs', 'iptables']).optional(),
  certSANs: z.array(nonEmpty).optional(),
  dnsDomain: nonEmpty.optional(),
  cni: z.strictObject({ plugin: z.literal('calico').optional(), ...addon }).optional(),
  metricsServer: z.strictObject({ enabled: z.boolean().optional(), ...addon }).optional(),
});

const mirrorList = z.union([nonEmpty, z.array(nonEmpty).min(1)], { error: 'expected a URL or a non-empty list of URLs, tried in order' });
const mirrorClassShape = Object.fromEntries(mirrorClassNames.map((c) => [c, mirrorList.optional()])) as Record<
  MirrorClass,
  z.ZodOptional<typeof mirrorList>
>;

export const mirrorsSchema = z.preprocess(
  // `mirrors: cn` is shorthand for `mirrors: { preset: cn }`
  (v) => (typeof v === 'string' ? { preset: v } : v),
  z.strictObject({
    preset: z.enum(presetNames as [string, ...string[]]).optional(),
    ...mirrorClassShape,
  }),
);

export const osSchema = z.strictObject({
  distro: z.enum(['centos7', 'rocky8', 'rocky9']).optional(),
  timezone: nonEmpty.optional(),
  ntpServers: z.array(nonEmpty).optional(),
  firewall: z.enum(['disable', 'open-ports']).optional(),
  selinux: z.enum(['disabled', 'permissive']).optional(),
  kernelUpgrade: z.boolean().optional(),
});

export const hostSchema = z.strictObject({
  name: z.string({ error: 'expected a node name like k8s-node01' }),
  address: z.string({ error: 'expected an IPv4 address like 192.168.174.120' }),
  role: z.enum(['master', 'worker']),
  ssh: sshSchema.optional(),
});

export const inventorySchema = z.strictObject({
  cluster: clusterSchema,
  mirrors: mirrorsSchema.optional(),
  os: osSchema.optional(),
  ssh: sshSchema.optional(),
  hosts: z.array(hostSchema).min(1, { error: 'expected at least one host' }),
});

export type RawInventory = z.infer<typeof inventorySchema>;
export type RawSsh = z.infer<typeof sshSchema>;
export type RawHost = z.infer<typeof hostSchema>;

/** The keys an object at `path` accepts (for "unknown key" messages), or [] when not an object. */
export function allowedKeysAt(path: (string | number)[]): string[] {
  let node: z.ZodType = inventorySchema;
  const unwrap = (t: z.ZodType): z.ZodType => {
    let cur = t;
    for (;;) {
      if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
      else if (cur instanceof z.ZodPipe) cur = cur.out as z.ZodType;
      else return cur;
    }
  };
  for (const p of path) {
    node = unwrap(node);
    if (node instanceof z.ZodArray && typeof p === 'number') node = node.element as z.ZodType;
    else if (node instanceof z.ZodObject && typeof p === 'string' && p in node.shape) node = node.shape[p] as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}
