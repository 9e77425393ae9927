/** crictl (cri-tools): version, info, images, pull, ps, rmi over the endpoint of /etc/crictl.yaml. */
import YAML from 'yaml';
import { ok, fail, unsupported, type Handler, type SimContext } from '../api.ts';
import { criPullError, parseImageRef } from '../data/images.ts';
import { containerdConfig, containerdVersion, criStatus, dockerVersion, pullInto, type CriStatus } from './runtime.ts';
import { hostFileExists, humanSize, listImages, readHostFile, removeImage } from './state.ts';
import { table } from './table.ts';
import { crictlConfig } from './crictl-config.ts';

const ts = (): string => '0000';

function defaultEndpoints(ctx: SimContext): string[] {
  const v = ctx.persist().rpms['cri-tools']?.version ?? '1.26.0';
  const minor = Number(v.split('.')[1] ?? 26);
  const eps = ['unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'];
  return minor < 26 ? ['unix:///var/run/dockershim.sock', ...eps] : eps;
}

interface Connected {
  status: CriStatus;
  endpoint: string;
  stderr: string;
}

/** Global flags (-r/--runtime-endpoint, -i/--image-endpoint, --config, --timeout, --debug) out of argv. */
function globalFlags(argv: string[]): { args: string[]; runtime?: string; image?: string } {
  const args: string[] = [];
  let runtime: string | undefined;
  let image: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^(--runtime-endpoint|--image-endpoint|-r|-i|--config|-c|--timeout|-t)(?:=(.*))?$/.exec(a);
    // -i is also `crictl images -i`? no: crictl images takes --quiet/-q; -i before the subcommand only
    if (m && (args.length === 0 || m[1].startsWith('--'))) {
      const v = m[2] ?? argv[++i];
      if (m[1] === '--runtime-endpoint' || m[1] === '-r') runtime = v;
      if (m[1] === '--image-endpoint' || m[1] === '-i') image = v;
      continue;
    }
    if (a === '--debug' || a === '-D') continue;
    args.push(a);
  }
  return { args, runtime, image };
}

function connect(ctx: SimContext, kind: 'runtime' | 'image', flags: { runtime?: string; image?: string } = {}): Connected {
  const fromFlag = (kind === 'image' ? flags.image : undefined) ?? flags.runtime;
  if (fromFlag) return { status: criStatus(ctx, fromFlag), endpoint: fromFlag, stderr: '' };
  const text = readHostFile(ctx, '/etc/crictl.yaml');
  let cfg: Record<string, unknown> = {};
  if (text) {
    try {
      cfg = (YAML.parse(text) as Record<string, unknown>) ?? {};
    } catch {
      cfg = {};
    }
  }
  const configured = (kind === 'image' ? cfg['image-endpoint'] : undefined) ?? cfg['runtime-endpoint'];
  if (typeof configured === 'string' && configured) {
    return { status: criStatus(ctx, configured), endpoint: configured, stderr: '' };
  }
  const eps = defaultEndpoints(ctx);
  let stderr = `WARN[${ts()}] ${kind} connect using default endpoints: [${eps.join(' ')}]. As the default settings are now deprecated, you should set the endpoint instead. \n`;
  let last: Connected | undefined;
  for (const ep of eps) {
    const s = criStatus(ctx, ep);
    if (s.ok) return { status: s, endpoint: ep, stderr };
    last = { status: s, endpoint: ep, stderr };
    if (ep !== eps[eps.length - 1]) stderr += `ERRO[${ts()}] validate service connection: validate CRI v1 ${kind} API for endpoint "${ep}": ${s.error} \n`;
  }
  return { ...(last as Connected), stderr };
}

const fatal = (c: Connected, kind: 'runtime' | 'image'): string => {
  const s = c.status as Extract<CriStatus, { ok: false }>;
  if (/Unimplemented/.test(s.error)) {
    return `${c.stderr}FATA[${ts()}] validate service connection: CRI v1 ${kind} API is not implemented for endpoint "${c.endpoint}": ${s.error.replace('RuntimeService', kind === 'image' ? 'ImageService' : 'RuntimeService')} \n`;
  }
  return `${c.stderr}FATA[${ts()}] validate service connection: validate CRI v1 ${kind} API for endpoint "${c.endpoint}": ${s.error} \n`;
};

