/** The docker CLI (docker-ce): info, version, pull, images, ps, rmi against the simulated daemon. */
import { ok, fail, unsupported, type CommandResult, type Handler, type SimContext } from '../api.ts';
import { parseImageRef } from '../data/images.ts';
import { dockerConfig, dockerRunning, dockerVersion, containerdVersion, pullInto } from './runtime.ts';
import { humanAgo, humanSize, listImages, readHostFile, removeImage, tagImage } from './state.ts';
import { goTemplate, table } from './table.ts';
import { dockerPullError } from '../data/images.ts';

const NOT_RUNNING = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

export const osPrettyName = (ctx: SimContext): string =>
  ctx.host.os === 'centos7' ? 'CentOS Linux 7 (Core)' : 'Rocky Linux 9.4 (Blue Onyx)';
export const kernelOf = (ctx: SimContext): string =>
  ctx.host.os === 'centos7' ? '3.10.0-1160.el7.x86_64' : '5.14.0-427.13.1.el9_4.x86_64';

const gitCommit = (v: string): string => {
  let h = 0;
  for (const c of v) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').slice(0, 7);
};

/** Containers docker runs for the kubelet (dockershim): static pods of this host. */
function k8sContainers(ctx: SimContext): { id: string; image: string; name: string }[] {
  if (ctx.runtime().services.kubelet?.active !== 'active') return [];
  const out: { id: string; image: string; name: string }[] = [];
  const manifests = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  for (const m of manifests) {
    const text = readHostFile(ctx, `/etc/kubernetes/manifests/${m}.yaml`);
    if (!text) continue;
    const image = /image:\s*(\S+)/.exec(text)?.[1] ?? m;
    const node = ctx.runtime().hostname;
    out.push({ id: gitCommit(`${m}c${node}`) + 'a1b2c', image, name: `k8s_${m}_${m}-${node}_kube-system_0` });
    out.push({ id: gitCommit(`${m}p${node}`) + 'd3e4f', image: 'pause', name: `k8s_POD_${m}-${node}_kube-system_0` });
  }
  return out;
}

function info(ctx: SimContext): Record<string, unknown> {
  const cfg = dockerConfig(ctx).config;
  const images = listImages(ctx, 'docker');
  const containers = k8sContainers(ctx);
  return {
    ID: `${gitCommit(ctx.host.productUuid)}:${ctx.host.productUuid.slice(0, 4).toUpperCase()}`,
    Containers: containers.length,
    ContainersRunning: containers.length,
    ContainersPaused: 0,
    ContainersStopped: 0,
    Images: images.length,
    Driver: cfg?.storageDriver ?? 'overlay2',
    LoggingDriver: cfg?.logDriver ?? 'json-file',
    CgroupDriver: cfg?.cgroupDriver ?? 'cgroupfs',
    CgroupVersion: ctx.host.os === 'centos7' ? '1' : '2',
    KernelVersion: kernelOf(ctx),
    OperatingSystem: osPrettyName(ctx),
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: ctx.host.cpus,
    MemTotal: ctx.host.memoryMiB * 1024 * 1024,
    Name: ctx.runtime().hostname,
    ServerVersion: dockerVersion(ctx),
    DockerRootDir: cfg?.dataRoot ?? '/var/lib/docker',
    RegistryConfig: { Mirrors: cfg?.registryMirrors ?? [], InsecureRegistryCIDRs: ['127.0.0.0/8'] },
    LiveRestoreEnabled: false,
  };
}

