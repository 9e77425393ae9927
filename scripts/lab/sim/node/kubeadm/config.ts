/**
 * kubeadm --config files: multi-document YAML decoded by apiVersion/kind as the kubeadm of a
 * given version does: removed or not-yet-known API versions are errors, unknown fields are
 * warnings (strict decoding reported, not enforced), wrong types are errors.
 */
import YAML from 'yaml';

type Schema = 'string' | 'bool' | 'int' | 'any' | { obj: Record<string, Schema>; name: string } | { arr: Schema; goType: string } | { map: Schema; goType: string };
const obj = (name: string, fields: Record<string, Schema>): Schema => ({ obj: fields, name });
const arr = (s: Schema, goType: string): Schema => ({ arr: s, goType });
const map = (s: Schema, goType = 'map[string]string'): Schema => ({ map: s, goType });
const strs = arr('string', '[]string');

const extraArgs = (v4: boolean): Schema => (v4 ? arr(obj('Arg', { name: 'string', value: 'string' }), '[]v1beta4.Arg') : map('string'));
const hostPathMounts = arr(obj('HostPathMount', { name: 'string', hostPath: 'string', mountPath: 'string', readOnly: 'bool', pathType: 'string' }), '[]HostPathMount');
const taint = obj('Taint', { key: 'string', value: 'string', effect: 'string', timeAdded: 'any' });

function nodeRegistration(v: string): Schema {
  const v4 = v === 'v1beta4';
  const f: Record<string, Schema> = {
    name: 'string', criSocket: 'string', taints: arr(taint, '[]v1.Taint'), kubeletExtraArgs: extraArgs(v4),
    ignorePreflightErrors: strs,
  };
  if (v !== 'v1beta2') f.imagePullPolicy = 'string';
  if (v4) f.imagePullSerial = 'bool';
  return obj('NodeRegistrationOptions', f);
}
const apiEndpoint = obj('APIEndpoint', { advertiseAddress: 'string', bindPort: 'int' });
const patches = obj('Patches', { directory: 'string' });

function initSchema(v: string): Record<string, Schema> {
  const f: Record<string, Schema> = {
    apiVersion: 'string', kind: 'string',
    bootstrapTokens: arr(obj('BootstrapToken', { token: 'string', description: 'string', ttl: 'string', expires: 'string', usages: strs, groups: strs }), '[]BootstrapToken'),
    nodeRegistration: nodeRegistration(v), localAPIEndpoint: apiEndpoint, certificateKey: 'string',
  };
  if (v !== 'v1beta2') {
    f.skipPhases = strs;
    f.patches = patches;
  }
  if (v === 'v1beta4') {
    f.dryRun = 'bool';
    f.timeouts = map('string', 'Timeouts');
  }
  return f;
}

function clusterSchema(v: string): Record<string, Schema> {
  const v4 = v === 'v1beta4';
  const control = (name: string): Schema => obj(name, { extraArgs: extraArgs(v4), extraVolumes: hostPathMounts, ...(v4 ? { extraEnvs: arr('any', '[]v1beta4.EnvVar') } : {}) });
  const api: Record<string, Schema> = { extraArgs: extraArgs(v4), extraVolumes: hostPathMounts, certSANs: strs };
  if (!v4) api.timeoutForControlPlane = 'string';
  const dns: Record<string, Schema> = { imageRepository: 'string', imageTag: 'string' };
  if (v === 'v1beta2') dns.type = 'string';
  if (v4) dns.disabled = 'bool';
  const f: Record<string, Schema> = {
    apiVersion: 'string', kind: 'string',
    etcd: obj('Etcd', {
      local: obj('LocalEtcd', { imageRepository: 'string', imageTag: 'string', dataDir: 'string', extraArgs: extraArgs(v4), serverCertSANs: strs, peerCertSANs: strs, ...(v4 ? { extraEnvs: arr('any', '[]v1beta4.EnvVar') } : {}) }),
      external: obj('ExternalEtcd', { endpoints: strs, caFile: 'string', certFile: 'string', keyFile: 'string' }),
    }),
    networking: obj('Networking', { serviceSubnet: 'string', podSubnet: 'string', dnsDomain: 'string' }),
    kubernetesVersion: 'string', controlPlaneEndpoint: 'string',
    apiServer: obj('APIServer', api),
    controllerManager: control('ControlPlaneComponent'), scheduler: control('ControlPlaneComponent'),
    dns: obj('DNS', dns),
    certificatesDir: 'string', imageRepository: 'string', featureGates: map('bool', 'map[string]bool'), clusterName: 'string',
  };
  if (v === 'v1beta2') f.useHyperKubeImage = 'bool';
  if (v4) {
    f.proxy = obj('Proxy', { disabled: 'bool' });
    f.encryptionAlgorithm = 'string';
    f.certificateValidityPeriod = 'string';
    f.caCertificateValidityPeriod = 'string';
  }
  return f;
}

