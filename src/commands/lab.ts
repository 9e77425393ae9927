import type { Command } from 'commander';
import { InputError, UserError } from '../errors.ts';

// The lab's modules load only when a lab verb runs: they import the whole simulator.
const labModule = async <T>(name: string): Promise<T> => (await import(`../../scripts/lab/${name}.ts`)) as T;

function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new UserError('the lab needs root (network namespaces, mounts): run it as root');
  }
}

const int = (name: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${name}: expected an integer >= ${min}, got ${v}`);
  return n;
};

export function defineLab(program: Command): void {
  const lab = program.command('lab').description('the local simulated fleet of CentOS / Rocky hosts (needs root)');

  lab.command('up <n>')
    .description('start a fleet of N hosts (first master, rest workers) and write .kubeforge/lab/inventory.yaml')
    .option('--os <profile>', 'centos7 | rocky9', 'centos7')
    .option('--latency-ms <ms>', 'delay added to heavy commands (package installs, pulls, init, join)', '0')
    .option('--registry-view <view>', 'cn (cn mirrors reachable, upstream registries not) | global', 'cn')
    .option('--cpus <list>', 'CPU count per host, comma-separated (the last one repeats)', '2')
    .option('--memory-mib <mib>', 'memory per host', '4096')
    .action(async (n: string, o: { os: string; latencyMs: string; registryView: string; cpus: string; memoryMib: string }) => {
      const count = int('N', 1)(n);
      if (count > 1000) throw new InputError('N: at most 1000 hosts');
      if (o.os !== 'centos7' && o.os !== 'rocky9') throw new InputError(`--os: expected centos7 or rocky9, got ${o.os}`);
      if (o.registryView !== 'cn' && o.registryView !== 'global') throw new InputError(`--registry-view: expected cn or global, got ${o.registryView}`);
      const cpus = o.cpus.split(',').map(int('--cpus', 1));
      const memoryMiB = int('--memory-mib', 256)(o.memoryMib);
      const latencyMs = int('--latency-ms', 0)(o.latencyMs);
      requireRoot();
      const { labUp } = await labModule<typeof import('../../scripts/lab/lab-up.ts')>('lab-up');
      const r = await labUp(process.cwd(), {
        count, os: o.os, cpus, memoryMiB, latencyMs, registryView: o.registryView,
      }).catch((e: unknown) => {
        throw new UserError(`lab up failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (r.alreadyUp) {
        process.stdout.write(`lab already up: ${r.hosts} hosts in ${r.lab.dir}` + (r.started.length ? ` (started again: ${r.started.join(', ')})` : '') + '\n');
      } else {
        process.stdout.write(`lab up: ${r.hosts} hosts in ${(r.ms / 1000).toFixed(1)}s\ninventory: ${r.lab.inventory}\n`);
      }
    });

  lab.command('down').description('stop every host and remove the lab (namespaces, veths, bridge, processes, files)').action(async () => {
    requireRoot();
    const { labDown } = await labModule<typeof import('../../scripts/lab/lab-down.ts')>('lab-down');
    const r = await labDown(process.cwd());
    process.stdout.write(`lab down: ${r.hosts} hosts removed\n`);
  });

  lab.command('status')
    .description('each host: name, address, os, up, pid, cpus, memory')
    .option('-o, --output <format>', 'text | json (one object per host per line)', 'text')
    .action(async (o: { output: string }) => {
      requireRoot();
      const { labStatus, statusTable } = await labModule<typeof import('../../scripts/lab/lab-status.ts')>('lab-status');
      const rows = await labStatus(process.cwd());
      if (!rows) throw new UserError('no lab here (run `kubeforge lab up N` first)');
      process.stdout.write(o.output === 'json' ? rows.map((r) => JSON.stringify(r) + '\n').join('') : statusTable(rows));
    });

  lab.command('exec <host> <cmd...>')
    .description('run CMD (bash -c) as root inside the host; exits with its exit code')
    .allowUnknownOption()
    .action(async (host: string, cmd: string[]) => {
      requireRoot();
      const { labExec, LabExecError } = await labModule<typeof import('../../scripts/lab/lab-exec.ts')>('lab-exec');
      try {
        process.exitCode = await labExec(process.cwd(), host, cmd);
      } catch (e) {
        if (e instanceof LabExecError) throw new UserError(e.message);
        throw e;
      }
    });

  lab.command('reboot <host>').description('reboot a host: SSH drops, it comes back with only its persisted state').action(async (host: string) => {
    requireRoot();
    const [{ control }, { labPaths }] = await Promise.all([
      labModule<typeof import('../../scripts/lab/control.ts')>('control'),
      labModule<typeof import('../../scripts/lab/paths.ts')>('paths'),
    ]);
    const a = await control(labPaths(process.cwd()).controlSock, { op: 'reboot', host }).catch((e: unknown) => {
      throw new UserError(`no running lab here (${e instanceof Error ? e.message : String(e)})`);
    });
    if (!a.ok) throw new UserError(`reboot ${host}: ${a.error}`);
    process.stdout.write(`${host} rebooted\n`);
  });

  defineFault(lab);
}

