/**
 * The first content of a host's /run/.kflab at every boot (the init copies hosts/H/seed
 * there before binding): /proc views (cpuinfo, meminfo, swaps, modules), the /proc/sys tree
 * and the /sys tree. The os area's boot() then writes the real simulated values. Files that
 * are bound one by one (/proc/swaps ...) must be rewritten in place, never replaced by rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabHost } from './sim/api.ts';

function cpuinfo(h: LabHost): string {
  const one = (i: number): string =>
    [
      `processor\t: ${i}`,
      'vendor_id\t: GenuineIntel',
      'cpu family\t: 6',
      'model\t\t: 85',
      'model name\t: Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz',
      'stepping\t: 7',
      'microcode\t: 0x1',
      'cpu MHz\t\t: 2999.998',
      'cache size\t: 36608 KB',
      `physical id\t: ${i}`,
      'siblings\t: 1',
      'core id\t\t: 0',
      'cpu cores\t: 1',
      `apicid\t\t: ${i}`,
      `initial apicid\t: ${i}`,
      'fpu\t\t: yes',
      'fpu_exception\t: yes',
      'cpuid level\t: 13',
      'wp\t\t: yes',
      'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon nopl xtopology tsc_reliable nonstop_tsc eagerfpu pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch avx2 smep bmi2 invpcid avx512f avx512dq rdseed adx smap avx512cd avx512bw avx512vl',
      'bogomips\t: 5999.99',
      'clflush size\t: 64',
      'cache_alignment\t: 64',
      'address sizes\t: 45 bits physical, 48 bits virtual',
      'power management:',
      '',
      '',
    ].join('\n');
  return Array.from({ length: h.cpus }, (_, i) => one(i)).join('');
}

function meminfo(h: LabHost): string {
  const total = h.memoryMiB * 1024;
  const free = Math.floor(total * 0.85);
  const rows: [string, number][] = [
    ['MemTotal', total], ['MemFree', free], ['MemAvailable', Math.floor(total * 0.9)],
    ['Buffers', 2108], ['Cached', Math.floor(total * 0.05)], ['SwapCached', 0],
    ['Active', Math.floor(total * 0.04)], ['Inactive', Math.floor(total * 0.03)],
    ['SwapTotal', 0], ['SwapFree', 0], ['Dirty', 12], ['Writeback', 0],
    ['AnonPages', Math.floor(total * 0.02)], ['Mapped', 24576], ['Shmem', 8944],
    ['Slab', 61440], ['SReclaimable', 30720], ['SUnreclaim', 30720],
    ['KernelStack', 2496], ['PageTables', 4096], ['CommitLimit', Math.floor(total / 2)],
    ['Committed_AS', 262144], ['VmallocTotal', 34359738367], ['VmallocUsed', 18432],
    ['HugePages_Total', 0], ['HugePages_Free', 0], ['Hugepagesize', 2048],
  ];
  return rows
    .map(([k, v]) => {
      const unit = k.startsWith('HugePages_') ? '' : ' kB';
      return `${(k + ':').padEnd(16)}${String(v).padStart(8)}${unit}\n`;
    })
    .join('');
}

/** A small /proc/sys to start from; boot() writes every key of the simulated kernel. */
function procSys(h: LabHost): Record<string, string> {
  return {
    'kernel/hostname': 'localhost.localdomain',
    'kernel/osrelease': h.os === 'centos7' ? '3.10.0-1160.el7.x86_64' : '5.14.0-427.13.1.el9_4.x86_64',
    'kernel/pid_max': '32768',
    'net/ipv4/ip_forward': '0',
    'vm/swappiness': '30',
    'fs/file-max': String(h.memoryMiB * 100),
  };
}

export function writeSeed(dir: string, h: LabHost): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const put = (rel: string, content: string, mode = 0o644): void => {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content, { mode });
  };
  put('proc/cpuinfo', cpuinfo(h), 0o444);
  put('proc/meminfo', meminfo(h), 0o444);
  put('proc/swaps', 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n', 0o444);
  put('proc/modules', '', 0o444);
  for (const [k, v] of Object.entries(procSys(h))) put(`procsys/${k}`, v + '\n');
  put('sys/class/dmi/id/product_uuid', h.productUuid + '\n', 0o400);
  put('sys/class/dmi/id/product_name', 'KVM\n', 0o444);
  put('sys/class/dmi/id/sys_vendor', 'Red Hat\n', 0o444);
  put('sys/class/net/eth0/address', h.mac + '\n', 0o444);
  put('sys/class/net/eth0/operstate', 'up\n', 0o444);
  put('sys/class/net/lo/address', '00:00:00:00:00:00\n', 0o444);
  // glibc's get_nprocs (getconf _NPROCESSORS_ONLN, python os.cpu_count) reads these
  const range = h.cpus > 1 ? `0-${h.cpus - 1}` : '0';
  for (const f of ['online', 'possible', 'present']) put(`sys/devices/system/cpu/${f}`, range + '\n', 0o444);
  for (let i = 0; i < h.cpus; i++) fs.mkdirSync(path.join(dir, `sys/devices/system/cpu/cpu${i}`), { recursive: true });
  fs.mkdirSync(path.join(dir, 'sys/module'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'sys/fs/cgroup'), { recursive: true });
}