function joinSchema(v: string): Record<string, Schema> {
  const f: Record<string, Schema> = {
    apiVersion: 'string', kind: 'string', nodeRegistration: nodeRegistration(v), caCertPath: 'string',
    discovery: obj('Discovery', {
      bootstrapToken: obj('BootstrapTokenDiscovery', { token: 'string', apiServerEndpoint: 'string', caCertHashes: strs, unsafeSkipCAVerification: 'bool' }),
      file: obj('FileDiscovery', { kubeConfigPath: 'string' }),
      tlsBootstrapToken: 'string',
      ...(v === 'v1beta4' ? {} : { timeout: 'string' }),
    }),
    controlPlane: obj('JoinControlPlane', { localAPIEndpoint: apiEndpoint, certificateKey: 'string' }),
  };
  if (v !== 'v1beta2') {
    f.skipPhases = strs;
    f.patches = patches;
  }
  if (v === 'v1beta4') {
    f.dryRun = 'bool';
    f.timeouts = map('string', 'Timeouts');
  }
  return f;
}

/** The component configs are decoded leniently by kubeadm; only types of the fields we use are checked. */
const kubeletSchema: Record<string, Schema> = { cgroupDriver: 'string', failSwapOn: 'bool', serverTLSBootstrap: 'bool', containerRuntimeEndpoint: 'string' };
const kubeProxySchema: Record<string, Schema> = { mode: 'string', ipvs: obj('KubeProxyIPVSConfiguration', { scheduler: 'string', strictARP: 'bool', excludeCIDRs: strs }) };

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : 'string';
const goType = (s: Schema): string =>
  s === 'string' ? 'string' : s === 'bool' ? 'bool' : s === 'int' ? 'int32' : s === 'any' ? 'interface {}' : 'obj' in s ? s.name : s.goType;

interface Check {
  unknown: string[];
  typeError?: string;
}

function walk(value: unknown, schema: Schema, path: string, parent: string, out: Check): void {
  if (out.typeError || schema === 'any' || value === null || value === undefined) return;
  const bad = (): void => {
    out.typeError = `json: cannot unmarshal ${jsonType(value)} into Go struct field ${parent}.${path} of type ${goType(schema).replace(/^(\w)/, (c) => c)}`;
  };
  if (schema === 'string') {
    if (typeof value !== 'string') bad();
    return;
  }
  if (schema === 'bool') {
    if (typeof value !== 'boolean') bad();
    return;
  }
  if (schema === 'int') {
    if (typeof value !== 'number' || !Number.isInteger(value)) bad();
    return;
  }
  if ('obj' in schema) {
    if (jsonType(value) !== 'object') return bad();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = schema.obj[k];
      const p = path ? `${path}.${k}` : k;
      if (!sub) out.unknown.push(p);
      else walk(v, sub, p, schema.name, out);
    }
    return;
  }
  if ('arr' in schema) {
    if (!Array.isArray(value)) return bad();
    value.forEach((v, i) => walk(v, schema.arr, `${path}[${i}]`, parent, out));
    return;
  }
  if (jsonType(value) !== 'object') return bad();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, schema.map, `${path}.${k}`, parent, out);
}

export type Rec = Record<string, unknown>;
export interface KubeadmDocs {
  init?: Rec;
  cluster?: Rec;
  join?: Rec;
  kubelet?: Rec;
  kubeProxy?: Rec;
  kubeadmApiVersion?: string;
  /** klog-style warning lines (stderr) */
  warnings: string[];
}

