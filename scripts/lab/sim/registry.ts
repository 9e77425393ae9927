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
