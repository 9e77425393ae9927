/** kubectl describe node / pod (conditions, taints, containers, events); other kinds get the generic header. */
import type { CommandResult } from '../../api.ts';
import type { KubeObject } from '../types.ts';
import { ageOf } from '../age.ts';
import type { PodView } from '../reconcile.ts';
import { formatTable } from '../table.ts';
import { arr, dig, isObject, parseCpu, parseMemory, rec, str } from '../util.ts';
import { parseTargets, selectObjects } from './get.ts';
import { done, newOut, type Kc } from './kc.ts';

const rfc1123 = (iso: string | undefined): string => {
  if (!iso) return '<unset>';
  const d = new Date(iso);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

function kv(label: string, width: number, values: string[]): string {
  const pad = ' '.repeat(width);
  if (values.length === 0) return `${(label + ':').padEnd(width)}<none>\n`;
  return values.map((v, i) => (i === 0 ? `${(label + ':').padEnd(width)}${v}` : `${pad}${v}`)).join('\n') + '\n';
}

const mapLines = (m: unknown): string[] => Object.entries(rec(m)).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${str(v)}`);

function eventsBlock(kc: Kc, kind: string, name: string, ns: string | undefined): string {
  const evs = kc.view().objects.filter((o) => o.kind === 'Event' && dig(o, 'involvedObject', 'kind') === kind && dig(o, 'involvedObject', 'name') === name && (ns === undefined || o.metadata.namespace === ns));
  if (!evs.length) return 'Events:  <none>\n';
  const rows = evs.map((e) => ['  ' + str(e.type), str(e.reason), ageOf(str(e.firstTimestamp), kc.view().now), str(dig(e, 'source', 'component')), str(e.message)]);
  return 'Events:\n' + formatTable(['  Type', 'Reason', 'Age', 'From', 'Message'], [['  ----', '------', '----', '----', '-------'], ...rows]);
}

function describeNode(kc: Kc, o: KubeObject): string {
  const w = 20;
  let s = kv('Name', w, [o.metadata.name]);
  const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]);
  s += kv('Roles', w, [roles.length ? roles.sort().join(',') : '<none>']);
  s += kv('Labels', w, mapLines(o.metadata.labels));
  s += kv('Annotations', w, mapLines(o.metadata.annotations));
  s += kv('CreationTimestamp', w, [rfc1123(o.metadata.creationTimestamp)]);
  const taints = arr(dig(o, 'spec', 'taints')).filter(isObject).map((t) => `${str(t.key)}${t.value ? `=${str(t.value)}` : ''}:${str(t.effect)}`);
  s += kv('Taints', w, taints);
  s += kv('Unschedulable', w, [String(dig(o, 'spec', 'unschedulable') === true)]);
  s += 'Conditions:\n';
  const conds = arr(dig(o, 'status', 'conditions')).filter(isObject);
  s += formatTable(['  Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'], [
    ['  ----', '------', '-----------------', '------------------', '------', '-------'],
    ...conds.map((c) => ['  ' + str(c.type), str(c.status), rfc1123(str(c.lastHeartbeatTime)), rfc1123(str(c.lastTransitionTime)), str(c.reason), str(c.message)]),
  ]);
  const addrs = arr(dig(o, 'status', 'addresses')).filter(isObject);
  const aw = Math.max(0, ...addrs.map((a) => str(a.type).length)) + 3;
  s += 'Addresses:\n' + addrs.map((a) => `  ${(str(a.type) + ':').padEnd(aw)}${str(a.address)}\n`).join('');
  for (const [label, key] of [['Capacity', 'capacity'], ['Allocatable', 'allocatable']]) {
    s += `${label}:\n` + Object.entries(rec(dig(o, 'status', key))).map(([k, v]) => `  ${k}:${' '.repeat(Math.max(1, 19 - k.length))}${str(v)}\n`).join('');
  }
  const info = rec(dig(o, 'status', 'nodeInfo'));
  s += 'System Info:\n';
  for (const [label, key] of [['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'], ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'], ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion']]) {
    s += `  ${(label + ':').padEnd(28)}${str(info[key])}\n`;
  }
  s += kv('PodCIDR', 29, [str(dig(o, 'spec', 'podCIDR'))]);
  const pods = kc.view().pods.filter((p) => p.nodeName === o.metadata.name);
  s += `Non-terminated Pods:          (${pods.length} in total)\n`;
  s += formatTable(['  Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age'], [
    ['  ---------', '----', '------------', '----------', '---------------', '-------------', '---'],
    ...pods.map((p) => {
      const c = arr(dig(p.pod, 'spec', 'containers')).filter(isObject)[0] ?? {};
      const req = rec(dig(c, 'resources', 'requests'));
      const lim = rec(dig(c, 'resources', 'limits'));
      const alloc = rec(dig(o, 'status', 'allocatable'));
      const pct = (v: unknown, total: number, parse: (x: unknown) => number) => `${str(v, '0')} (${total ? Math.trunc((parse(v) / total) * 100) : 0}%)`;
      const cpu = (v: unknown) => pct(v, parseCpu(alloc.cpu), parseCpu);
      const mem = (v: unknown) => pct(v, parseMemory(alloc.memory), parseMemory);
      return ['  ' + str(p.pod.metadata.namespace), p.pod.metadata.name, cpu(req.cpu), cpu(lim.cpu), mem(req.memory), mem(lim.memory), ageOf(p.pod.metadata.creationTimestamp, kc.view().now)];
    }),
  ]);
  s += eventsBlock(kc, 'Node', o.metadata.name, undefined);
  return s;
}

function describePod(kc: Kc, o: KubeObject, pv: PodView | undefined): string {
  const w = 14;
  let s = kv('Name', w, [o.metadata.name]);
  s += kv('Namespace', w, [o.metadata.namespace ?? 'default']);
  s += kv('Priority', w, [String(dig(o, 'spec', 'priority') ?? 0)]);
  if (dig(o, 'spec', 'priorityClassName')) s += kv('Priority Class Name', 22, [str(dig(o, 'spec', 'priorityClassName'))]);
  const hostIP = str(dig(o, 'status', 'hostIP'));
  s += kv('Node', w, [dig(o, 'spec', 'nodeName') ? `${str(dig(o, 'spec', 'nodeName'))}/${hostIP}` : '<none>']);
  if (dig(o, 'status', 'startTime')) s += kv('Start Time', w, [rfc1123(str(dig(o, 'status', 'startTime')))]);
  s += kv('Labels', w, mapLines(o.metadata.labels));
  s += kv('Annotations', w, mapLines(o.metadata.annotations));
  s += kv('Status', w, [str(dig(o, 'status', 'phase'))]);
  s += kv('IP', w, [str(dig(o, 'status', 'podIP'))]);
  s += kv('IPs', w, arr(dig(o, 'status', 'podIPs')).filter(isObject).map((x) => `IP:  ${str(x.ip)}`));
  const owner = o.metadata.ownerReferences?.[0];
  if (owner) s += kv('Controlled By', w + 2, [`${owner.kind}/${owner.name}`]);
  s += 'Containers:\n';
  const statuses = arr(dig(o, 'status', 'containerStatuses')).filter(isObject);
  for (const c of arr(dig(o, 'spec', 'containers')).filter(isObject)) {
    const st = statuses.find((x) => x.name === c.name);
    s += `  ${str(c.name)}:\n    Image:          ${str(c.image)}\n`;
    const state = rec(st?.state);
    if (state.running) s += `    State:          Running\n      Started:      ${rfc1123(str(dig(state, 'running', 'startedAt')))}\n`;
    else if (state.waiting) s += `    State:          Waiting\n      Reason:       ${str(dig(state, 'waiting', 'reason'))}\n`;
    else s += '    State:          Waiting\n';
    const last = rec(dig(st, 'lastState', 'terminated'));
    if (last.reason) s += `    Last State:     Terminated\n      Reason:       ${str(last.reason)}\n      Message:      ${str(last.message)}\n      Exit Code:    ${str(last.exitCode)}\n`;
    s += `    Ready:          ${st?.ready === true ? 'True' : 'False'}\n    Restart Count:  ${str(st?.restartCount, '0')}\n`;
  }
  s += 'Conditions:\n' + formatTable(['  Type', 'Status'], arr(dig(o, 'status', 'conditions')).filter(isObject).map((c) => ['  ' + str(c.type), str(c.status)]));
  s += kv('QoS Class', 25, [str(dig(o, 'status', 'qosClass'), 'BestEffort')]);
  s += kv('Node-Selectors', 25, mapLines(dig(o, 'spec', 'nodeSelector')));
  const tols = arr(dig(o, 'spec', 'tolerations')).filter(isObject).map((t) => {
    let line = str(t.key);
    if (t.value) line += `=${str(t.value)}`;
    if (t.effect) line += `:${str(t.effect)}`;
    if (t.operator === 'Exists' && !t.value) line += line ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') line += ` for ${t.tolerationSeconds}s`;
    return line;
  });
  s += kv('Tolerations', 25, tols);
  void pv;
  s += eventsBlock(kc, 'Pod', o.metadata.name, o.metadata.namespace);
  return s;
}

export function describe(kc: Kc): CommandResult {
  const { targets, error } = parseTargets(kc, kc.args.words.slice(1));
  const o = newOut();
  if (error) return { code: 1, stdout: '', stderr: `${error.startsWith('error') ? error : `error: ${error}`}\n` };
  const { found, notFound } = selectObjects(kc, targets);
  const blocks: string[] = [];
  for (const f of found) {
    for (const obj of f.objects) {
      if (obj.kind === 'Node') blocks.push(describeNode(kc, obj));
      else if (obj.kind === 'Pod') blocks.push(describePod(kc, obj, kc.view().pods.find((p) => p.pod === obj)));
      else {
        let s = kv('Name', 14, [obj.metadata.name]);
        if (f.type.namespaced) s += kv('Namespace', 14, [obj.metadata.namespace ?? 'default']);
        s += kv('Labels', 14, mapLines(obj.metadata.labels));
        s += kv('Annotations', 14, mapLines(obj.metadata.annotations).filter((l) => !l.startsWith('kubectl.kubernetes.io/last-applied')));
        if (obj.kind === 'ConfigMap') s += '\nData\n====\n' + Object.entries(rec(obj.data)).map(([k, v]) => `${k}:\n----\n${str(v)}\n`).join('\n');
        blocks.push(s + eventsBlock(kc, obj.kind, obj.metadata.name, obj.metadata.namespace));
      }
    }
  }
  o.out.push(blocks.join('\n\n'));
  if (notFound.length) {
    o.err.push(notFound.join('\n') + '\n');
    o.code = 1;
  } else if (!blocks.length) o.err.push(`No resources found in ${kc.namespace} namespace.\n`);
  return done(o);
}