const klogTime = (now: number): string => {
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}${p(0, 3)}`;
};
export const klogLine = (level: 'W' | 'I' | 'E', now: number, where: string, msg: string): string =>
  `${level}${klogTime(now)}   ${String(1000 + (now % 9000)).padStart(5)} ${where}] ${msg}`;

/** kubeadm API versions the kubeadm of this minor decodes. */
export function kubeadmApiSupported(apiVersion: string, minor: number): 'ok' | 'old' | 'unknown' {
  switch (apiVersion) {
    case 'kubeadm.k8s.io/v1beta2':
      return minor >= 26 ? 'old' : 'ok';
    case 'kubeadm.k8s.io/v1beta3':
      return 'ok';
    case 'kubeadm.k8s.io/v1beta4':
      return minor >= 31 ? 'ok' : 'unknown';
    case 'kubeadm.k8s.io/v1beta1':
    case 'kubeadm.k8s.io/v1alpha3':
    case 'kubeadm.k8s.io/v1alpha2':
    case 'kubeadm.k8s.io/v1alpha1':
      return 'old';
    default:
      return 'unknown';
  }
}

const LAST_SUPPORTING: Record<string, string> = {
  'kubeadm.k8s.io/v1beta2': 'v1.25', 'kubeadm.k8s.io/v1beta1': 'v1.19', 'kubeadm.k8s.io/v1alpha3': 'v1.14',
  'kubeadm.k8s.io/v1alpha2': 'v1.12', 'kubeadm.k8s.io/v1alpha1': 'v1.11',
};

/** Decode a --config file for a kubeadm of the given minor. */
export function parseKubeadmConfig(text: string, minor: number, now: number): { docs?: KubeadmDocs; error?: string } {
  const docs: KubeadmDocs = { warnings: [] };
  let parsed: YAML.Document.Parsed[];
  try {
    parsed = YAML.parseAllDocuments(text);
  } catch (e) {
    return { error: `error converting YAML to JSON: yaml: ${e instanceof Error ? e.message : String(e)}` };
  }
  let any = false;
  for (const d of parsed) {
    if (d.errors.length) return { error: `error converting YAML to JSON: yaml: line ${d.errors[0].linePos?.[0].line ?? 1}: ${d.errors[0].message.split('\n')[0].replace(/ at line.*$/, '')}` };
    const v: unknown = d.toJS();
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) return { error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(v)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }` };
    const rec = v as Rec;
    const apiVersion = typeof rec.apiVersion === 'string' ? rec.apiVersion : '';
    const kind = typeof rec.kind === 'string' ? rec.kind : '';
    if (!kind) return { error: `Object 'Kind' is missing in '${YAML.stringify(rec).trim().split('\n').join(' ')}'` };
    any = true;
    const [group, version = ''] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    let schema: Record<string, Schema> | undefined;
    let slot: keyof Omit<KubeadmDocs, 'warnings' | 'kubeadmApiVersion'> | undefined;
    if (group === 'kubeadm.k8s.io') {
      const sup = kubeadmApiSupported(apiVersion, minor);
      if (sup === 'old') {
        return { error: `your configuration file uses an old API spec: "${apiVersion}". Please use kubeadm ${LAST_SUPPORTING[apiVersion] ?? 'v1.25'} instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.` };
      }
      if (sup === 'unknown') return { error: `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"` };
      docs.kubeadmApiVersion = apiVersion;
      if (kind === 'InitConfiguration') [schema, slot] = [initSchema(version), 'init'];
      else if (kind === 'ClusterConfiguration') [schema, slot] = [clusterSchema(version), 'cluster'];
      else if (kind === 'JoinConfiguration') [schema, slot] = [joinSchema(version), 'join'];
      else if (kind === 'ClusterStatus' && version === 'v1beta2') continue;
      else {
        docs.warnings.push(`[config] WARNING: Ignored YAML document with GroupVersionKind ${apiVersion}, Kind=${kind}`);
        continue;
      }
    } else if (apiVersion === 'kubelet.config.k8s.io/v1beta1' && kind === 'KubeletConfiguration') {
      [schema, slot] = [{ apiVersion: 'string', kind: 'string', ...kubeletSchema }, 'kubelet'];
    } else if (apiVersion === 'kubeproxy.config.k8s.io/v1alpha1' && kind === 'KubeProxyConfiguration') {
      [schema, slot] = [{ apiVersion: 'string', kind: 'string', ...kubeProxySchema }, 'kubeProxy'];
    } else {
      docs.warnings.push(`[config] WARNING: Ignored YAML document with GroupVersionKind ${apiVersion ? `${apiVersion}, ` : ''}Kind=${kind}`);
      continue;
    }
    if (docs[slot]) return { error: `duplicate ${kind} found in the configuration` };
    const check: Check = { unknown: [] };
    const lenient = slot === 'kubelet' || slot === 'kubeProxy';
    for (const [k, val] of Object.entries(rec)) {
      const s = schema[k];
      if (!s) {
        if (!lenient) check.unknown.push(k);
        continue;
      }
      walk(val, s, k, kind, check);
    }
    if (check.typeError) return { error: `error unmarshaling JSON: while decoding JSON: ${check.typeError}` };
    if (check.unknown.length) {
      const gvk = `schema.GroupVersionKind{Group:"${group}", Version:"${version}", Kind:"${kind}"}`;
      const detail = minor >= 24
        ? `strict decoding error: ${check.unknown.map((u) => `unknown field "${u}"`).join(', ')}`
        : `error unmarshaling JSON: while decoding JSON: json: unknown field "${check.unknown[0]}"`;
      docs.warnings.push(klogLine('W', now, 'strict.go:54', `error unmarshaling configuration ${gvk}: ${detail}`));
    }
    docs[slot] = rec;
  }
  if (!any) return { error: 'no InitConfiguration or ClusterConfiguration kind was found in the YAML file' };
  return { docs };
}

/** A nested field of a decoded document. */
export function field(rec: Rec | undefined, path: string): unknown {
  let cur: unknown = rec;
  for (const p of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Rec)[p];
  }
  return cur;
}
export const strField = (rec: Rec | undefined, path: string): string | undefined => {
  const v = field(rec, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