function infoText(ctx: SimContext): { out: string; err: string } {
  const i = info(ctx);
  const cfg = dockerConfig(ctx).config;
  const mirrors = (cfg?.registryMirrors ?? []).map((m) => `  ${m.endsWith('/') ? m : m + '/'}\n`).join('');
  const insecure = ['127.0.0.0/8', ...(cfg?.insecureRegistries ?? [])].map((m) => `  ${m}\n`).join('');
  const out = `Client:
 Context:    default
 Debug Mode: false
 Plugins:
  buildx: Docker Buildx (Docker Inc., v0.10.4-docker)

Server:
 Containers: ${i.Containers}
  Running: ${i.ContainersRunning}
  Paused: 0
  Stopped: 0
 Images: ${i.Images}
 Server Version: ${i.ServerVersion}
 Storage Driver: ${i.Driver}
  Backing Filesystem: xfs
  Supports d_type: true
  Native Overlay Diff: true
  userxattr: false
 Logging Driver: ${i.LoggingDriver}
 Cgroup Driver: ${i.CgroupDriver}
 Cgroup Version: ${i.CgroupVersion}
 Plugins:
  Volume: local
  Network: bridge host ipvlan macvlan null overlay
  Log: awslogs fluentd gcplogs gelf journald json-file local logentries splunk syslog
 Swarm: inactive
 Runtimes: io.containerd.runc.v2 io.containerd.runtime.v1.linux runc
 Default Runtime: runc
 Init Binary: docker-init
 containerd version: ${gitCommit(containerdVersion(ctx))}${gitCommit('c' + containerdVersion(ctx))}
 runc version: v1.1.12-0-g51d5e94
 init version: de40ad0
 Security Options:
  seccomp
   Profile: default
 Kernel Version: ${i.KernelVersion}
 Operating System: ${i.OperatingSystem}
 OSType: linux
 Architecture: x86_64
 CPUs: ${i.NCPU}
 Total Memory: ${(ctx.host.memoryMiB / 1024).toFixed(2).replace(/0$/, '')}GiB
 Name: ${i.Name}
 ID: ${i.ID}
 Docker Root Dir: ${i.DockerRootDir}
 Debug Mode: false
 Registry: https://index.docker.io/v1/
 Labels:
 Experimental: false
 Insecure Registries:
${insecure}${mirrors ? ` Registry Mirrors:\n${mirrors}` : ''} Live Restore Enabled: false

`;
  // dockerd warns when the bridge sysctls are off (br_netfilter not loaded or not enabled)
  const sys = ctx.runtime().sysctl;
  let err = '';
  if (sys['net.bridge.bridge-nf-call-iptables'] !== '1') err += 'WARNING: bridge-nf-call-iptables is disabled\n';
  if (sys['net.bridge.bridge-nf-call-ip6tables'] !== '1') err += 'WARNING: bridge-nf-call-ip6tables is disabled\n';
  return { out, err };
}

function formatFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--format') return args[i + 1];
    if (a.startsWith('--format=')) return a.slice(9);
    if (a.startsWith('-f') && a.length > 2) return a.slice(2);
  }
  return undefined;
}

async function pull(ctx: SimContext, args: string[]): Promise<CommandResult> {
  const name = args.find((a) => !a.startsWith('-'));
  if (!name) return fail(1, '"docker pull" requires exactly 1 argument.\nSee \'docker pull --help\'.\n\nUsage:  docker pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nPull an image or a repository from a registry\n');
  const r = parseImageRef(name);
  if (!r) return fail(1, `invalid reference format\n`);
  await ctx.heavyDelay();
  const c = pullInto(ctx, 'docker', name);
  if (!c.ok) {
    if (!name.includes(':') && !name.includes('@')) return fail(1, `Using default tag: latest\n${dockerPullError(c, name)}\n`);
    return fail(1, dockerPullError(c, name) + '\n');
  }
  const shown = r.registry === 'docker.io' ? `docker.io/${r.familiar}` : r.full;
  const head = !name.includes(':') && !name.includes('@') ? 'Using default tag: latest\n' : '';
  return ok(`${head}${r.tag ?? r.digest}: Pulling from ${r.repository}\n${c.digest.slice(7, 19)}: Pull complete\nDigest: ${c.digest}\nStatus: Downloaded newer image for ${r.registry === 'docker.io' ? r.familiar : r.full}\n${shown}\n`);
}

function images(ctx: SimContext, args: string[]): CommandResult {
  const fmt = formatFlag(args);
  const quiet = args.includes('-q') || args.includes('--quiet');
  const filter = args.find((a) => !a.startsWith('-') && a !== fmt);
  const list = listImages(ctx, 'docker')
    .map((i) => ({ ...i, r: parseImageRef(i.ref) }))
    .filter((i) => i.r !== undefined)
    .filter((i) => !filter || i.r?.familiar.replace(/:[^:/]*$/, '') === filter || i.r?.full.replace(/:[^:/]*$/, '') === filter);
  if (quiet) return ok(list.map((i) => i.id.slice(7, 19)).join('\n') + (list.length ? '\n' : ''));
  if (fmt) {
    return ok(list.map((i) => goTemplate(fmt, {
      Repository: i.r?.familiar.replace(/:[^:/]*$/, ''), Tag: i.r?.tag, ID: i.id.slice(7, 19), Size: humanSize(i.sizeMB), Digest: i.digest,
    })).join('\n') + (list.length ? '\n' : ''));
  }
  const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']];
  for (const i of list) {
    const repo = (i.r?.familiar ?? i.ref).replace(/[:@][^/]*$/, '');
    rows.push([repo, i.r?.tag ?? '<none>', i.id.slice(7, 19), humanAgo(ctx.now() - i.created), humanSize(i.sizeMB)]);
  }
  return ok(table(rows));
}

