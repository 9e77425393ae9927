/**
 * Commands that packages bring (linked when yum installs them; "command not found" before):
 * socat (-V), conntrack (conntrack-tools), ipset, ebtables, ethtool and jq, with the minimal
 * real behaviour bootstrap scripts and kube-proxy rely on. Texts as the EL7/EL9 tools print them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fail, ok, unsupported, type CommandResult, type SimContext } from '../api.ts';
import { runningKernel, runtimeExtra } from './host.ts';
import { kernelBuild } from './kernel.ts';

const el9 = (ctx: SimContext): boolean => ctx.host.os === 'rocky9';

export async function socat(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  if (args.length === 1 && args[0] === '-V') {
    const [ver, built] = el9(ctx) ? ['1.7.4.1', 'Feb  6 2024 00:00:00'] : ['1.7.3.2', 'Aug  4 2017 04:57:10'];
    const k = runningKernel(ctx);
    return ok(`socat by Gerhard Rieger and contributors - see www.dest-unreach.org\nsocat version ${ver} on ${built}\n   running on Linux version ${kernelBuild(k)}, release ${k}, machine x86_64\nfeatures:\n  #define WITH_STDIO 1\n  #define WITH_FDNUM 1\n  #define WITH_FILE 1\n  #define WITH_CREAT 1\n  #define WITH_GOPEN 1\n  #define WITH_TERMIOS 1\n  #define WITH_PIPE 1\n  #define WITH_UNIX 1\n  #define WITH_IP4 1\n  #define WITH_IP6 1\n  #define WITH_TCP 1\n  #define WITH_UDP 1\n  #define WITH_LISTEN 1\n  #define WITH_OPENSSL 1\n`);
  }
  if (args.length === 0) return fail(1, `${new Date(ctx.now()).toISOString().replace('T', ' ').slice(0, 19)} socat[${process.pid % 30000}] E exactly 2 addresses required (there are 0); use option "-h" for help\n`);
  return unsupported(ctx);
}

const conntrackVersion = (ctx: SimContext): string => (el9(ctx) ? '1.4.7' : '1.4.4');

export async function conntrack(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const head = `conntrack v${conntrackVersion(ctx)} (conntrack-tools): `;
  if (args.length === 0) return fail(2, `${head}no command specified. Please, use -h or --help\n`);
  const cmd = args[0];
  if (cmd === '-V' || cmd === '--version') return ok(`conntrack v${conntrackVersion(ctx)} (conntrack-tools)\n`);
  if (ctx.uid !== 0) return fail(1, `${head}Operation failed: Operation not permitted\n`);
  // the lab's hosts carry no tracked flows: listings are empty, deletions find nothing
  if (cmd === '-L' || cmd === '--dump') return ok('', `${head}0 flow entries have been shown.\n`);
  if (cmd === '-C' || cmd === '--count') return ok(`${ctx.runtime().sysctl['net.netfilter.nf_conntrack_count'] ?? '0'}\n`);
  if (cmd === '-F' || cmd === '--flush') return ok('', `${head}connection tracking table has been emptied.\n`);
  // conntrack exits 1 when nothing matched a delete: kube-proxy looks for this very text
  if (cmd === '-D' || cmd === '--delete') return fail(1, `${head}0 flow entries have been deleted.\n`);
  return unsupported(ctx);
}

interface IpSet { type: string; header: string; members: string[] }

const ipsetVersion = (ctx: SimContext): string => (el9(ctx) ? '7.11' : '7.1');

function ipsetList(s: Record<string, IpSet>, names: string[], terse: boolean, onlyNames: boolean): string {
  return names.map((n) => {
    if (onlyNames) return `${n}\n`;
    const set = s[n];
    const head = `Name: ${n}\nType: ${set.type}\nRevision: ${set.type.startsWith('hash:ip,port') ? 5 : 4}\nHeader: ${set.header}\nSize in memory: ${200 + set.members.length * 64}\nReferences: 0\nNumber of entries: ${set.members.length}\n`;
    return terse ? head : `${head}Members:\n${set.members.map((m) => `${m}\n`).join('')}`;
  }).join(onlyNames ? '' : '\n');
}

export async function ipset(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1).filter((a) => a !== '-exist' && a !== '-!');
  const exist = ctx.argv.includes('-exist') || ctx.argv.includes('-!');
  const v = ipsetVersion(ctx);
  const sub = args[0] ?? '';
  if (['version', '-v', '-V', '--version'].includes(sub)) return ok(`ipset v${v}, protocol version: 7\n`);
  if (ctx.uid !== 0) return fail(1, `ipset v${v}: Kernel error received: Operation not permitted\n`);
  // sets live in the kernel: lost on reboot
  const sets = runtimeExtra<Record<string, IpSet>>(ctx, 'ipsets', () => ({}));
  const noSet = (): CommandResult => fail(1, `ipset v${v}: The set with the given name does not exist\n`);
  const name = args[1];
  switch (sub) {
    case '': return fail(1, `ipset v${v}: No command specified.\nTry \`ipset help' for more information.\n`);
    case 'list': case '-L': case 'save': case '-S': {
      const opts = args.slice(1).filter((a) => a.startsWith('-'));
      const names = args.slice(1).filter((a) => !a.startsWith('-'));
      if (names[0] && !sets[names[0]]) return noSet();
      const list = names[0] ? [names[0]] : Object.keys(sets).sort();
      if (sub === 'save' || sub === '-S') {
        return ok(list.map((n) => `create ${n} ${sets[n].type} ${sets[n].header}\n${sets[n].members.map((m) => `add ${n} ${m}\n`).join('')}`).join(''));
      }
      return ok(ipsetList(sets, list, opts.some((o) => ['-t', '-terse'].includes(o)), opts.some((o) => ['-n', '-name'].includes(o))));
    }
    case 'create': case '-N': case 'n': {
      const type = args[2];
      if (!name || !type) return fail(1, `ipset v${v}: Syntax error: missing mandatory arguments\n`);
      if (sets[name]) return exist ? ok() : fail(1, `ipset v${v}: Set cannot be created: set with the same name already exists\n`);
      const opt = (k: string, d: string): string => { const i = args.indexOf(k); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
      sets[name] = { type, header: `family ${opt('family', 'inet')} hashsize ${opt('hashsize', '1024')} maxelem ${opt('maxelem', '65536')}`, members: [] };
      return ok();
    }
    case 'add': case '-A': case 'del': case '-D': case 'test': case '-T': {
      const entry = args[2];
      if (!name || !entry) return fail(1, `ipset v${v}: Syntax error: missing mandatory arguments\n`);
      const set = sets[name];
      if (!set) return noSet();
      const has = set.members.includes(entry);
      if (sub === 'test' || sub === '-T') return has ? ok('', `${entry} is in set ${name}.\n`) : fail(1, `${entry} is NOT in set ${name}.\n`);
      if (sub === 'add' || sub === '-A') {
        if (has) return exist ? ok() : fail(1, `ipset v${v}: Element cannot be added to the set: it's already added\n`);
        set.members.push(entry);
        return ok();
      }
      if (!has) return exist ? ok() : fail(1, `ipset v${v}: Element cannot be deleted from the set: it's not added\n`);
      set.members = set.members.filter((m) => m !== entry);
      return ok();
    }
    case 'flush': case '-F':
      if (name && !sets[name]) return noSet();
      for (const n of name ? [name] : Object.keys(sets)) sets[n].members = [];
      return ok();
    case 'destroy': case '-X': case 'x':
      if (name && !sets[name]) return noSet();
      for (const n of name ? [name] : Object.keys(sets)) delete sets[n];
      return ok();
    default: return unsupported(ctx);
  }
}

export async function ebtables(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  const nft = el9(ctx);
  if (args.length === 1 && ['-V', '--version'].includes(args[0])) return ok(nft ? 'ebtables 1.8.10 (nf_tables)\n' : 'ebtables v2.0.10-4 (December 2011)\n');
  if (ctx.uid !== 0) return fail(nft ? 4 : 255, nft ? 'ebtables v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n' : 'The kernel doesn\'t support the ebtables \'filter\' table.\n');
  let table = 'filter';
  let list = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t' || args[i] === '--table') table = args[++i] ?? '';
    else if (args[i] === '-L' || args[i] === '--list') list = true;
    else if (!['-n', '--Ln', '--Lc', '--Lx'].includes(args[i])) return unsupported(ctx);
  }
  if (!list) return unsupported(ctx);
  const chains: Record<string, string[]> = { filter: ['INPUT', 'FORWARD', 'OUTPUT'], nat: ['PREROUTING', 'OUTPUT', 'POSTROUTING'], broute: ['BROUTING'] };
  if (!chains[table]) return fail(255, `ebtables v2.0.10-4: Bad table name '${table}'.\n`);
  return ok(`Bridge table: ${table}\n${chains[table].map((c) => `\nBridge chain: ${c}, entries: 0, policy: ACCEPT\n`).join('')}`);
}

/** Interfaces a lab host has (eth0 is a virtio NIC on the real machines the lab stands for). */
const knownIface = (n: string): boolean => ['eth0', 'lo'].includes(n) || /^(tunl0|vxlan\.calico|cali[0-9a-f]+|docker0|kube-ipvs0)$/.test(n);

