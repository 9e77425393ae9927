/**
 * A freshly installed host of each OS profile, and its boot.
 * OWNED BY the sim-os area (this is the contract; the bodies are filled there).
 */
import type { LabHost, SimContext } from '../api.ts';

export interface FileSpec {
  path: string;
  content: string;
  mode?: number;
}

/** Files a fresh host has beyond the machine's own /etc (os-release, repos, fstab with swap, selinux config...). */
export function freshHostFiles(_host: LabHost): FileSpec[] {
  return [];
}

/** Commands present on a fresh host of this profile (linked to the client at provisioning). */
export function baseCommands(_host: LabHost): string[] {
  return [];
}

/** Rebuild the runtime state from persisted files only (modules-load.d, sysctl.d, fstab swap, SELinux config, enabled services, hostname). */
export async function boot(_ctx: SimContext): Promise<void> {}