function ps(ctx: SimContext, args: string[]): CommandResult {
  const list = k8sContainers(ctx);
  const quiet = args.includes('-q') || args.includes('--quiet') || args.includes('-aq') || args.includes('-qa');
  if (quiet) return ok(list.map((c) => c.id).join('\n') + (list.length ? '\n' : ''));
  const fmt = formatFlag(args);
  if (fmt) return ok(list.map((c) => goTemplate(fmt, { ID: c.id, Image: c.image, Names: c.name, Status: 'Up 5 minutes' })).join('\n') + (list.length ? '\n' : ''));
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const c of list) rows.push([c.id, c.image.length > 20 ? c.image.slice(0, 19) + '…' : c.image, '"/pause"', '5 minutes ago', 'Up 5 minutes', '', c.name]);
  return ok(table(rows));
}

function version(ctx: SimContext, args: string[]): CommandResult {
  const v = dockerVersion(ctx);
  const running = dockerRunning(ctx);
  const fmt = formatFlag(args);
  const data = {
    Client: { Version: v, ApiVersion: v.startsWith('20.') ? '1.41' : '1.45', Os: 'linux', Arch: 'amd64' },
    Server: running ? { Version: v, ApiVersion: v.startsWith('20.') ? '1.41' : '1.45', Os: 'linux', Arch: 'amd64' } : undefined,
  };
  if (fmt) {
    const out = goTemplate(fmt, data);
    if (!running && /Server/.test(fmt)) return fail(1, `${NOT_RUNNING}\n`, out.includes('<no value>') ? '' : out + '\n');
    return ok(out + '\n');
  }
  const api = data.Client.ApiVersion;
  const client = `Client: Docker Engine - Community
 Version:           ${v}
 API version:       ${api}
 Go version:        go1.19.7
 Git commit:        ${gitCommit(v)}
 Built:             Tue Apr  4 18:21:03 2023
 OS/Arch:           linux/amd64
 Context:           default
 Experimental:      true
`;
  if (!running) return fail(1, `${NOT_RUNNING}\n`, client + '\n');
  const server = `
Server: Docker Engine - Community
 Engine:
  Version:          ${v}
  API version:      ${api} (minimum version 1.12)
  Go version:       go1.19.7
  Git commit:       ${gitCommit('d' + v)}
  Built:            Tue Apr  4 18:19:08 2023
  OS/Arch:          linux/amd64
  Experimental:     false
 containerd:
  Version:          ${containerdVersion(ctx)}
  GitCommit:        ${gitCommit(containerdVersion(ctx))}${gitCommit('c' + containerdVersion(ctx))}
 runc:
  Version:          1.1.12
  GitCommit:        v1.1.12-0-g51d5e94
 docker-init:
  Version:          0.19.0
  GitCommit:        de40ad0
`;
  return ok(client + server);
}

export const dockerCommand: Handler = async (ctx) => {
  const args = ctx.argv.slice(1);
  const sub = args[0];
  const rest = args.slice(1);
  if (sub === '--version' || sub === '-v') return ok(`Docker version ${dockerVersion(ctx)}, build ${gitCommit(dockerVersion(ctx))}\n`);
  if (sub === 'version') return version(ctx, rest);
  if (ctx.uid !== 0) {
    return fail(1, 'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info": dial unix /var/run/docker.sock: connect: permission denied\n');
  }
  if (sub === 'info') {
    const fmt = formatFlag(rest);
    if (!dockerRunning(ctx)) {
      if (fmt) return fail(1, `${NOT_RUNNING}\n`);
      return fail(1, `ERROR: ${NOT_RUNNING}\nerrors pretty printing info\n`, 'Client:\n Context:    default\n Debug Mode: false\n\nServer:\n');
    }
    if (fmt) return ok(goTemplate(fmt, info(ctx)) + '\n');
    const t = infoText(ctx);
    return ok(t.out, t.err);
  }
  const known = ['pull', 'images', 'image', 'ps', 'rmi', 'container', 'tag', 'inspect'];
  if (!known.includes(sub ?? '')) return unsupported(ctx);
  if (!dockerRunning(ctx)) return fail(1, `${NOT_RUNNING}\n`);
  switch (sub) {
    case 'pull':
      return pull(ctx, rest);
    case 'images':
      return images(ctx, rest);
    case 'image':
      if (rest[0] === 'ls' || rest[0] === 'list') return images(ctx, rest.slice(1));
      if (rest[0] === 'pull') return pull(ctx, rest.slice(1));
      if (rest[0] === 'rm') return rmi(ctx, rest.slice(1));
      if (rest[0] === 'tag') return tag(ctx, rest.slice(1));
      if (rest[0] === 'inspect') return inspectImages(ctx, rest.slice(1));
      return unsupported(ctx);
    case 'inspect':
      // only images are inspectable here; a container name falls through to "No such object"
      return inspectImages(ctx, rest, 'object');
    case 'ps':
      return ps(ctx, rest);
    case 'container':
      if (rest[0] === 'ls' || rest[0] === 'list') return ps(ctx, rest.slice(1));
      return unsupported(ctx);
    case 'rmi':
      return rmi(ctx, rest);
    case 'tag':
      return tag(ctx, rest);
  }
  return unsupported(ctx);
};

