/**
 * The simulated /proc and /sys files the host's mounts show (ARCHITECTURE.md): one file
 * per sysctl key under /run/.kflab/procsys, /run/.kflab/proc/{swaps,meminfo,cpuinfo,modules},
 * /run/.kflab/sys/{class/dmi/id/product_uuid,class/net/eth0/address,module/<name>/}.
 * Files are rewritten in place (they are bind-mounted), only when their content changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SimContext } from '../api.ts';
import { runningKernel } from './host.ts';
import { kernelFamily, moduleTable } from './kernel.ts';

export const PROCSYS = '/run/.kflab/procsys';
export const PROC = '/run/.kflab/proc';
export const SYS = '/run/.kflab/sys';

/** Swap device of the profile and its size in KiB. */
export const swapDevice = (ctx: SimContext): { dev: string; sizeKb: number } =>
  ctx.host.os === 'centos7' ? { dev: '/dev/dm-1', sizeKb: 2097148 } : { dev: '/dev/dm-1', sizeKb: 2093052 };

/**
 * What this process last wrote, per host boot: simulated commands then touch only the files
 * whose content changed (a full compare of ~300 files per command would cost tens of ms).
 */
const written = new Map<string, Map<string, string>>();

function writeIfChanged(file: string, content: string, cache?: Map<string, string>): void {
  if (cache?.get(file) === content) return;
  try {
    if (!cache && fs.readFileSync(file, 'utf8') === content) return;
  } catch {
    // not there yet
  }
  try {
    fs.writeFileSync(file, content);
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  cache?.set(file, content);
}

function walk(dir: string, prefix: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) walk(path.join(dir, e.name), rel, out);
    else out.push(rel);
  }
}

export const keyToPath = (key: string): string => key.replace(/\./g, '/');

export function meminfo(ctx: SimContext): string {
  const rt = ctx.runtime();
  const total = ctx.host.memoryMiB * 1024;
  const free = Math.floor(total * 0.62);
  const avail = Math.floor(total * 0.78);
  const swap = rt.swapActive ? swapDevice(ctx).sizeKb : 0;
  const row = (k: string, v: number, unit = ' kB'): string => `${(k + ':').padEnd(16)}${String(v).padStart(8)}${unit}\n`;
  return [
    row('MemTotal', total), row('MemFree', free), row('MemAvailable', avail), row('Buffers', 2108),
    row('Cached', Math.floor(total * 0.12)), row('SwapCached', 0), row('Active', Math.floor(total * 0.1)),
    row('Inactive', Math.floor(total * 0.08)), row('SwapTotal', swap), row('SwapFree', swap),
    row('Dirty', 8), row('Writeback', 0), row('AnonPages', Math.floor(total * 0.05)), row('Mapped', 30020),
    row('Shmem', 8804), row('Slab', 60140), row('SReclaimable', 28020), row('SUnreclaim', 32120),
    row('KernelStack', 3200), row('PageTables', 5100), row('CommitLimit', Math.floor(total / 2) + swap),
    row('Committed_AS', 320000), row('VmallocTotal', 34359738367), row('HugePages_Total', 0, ''),
    row('HugePages_Free', 0, ''), row('Hugepagesize', 2048), row('DirectMap4k', 96128),
  ].join('');
}

function cpuinfo(ctx: SimContext): string {
  const out: string[] = [];
  for (let i = 0; i < ctx.host.cpus; i++) {
    out.push([
      `processor\t: ${i}`, 'vendor_id\t: GenuineIntel', 'cpu family\t: 6', 'model\t\t: 85',
      'model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 'stepping\t: 7', 'cpu MHz\t\t: 2095.078',
      'cache size\t: 28160 KB', `physical id\t: ${i}`, 'siblings\t: 1', 'core id\t\t: 0', 'cpu cores\t: 1',
      `apicid\t\t: ${i}`, 'fpu\t\t: yes', 'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 arat avx512_vnni',
      'bogomips\t: 4190.15', 'address sizes\t: 46 bits physical, 48 bits virtual', '',
    ].join('\n'));
  }
  return out.join('\n') + '\n';
}