export async function ethtool(ctx: SimContext): Promise<CommandResult> {
  const args = ctx.argv.slice(1);
  if (args.length === 1 && ['--version', '-V'].includes(args[0])) return ok(`ethtool version ${el9(ctx) ? '6.2' : '4.8'}\n`);
  const [opt, dev] = args.length === 1 ? ['', args[0]] : [args[0], args[1]];
  if (!dev) return fail(1, 'ethtool: bad command line argument(s)\nFor more information run ethtool -h\n');
  if (!knownIface(dev)) {
    if (opt === '') return fail(75, `Settings for ${dev}:\nCannot get device settings: No such device\nCannot get wake-on-lan settings: No such device\nCannot get message level: No such device\nCannot get link status: No such device\nNo data available\n`);
    return fail(1, 'Cannot get driver information: No such device\n');
  }
  if (opt === '') {
    return ok(`Settings for ${dev}:\n\tLink detected: yes\n`);
  }
  if (opt === '-i' || opt === '--driver') {
    const driver = dev === 'eth0' ? 'virtio_net' : dev === 'lo' ? '' : dev.startsWith('cali') ? 'veth' : dev === 'tunl0' ? 'ipip' : dev === 'vxlan.calico' ? 'vxlan' : 'bridge';
    return ok(`driver: ${driver}\nversion: 1.0.0\nfirmware-version: \nexpansion-rom-version: \nbus-info: ${dev === 'eth0' ? '0000:00:03.0' : ''}\nsupports-statistics: ${dev === 'eth0' ? 'yes' : 'no'}\nsupports-test: no\nsupports-eeprom-access: no\nsupports-register-dump: no\nsupports-priv-flags: no\n`);
  }
  // offload switches (the Calico VXLAN checksum workaround sets tx-checksum-ip-generic off)
  if (opt === '-K' || opt === '--features' || opt === '--offload') return ctx.uid === 0 ? ok() : fail(1, 'Cannot set device feature settings: Operation not permitted\n');
  return unsupported(ctx);
}