function rmi(ctx: SimContext, args: string[]): CommandResult {
  let out = '';
  let err = '';
  for (const a of args.filter((x) => !x.startsWith('-'))) {
    const r = parseImageRef(a);
    const ref = r?.full ?? a;
    if (removeImage(ctx, 'docker', ref)) out += `Untagged: ${a}\n`;
    else err += `Error: No such image: ${a}\n`;
  }
  return err ? fail(1, err, out) : ok(out);
}

/** docker tag SRC DST: the cn workaround of re-tagging a mirrored image under its upstream name. */
function tag(ctx: SimContext, args: string[]): CommandResult {
  const [src, dst] = args.filter((x) => !x.startsWith('-'));
  if (!src || !dst) return fail(1, '"docker tag" requires exactly 2 arguments.\nSee \'docker tag --help\'.\n\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n');
  const s = parseImageRef(src);
  const d = parseImageRef(dst);
  if (!d) return fail(1, `Error parsing reference: "${dst}" is not a valid repository/tag: invalid reference format\n`);
  const found = s && listImages(ctx, 'docker').find((i) => i.ref === s.full);
  if (!found) return fail(1, `Error response from daemon: No such image: ${src}\n`);
  tagImage(ctx, 'docker', found.ref, d.full);
  return ok('');
}

/** docker image inspect / docker inspect: a JSON array of the found images; missing ones are errors (exit 1). */
function inspectImages(ctx: SimContext, args: string[], noun: 'image' | 'object' = 'image'): CommandResult {
  const fmt = formatFlag(args);
  const names = args.filter((a, i) => !a.startsWith('-') && !(fmt !== undefined && a === fmt && /^(-f|--format)$/.test(args[i - 1] ?? '')));
  if (names.length === 0) {
    return fail(1, `"docker ${noun === 'image' ? 'image inspect' : 'inspect'}" requires at least 1 argument.\nSee 'docker ${noun === 'image' ? 'image inspect' : 'inspect'} --help'.\n\nUsage:  docker ${noun === 'image' ? 'image inspect' : 'inspect'} [OPTIONS] ${noun === 'image' ? 'IMAGE [IMAGE...]' : 'NAME|ID [NAME|ID...]'}\n\nReturn low-level information on ${noun === 'image' ? 'one or more images' : 'Docker objects'}\n`);
  }
  const all = listImages(ctx, 'docker');
  const found: Record<string, unknown>[] = [];
  let err = '';
  for (const n of names) {
    const r = parseImageRef(n);
    const img = all.find((i) => (r !== undefined && i.ref === r.full) || i.id === n || i.id.slice(7).startsWith(n));
    if (!img) { err += `Error: No such ${noun}: ${n}\n`; continue; }
    const tags = all.filter((i) => i.id === img.id).map((i) => parseImageRef(i.ref)?.familiar ?? i.ref);
    found.push({
      Id: img.id, RepoTags: tags, RepoDigests: [`${(parseImageRef(img.ref)?.familiar ?? img.ref).replace(/:[^:/]*$/, '')}@${img.digest}`],
      Created: new Date(img.created).toISOString(), Size: Math.round(img.sizeMB * 1e6), Os: 'linux', Architecture: 'amd64',
    });
  }
  const out = fmt !== undefined
    ? found.map((o) => goTemplate(fmt, o) + '\n').join('')
    : JSON.stringify(found, null, 4) + '\n';
  return err ? fail(1, err, out) : ok(out);
}