export const crictlCommand: Handler = async (ctx) => {
  const g = globalFlags(ctx.argv.slice(1));
  const [sub, ...rest] = g.args;
  const cliVersion = ctx.persist().rpms['cri-tools']?.version ?? '1.26.0';
  if (sub === '--version' || sub === '-v') return ok(`crictl version v${cliVersion}\n`);
  if (sub === 'config') return crictlConfig(ctx, rest);
  const kind: 'runtime' | 'image' = sub === 'images' || sub === 'pull' || sub === 'rmi' || sub === 'img' || sub === 'inspecti' ? 'image' : 'runtime';
  if (!['version', 'info', 'images', 'img', 'pull', 'ps', 'rmi', 'pods', 'inspecti'].includes(sub ?? '')) return unsupported(ctx);
  if (ctx.uid !== 0) return fail(1, `FATA[${ts()}] validate service connection: validate CRI v1 ${kind} API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: permission denied" \n`);
  const c = connect(ctx, kind, g);
  if (!c.status.ok) return fail(1, fatal(c, kind));
  const st = c.status;
  const runtimeVersion = st.runtime === 'docker' ? dockerVersion(ctx) : containerdVersion(ctx);
  const store = st.runtime === 'docker' ? 'docker' : 'containerd:k8s.io';
  switch (sub) {
    case 'version':
      return ok(`Version:  0.1.0\nRuntimeName:  ${st.runtime}\nRuntimeVersion:  ${st.runtime === 'docker' ? runtimeVersion : 'v' + runtimeVersion}\nRuntimeApiVersion:  v1\n`, c.stderr);
    case 'info': {
      const cniReady = hostFileExists(ctx, '/etc/cni/net.d/10-calico.conflist') || hostFileExists(ctx, '/etc/cni/net.d/calico-kubeconfig');
      const cfg = containerdConfig(ctx).config;
      const body = {
        status: {
          conditions: [
            { type: 'RuntimeReady', status: true, reason: '', message: '' },
            cniReady
              ? { type: 'NetworkReady', status: true, reason: '', message: '' }
              : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' },
          ],
        },
        cniconfig: { PluginDirs: ['/opt/cni/bin'], PluginConfDir: '/etc/cni/net.d', PluginMaxConfNum: 1, Prefix: 'eth', Networks: [] },
        config: {
          containerd: {
            snapshotter: 'overlayfs',
            defaultRuntimeName: 'runc',
            runtimes: { runc: { runtimeType: 'io.containerd.runc.v2', options: { SystemdCgroup: cfg?.systemdCgroup ?? false } } },
          },
          cni: { binDir: '/opt/cni/bin', confDir: '/etc/cni/net.d', maxConfNum: 1 },
          registry: { configPath: cfg?.configPath ?? '', mirrors: Object.fromEntries(Object.entries(cfg?.mirrors ?? {}).map(([k, v]) => [k, { endpoint: v }])) },
          sandboxImage: st.sandboxImage ?? 'registry.k8s.io/pause:3.6',
          systemdCgroup: false,
        },
        golang: 'go1.21.11',
        lastCNILoadStatus: cniReady ? 'OK' : 'cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config',
      };
      return ok(JSON.stringify(body, null, 2) + '\n', c.stderr);
    }
    case 'images':
    case 'img': {
      const quiet = rest.includes('-q') || rest.includes('--quiet');
      const list = listImages(ctx, store);
      if (quiet) return ok(list.map((i) => i.id).join('\n') + (list.length ? '\n' : ''), c.stderr);
      const rows = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
      for (const i of list) {
        const r = parseImageRef(i.ref);
        rows.push([(r?.full ?? i.ref).replace(/:[^:/]*$/, ''), r?.tag ?? '<none>', i.id.slice(7, 20), humanSize(i.sizeMB)]);
      }
      return ok(table(rows, { minWidth: 20, padding: 1 }), c.stderr);
    }
    case 'pull': {
      const name = rest.find((a) => !a.startsWith('-'));
      if (!name) return fail(1, `${c.stderr}FATA[${ts()}] pulling image: image name cannot be empty \n`);
      await ctx.heavyDelay();
      const p = pullInto(ctx, st.runtime === 'docker' ? 'docker' : 'containerd', name);
      if (!p.ok) return fail(1, `${c.stderr}E1123 00:00:00.000000    1234 remote_image.go:180] "PullImage from image service failed" err="${criPullError(p).replace(/"/g, '\\"')}" image="${name}"\nFATA[${ts()}] pulling image: ${criPullError(p)} \n`);
      return ok(`Image is up to date for ${p.digest}\n`, c.stderr);
    }
    case 'inspecti': {
      // crictl inspecti: the CRI ImageStatus of each image as JSON; a missing one is fatal
      const names = rest.filter((a) => !a.startsWith('-'));
      if (names.length === 0) return fail(1, `${c.stderr}FATA[${ts()}] ID cannot be empty \n`);
      const all = listImages(ctx, store);
      let out = '';
      for (const n of names) {
        const r = parseImageRef(n);
        const img = all.find((i) => (r !== undefined && i.ref === r.full) || i.id === n || i.id.slice(7).startsWith(n));
        if (!img) return fail(1, `${c.stderr}FATA[${ts()}] no such image "${n}" present \n`, out);
        const tags = all.filter((i) => i.id === img.id).map((i) => i.ref);
        const repo = img.ref.replace(/:[^:/]*$/, '');
        const status = { id: img.id, repoTags: tags, repoDigests: [`${repo}@${img.digest}`], size: String(Math.round(img.sizeMB * 1e6)), uid: null, username: '', spec: null, pinned: /pause/.test(img.ref) };
        out += JSON.stringify({ status }, null, 2) + '\n';
      }
      return ok(out, c.stderr);
    }
    case 'rmi': {
      let out = '';
      for (const n of rest.filter((a) => !a.startsWith('-'))) {
        const r = parseImageRef(n);
        if (removeImage(ctx, store, r?.full ?? n)) out += `Deleted: ${r?.full ?? n}\n`;
        else return fail(1, `${c.stderr}FATA[${ts()}] no such image ${n} \n`, out);
      }
      return ok(out, c.stderr);
    }
    case 'ps':
    case 'pods': {
      const header = sub === 'ps'
        ? [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD']]
        : [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
      const rows = header;
      if (ctx.runtime().services.kubelet?.active === 'active') {
        for (const m of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
          const text = readHostFile(ctx, `/etc/kubernetes/manifests/${m}.yaml`);
          if (!text) continue;
          const image = /image:\s*(\S+)/.exec(text)?.[1] ?? m;
          const id = listImages(ctx, store).find((i) => i.ref === parseImageRef(image)?.full)?.id.slice(7, 20) ?? '0123456789abc';
          const pod = `${m}-${ctx.runtime().hostname}`;
          if (sub === 'ps') rows.push([id, id, '5 minutes ago', 'Running', m, '0', id.split('').reverse().join(''), pod]);
          else rows.push([id.split('').reverse().join(''), '5 minutes ago', 'Ready', pod, 'kube-system', '0', '(default)']);
        }
      }
      return ok(table(rows, { padding: 3 }), c.stderr);
    }
  }
  return unsupported(ctx);
};

