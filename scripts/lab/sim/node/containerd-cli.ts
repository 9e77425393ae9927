/** `containerd` (version, config default/dump) and `ctr` (version, images ls/pull/rm) from containerd.io. */
import { ok, fail, unsupported, type Handler, type SimContext } from '../api.ts';
import { containerdResolveError, parseImageRef } from '../data/images.ts';
import { defaultConfigText } from './containerd-config.ts';
import { containerdConfig, containerdRunning, containerdVersion, pullInto } from './runtime.ts';
import { humanSize, listImages, removeImage, tagImage } from './state.ts';
import { table } from './table.ts';

export const revisionOf = (v: string): string => {
  let out = '';
  let h = 7;
  for (let i = 0; i < 40; i++) {
    h = (Math.imul(h, 31) + v.charCodeAt(i % v.length) + i) >>> 0;
    out += (h % 16).toString(16);
  }
  return out;
};

export const containerdCommand: Handler = async (ctx) => {
  const a = ctx.argv.slice(1);
  const v = containerdVersion(ctx);
  if (a[0] === '--version' || a[0] === '-v') return ok(`containerd containerd.io ${v} ${revisionOf(v)}\n`);
  if (a[0] === 'config' && a[1] === 'default') return ok(defaultConfigText(v));
  if (a[0] === 'config' && a[1] === 'dump') {
    const c = containerdConfig(ctx);
    if (c.error) return fail(1, `containerd: ${c.error}\n`);
    return ok(`version = ${c.config?.version}\n# sandbox_image = "${c.config?.sandboxImage}"\n# SystemdCgroup = ${c.config?.systemdCgroup}\n`);
  }
  return unsupported(ctx);
};

const NOT_RUNNING = 'ctr: failed to dial "/run/containerd/containerd.sock": connection error: desc = "transport: error while dialing: dial unix:///run/containerd/containerd.sock: timeout"';

function namespaceOf(args: string[]): { ns: string; rest: string[] } {
  const rest: string[] = [];
  let ns = 'default';
  for (let i = 0; i < args.length; i++) {
    const x = args[i];
    if (x === '-n' || x === '--namespace') ns = args[++i] ?? ns;
    else if (x.startsWith('--namespace=')) ns = x.slice(12);
    else if (x.startsWith('-n=')) ns = x.slice(3);
    else rest.push(x);
  }
  return { ns, rest };
}

export const ctrCommand: Handler = async (ctx: SimContext) => {
  const { ns, rest } = namespaceOf(ctx.argv.slice(1));
  const v = containerdVersion(ctx);
  const [cmd, sub, ...args] = rest;
  if (cmd === '--version' || cmd === '-v') return ok(`ctr containerd.io ${v}\n`);
  const client = `Client:\n  Version:  ${v}\n  Revision: ${revisionOf(v)}\n  Go version: go1.21.11\n\n`;
  if (!containerdRunning(ctx)) return fail(1, `${NOT_RUNNING}\n`, cmd === 'version' ? client : '');
  if (cmd === 'version') return ok(`${client}Server:\n  Version:  ${v}\n  Revision: ${revisionOf(v)}\n  UUID: ${ctx.host.productUuid}\n`);
  if (cmd !== 'images' && cmd !== 'image' && cmd !== 'i') return unsupported(ctx);
  const store = `containerd:${ns}`;
  if (sub === 'ls' || sub === 'list') {
    const quiet = args.includes('-q') || args.includes('--quiet');
    const list = listImages(ctx, store);
    if (quiet) return ok(list.map((i) => i.ref).join('\n') + (list.length ? '\n' : ''));
    const rows = [['REF', 'TYPE', 'DIGEST', 'SIZE', 'PLATFORMS', 'LABELS']];
    for (const i of list) {
      rows.push([i.ref, 'application/vnd.docker.distribution.manifest.list.v2+json', i.digest, `${humanSize(i.sizeMB).replace('MB', ' MiB').replace('kB', ' KiB')}`, 'linux/amd64', ns === 'k8s.io' ? 'io.cri-containerd.image=managed' : '-']);
    }
    return ok(table(rows, { padding: 1 }));
  }
  if (sub === 'pull') {
    const name = args.find((x) => !x.startsWith('-'));
    if (!name) return fail(1, 'ctr: please provide an image reference to pull\n');
    const r = parseImageRef(name);
    // ctr does not normalize: "nginx" is not docker.io/library/nginx:latest
    if (!r || (r.registry === 'docker.io' && !name.startsWith('docker.io/'))) return fail(1, `ctr: failed to resolve reference "${name}": object required\n`);
    await ctx.heavyDelay();
    const c = pullInto(ctx, 'containerd', name, ns);
    if (!c.ok) return fail(1, `ctr: ${containerdResolveError(c)}\n`);
    return ok(`${name}: resolved       |++++++++++++++++++++++++++++++++++++++|\nmanifest-${c.digest}: done           |++++++++++++++++++++++++++++++++++++++|\nelapsed: 1.2 s                                                                    total:  0.0 B (0.0 B/s)\nunpacking linux/amd64 ${c.digest}...\ndone: 312.459ms\n`);
  }
  if (sub === 'tag') {
    const [src, dst] = args.filter((x) => !x.startsWith('-'));
    if (!src || !dst) return fail(1, 'ctr: source and target reference must be provided\n');
    if (!tagImage(ctx, store, src, dst)) return fail(1, `ctr: image "${src}": not found\n`);
    return ok(`${dst}\n`);
  }
  if (sub === 'rm' || sub === 'remove' || sub === 'delete' || sub === 'del') {
    let out = '';
    let err = '';
    for (const n of args.filter((x) => !x.startsWith('-'))) {
      if (removeImage(ctx, store, n)) out += `${n}\n`;
      else err += `ctr: image "${n}": not found\n`;
    }
    return err ? fail(1, err, out) : ok(out);
  }
  return unsupported(ctx);
};