const MACHINE_JQ = '/usr/bin/jq';

/**
 * jq is real jq: the machine's own binary (jq 1.6, as EL7 and EL9 ship), run by the simulator
 * on the host's stdin and files (file arguments are mapped into the host).
 */
export async function jq(ctx: SimContext): Promise<CommandResult> {
  if (!fs.existsSync(MACHINE_JQ)) return unsupported(ctx);
  const args = ctx.argv.slice(1);
  const out: string[] = [];
  let filterSeen = false;
  let files = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--arg' || a === '--argjson') out.push(a, args[++i] ?? '', args[++i] ?? '');
    else if (a === '--slurpfile' || a === '--rawfile') out.push(a, args[++i] ?? '', ctx.path(args[++i] ?? ''));
    else if (a === '-f' || a === '--from-file') { out.push(a, ctx.path(args[++i] ?? '')); filterSeen = true; }
    else if (a === '--args' || a === '--jsonargs') { out.push(...args.slice(i)); break; }
    else if (a.startsWith('-') && a !== '-') out.push(a);
    else if (!filterSeen) { out.push(a); filterSeen = true; }
    else { out.push(ctx.path(a)); files++; }
  }
  const stdin = files > 0 ? Buffer.alloc(0) : await ctx.readStdin();
  return new Promise((resolve) => {
    const p = spawn(MACHINE_JQ, out, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const so: Buffer[] = [];
    const se: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => so.push(d));
    p.stderr.on('data', (d: Buffer) => se.push(d));
    // machine paths must not leak into messages: show the host's view of them
    const root = ctx.path('/').replace(/\/+$/, '');
    const hostView = (s: string): string => (root ? s.split(root).join('') : s);
    p.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(so), stderr: hostView(Buffer.concat(se).toString('utf8')) }));
    p.on('error', () => resolve(unsupported(ctx)));
    p.stdin.on('error', () => undefined);
    p.stdin.end(stdin);
  });
}
