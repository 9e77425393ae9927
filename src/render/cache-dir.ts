/** The user's kubeforge cache: ~/.cache/kubeforge (XDG_CACHE_HOME honoured; KUBEFORGE_CACHE_DIR overrides, for tests). */
import os from 'node:os';
import path from 'node:path';

export function cacheDir(): string {
  if (process.env.KUBEFORGE_CACHE_DIR) return process.env.KUBEFORGE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kubeforge');
}