function defineFault(lab: Command): void {
  const fault = lab.command('fault').description('switch lab faults on and off (faults.json)');
  const change = async (c: import('../../scripts/lab/lab-fault.ts').FaultChange): Promise<void> => {
    requireRoot();
    const { changeFaults, NoLabError } = await labModule<typeof import('../../scripts/lab/lab-fault.ts')>('lab-fault');
    try {
      changeFaults(process.cwd(), c);
    } catch (e) {
      if (e instanceof NoLabError) throw new UserError(e.message);
      throw e;
    }
  };
  fault.command('show').description('print faults.json').action(async () => {
    const { readFaults } = await labModule<typeof import('../../scripts/lab/lab-fault.ts')>('lab-fault');
    process.stdout.write(JSON.stringify(readFaults(process.cwd()), null, 2) + '\n');
  });
  fault.command('clear').description('clear every fault').action(() => change({ kind: 'clear' }));
  fault.command('mirror <urlPrefix> [how]')
    .description('make URLs under a prefix fail: 404 | 403 | timeout | dns; --clear to undo')
    .option('--clear', 'remove this fault')
    .action((url: string, how: string | undefined, o: { clear?: boolean }) => {
      if (!o.clear && !['404', '403', 'timeout', 'dns'].includes(how ?? '')) throw new InputError('mirror: how must be 404, 403, timeout or dns');
      return change({ kind: 'mirror', url, fault: o.clear ? null : (how as '404' | '403' | 'timeout' | 'dns') });
    });
  fault.command('registry-down <registry>')
    .description('make a registry (host or host/prefix) unreachable; --clear to undo')
    .option('--clear', 'remove this fault')
    .action((registry: string, o: { clear?: boolean }) => change({ kind: 'registry-down', registry, down: !o.clear }));
  fault.command('missing-tag <image>')
    .description('make repository:tag missing from its registry; --clear to undo')
    .option('--clear', 'remove this fault')
    .action((image: string, o: { clear?: boolean }) => change({ kind: 'missing-tag', image, missing: !o.clear }));
  fault.command('stale-mirror <urlPrefix> [newest]')
    .description('a package mirror that stopped syncing: no kubeadm/kubelet/kubectl newer than NEWEST (e.g. 1.30.2) under the prefix; --clear to undo')
    .option('--clear', 'remove this fault')
    .action((url: string, newest: string | undefined, o: { clear?: boolean }) => {
      if (!o.clear && !/^\d+\.\d+\.\d+$/.test(newest ?? '')) throw new InputError('stale-mirror: newest must be a Kubernetes version such as 1.30.2');
      return change({ kind: 'stale-mirror', url, newest: o.clear ? null : (newest as string) });
    });
  fault.command('fail-next <pattern>')
    .description('the next N simulated commands whose argv matches PATTERN (regexp) fail or hang')
    .option('--host <name>', 'only on this host')
    .option('--count <n>', 'how many', '1')
    .option('--hang', 'hang instead of failing')
    .option('--code <n>', 'exit code when failing', '1')
    .option('--stderr <text>', 'what the failing command prints on stderr')
    .option('--clear', 'remove every fail-next entry')
    .action((pattern: string, o: { host?: string; count: string; hang?: boolean; code: string; stderr?: string; clear?: boolean }) => {
      if (o.clear) return change({ kind: 'clear-fail-next' });
      try {
        new RegExp(pattern);
      } catch {
        throw new InputError(`fail-next: not a valid regular expression: ${pattern}`);
      }
      return change({
        kind: 'fail-next',
        entry: {
          pattern, count: int('--count', 1)(o.count), mode: o.hang ? 'hang' : 'fail', code: int('--code', 0)(o.code),
          ...(o.host ? { host: o.host } : {}), ...(o.stderr !== undefined ? { stderr: o.stderr.endsWith('\n') ? o.stderr : o.stderr + '\n' } : {}),
        },
      });
    });
  const viaDaemon = async (req: Parameters<typeof import('../../scripts/lab/lab-fault.ts').daemonFault>[1]): Promise<void> => {
    requireRoot();
    const { daemonFault } = await labModule<typeof import('../../scripts/lab/lab-fault.ts')>('lab-fault');
    const n = await daemonFault(process.cwd(), req).catch((e: unknown) => {
      throw new UserError(`${req.op}: ${e instanceof Error ? e.message : String(e)}`);
    });
    if (n !== undefined) process.stdout.write(`${n} token(s) expired\n`);
  };
  fault.command('expire-tokens').description('every bootstrap token of the lab cluster expires (joins fail)')
    .action(() => viaDaemon({ op: 'expire-tokens' }));
  fault.command('expire-cert-keys').description('the uploaded certificates expire (control-plane joins with --certificate-key fail)')
    .action(() => viaDaemon({ op: 'expire-cert-keys' }));
  fault.command('clock <host> <seconds>').description("set the host's clock to the machine's plus SECONDS (may be negative)")
    .action((host: string, seconds: string) => {
      const n = Number(seconds);
      if (!Number.isInteger(n)) throw new InputError(`clock: SECONDS must be an integer: ${seconds}`);
      return viaDaemon({ op: 'clock', host, seconds: n });
    });
  fault.command('drop-ssh <host> <seconds>')
    .description("kill the host's sshd and its sessions; it comes back after SECONDS")
    .action(async (host: string, seconds: string) => {
      requireRoot();
      const { dropSsh } = await labModule<typeof import('../../scripts/lab/lab-fault.ts')>('lab-fault');
      await dropSsh(process.cwd(), host, int('seconds', 1)(seconds)).catch((e: unknown) => {
        throw new UserError(`drop-ssh: ${e instanceof Error ? e.message : String(e)}`);
      });
    });
}
