/** What "the cluster works" means in the reference tests, read with kubectl/curl on the hosts. */
import type { RefHost, RefLab } from './ref-lab.ts';

interface PodList {
  items: { metadata: { name: string; namespace: string }; spec: { hostNetwork?: boolean; nodeName?: string }; status: { phase: string; podIP?: string } }[];
}

export function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(net!) / size);
}

export async function readyNodes(lab: RefLab): Promise<string[]> {
  const out = await lab.ssh(lab.master, `kubectl get nodes --no-headers`);
  return out.stdout.split('\n').filter((l) => /\sReady\s/.test(l)).map((l) => l.split(/\s+/)[0]!);
}

export async function waitReady(lab: RefLab, n: number): Promise<void> {
  await lab.until(lab.master, 'kubectl get nodes --no-headers', (s) => s.split('\n').filter((l) => /\sReady\s/.test(l)).length === n);
  await lab.until(lab.master, 'kubectl get pods -A --no-headers', (s) => s.trim() !== '' && s.trim().split('\n').every((l) => /\sRunning\s/.test(l)));
}

export async function pods(lab: RefLab): Promise<PodList['items']> {
  const out = await lab.ssh(lab.master, 'kubectl get pods -A -o json');
  return (JSON.parse(out.stdout) as PodList).items;
}

export async function proxyMode(lab: RefLab, h: RefHost): Promise<string> {
  return (await lab.ssh(h, 'curl -s 127.0.0.1:10249/proxyMode')).stdout.trim();
}
