/**
 * Command and service tables of the simulator. Each area (os/, node/, cluster/) registers
 * its handlers from its own index.ts; the daemon imports scripts/lab/sim/all.ts.
 */
import type { Handler, ServiceHook } from './api.ts';

const commands = new Map<string, Handler>();
const services = new Map<string, ServiceHook>();

export function registerCommand(name: string, handler: Handler): void {
  if (commands.has(name)) throw new Error(`simulated command registered twice: ${name}`);
  commands.set(name, handler);
}

export function registerService(name: string, hook: ServiceHook): void {
  if (services.has(name)) throw new Error(`simulated service registered twice: ${name}`);
  services.set(name, hook);
}

export const commandHandler = (name: string): Handler | undefined => commands.get(name);
export const serviceHook = (name: string): ServiceHook | undefined => services.get(name);
export const commandNames = (): string[] => [...commands.keys()].sort();

/**
 * HTTP(S) as the lab answers it (curl, wget, yum metadata, registry manifests, kube-proxy's
 * :10249/proxyMode, the API server's /healthz): the os area's curl/wget ask each handler in
 * turn; undefined means "not mine". Anything no handler claims fails like an unreachable host.
 */
export interface HttpAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** a network-level failure instead of an HTTP answer */
  error?: 'dns' | 'refused' | 'timeout';
}
export type HttpHandler = (ctx: import('./api.ts').SimContext, url: URL, method: string) => Promise<HttpAnswer | undefined>;
const http: { name: string; fn: HttpHandler }[] = [];
export function registerHttp(name: string, fn: HttpHandler): void {
  if (http.some((h) => h.name === name)) throw new Error(`http handler registered twice: ${name}`);
  http.push({ name, fn });
}
export async function answerHttp(ctx: import('./api.ts').SimContext, url: URL, method = 'GET'): Promise<HttpAnswer | undefined> {
  for (const h of http) {
    const a = await h.fn(ctx, url, method);
    if (a) return a;
  }
  return undefined;
}
