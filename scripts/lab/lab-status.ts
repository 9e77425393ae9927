/** `lab status`: each host's name, address, os, whether it is up (init alive and sshd answering), pid, cpus, memory. */
import { labPaths } from './paths.ts';
import { readLabState } from './lab-state.ts';
import { isAlive, waitPort } from './host-process.ts';

export interface HostStatus {
  name: string;
  address: string;
  os: string;
  up: boolean;
  pid: number | null;
  cpus: number;
  memoryMiB: number;
}

export async function labStatus(cwd: string): Promise<HostStatus[] | undefined> {
  const state = readLabState(labPaths(cwd).labJson);
  if (!state) return undefined;
  return Promise.all(
    state.hosts.map(async (h) => {
      const pid = state.pids?.[h.name];
      const alive = isAlive(pid);
      return {
        name: h.name,
        address: h.address,
        os: h.os,
        up: alive && (await waitPort(h.address, 22, 300)),
        pid: alive ? pid : null,
        cpus: h.cpus,
        memoryMiB: h.memoryMiB,
      };
    }),
  );
}

export function statusTable(rows: HostStatus[]): string {
  const head = ['NAME', 'ADDRESS', 'OS', 'STATUS', 'PID', 'CPUS', 'MEMORY'];
  const body = rows.map((r) => [r.name, r.address, r.os, r.up ? 'up' : 'down', String(r.pid ?? '-'), String(r.cpus), `${r.memoryMiB}Mi`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd()).join('\n') + '\n';
}