/** Who uses each loaded module (reverse dependencies among loaded ones). */
export function moduleHolders(ctx: SimContext): Record<string, string[]> {
  const table = moduleTable(kernelFamily(runningKernel(ctx)), ctx.host);
  const loaded = ctx.runtime().modules;
  const holders: Record<string, string[]> = {};
  for (const m of loaded) holders[m] = [];
  for (const m of loaded) for (const d of table[m]?.deps ?? []) if (holders[d]) holders[d].push(m);
  return holders;
}

function procModules(ctx: SimContext): string {
  const table = moduleTable(kernelFamily(runningKernel(ctx)), ctx.host);
  const holders = moduleHolders(ctx);
  const loaded = [...ctx.runtime().modules].reverse();
  let addr = 0xffffffffc0a00000n;
  return loaded.map((m) => {
    addr += 0x10000n;
    const h = holders[m] ?? [];
    return `${m} ${table[m]?.size ?? 16384} ${h.length} ${h.length ? h.join(',') + ',' : '-'} Live 0x${addr.toString(16)}\n`;
  }).join('');
}

/** Write every simulated /proc and /sys file from the current state (cheap when nothing changed). */
export function writeProcFiles(ctx: SimContext): void {
  const rt = ctx.runtime();
  const root = ctx.path(PROCSYS);
  const cacheKey = `${root}|${rt.bootId}`;
  let cache = written.get(cacheKey);
  const want = new Map<string, string>();
  for (const [k, v] of Object.entries(rt.sysctl)) want.set(path.join(root, keyToPath(k)), `${v}\n`);
  want.set(path.join(root, 'kernel/hostname'), `${rt.hostname}\n`);
  // a new one every boot: scripts and tools tell boots apart by it
  want.set(path.join(root, 'kernel/random/boot_id'), `${rt.bootId}\n`);
  if (!cache || !fs.existsSync(root)) {
    // first write of this boot (or by this process): reconcile with what is on disk
    cache = new Map();
    written.set(cacheKey, cache);
    const have: string[] = [];
    walk(root, '', have);
    for (const rel of have) {
      const f = path.join(root, rel);
      if (!want.has(f)) fs.rmSync(f, { force: true });
    }
    for (const [f, content] of want) writeIfChanged(f, content);
    for (const [f, content] of want) cache.set(f, content);
  } else {
    for (const f of [...cache.keys()]) {
      if (f.startsWith(root + '/') && !want.has(f)) {
        fs.rmSync(f, { force: true });
        cache.delete(f);
      }
    }
    for (const [f, content] of want) writeIfChanged(f, content, cache);
  }

  const proc = ctx.path(PROC);
  const sw = swapDevice(ctx);
  writeIfChanged(path.join(proc, 'swaps'), 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n' +
    (rt.swapActive ? `${sw.dev.padEnd(40)}partition\t${sw.sizeKb}\t0\t-2\n` : ''), cache);
  writeIfChanged(path.join(proc, 'meminfo'), meminfo(ctx), cache);
  writeIfChanged(path.join(proc, 'cpuinfo'), cpuinfo(ctx), cache);
  writeIfChanged(path.join(proc, 'modules'), procModules(ctx), cache);

  const sys = ctx.path(SYS);
  writeIfChanged(path.join(sys, 'class/dmi/id/product_uuid'), `${ctx.host.productUuid}\n`, cache);
  writeIfChanged(path.join(sys, 'class/net/eth0/address'), `${ctx.host.mac}\n`, cache);
  writeIfChanged(path.join(sys, 'class/net/eth0/operstate'), rt.networkUp ? 'up\n' : 'down\n', cache);
  const modKey = path.join(sys, 'module');
  const modList = [...rt.modules].sort().join(',');
  if (cache.get(modKey) !== modList) {
    fs.mkdirSync(modKey, { recursive: true });
    const present = new Set(fs.readdirSync(modKey));
    for (const m of rt.modules) {
      if (!present.has(m)) fs.mkdirSync(path.join(modKey, m, 'parameters'), { recursive: true });
      writeIfChanged(path.join(modKey, m, 'initstate'), 'live\n');
    }
    for (const m of present) if (!rt.modules.includes(m)) fs.rmSync(path.join(modKey, m), { recursive: true, force: true });
    cache.set(modKey, modList);
  }
}
