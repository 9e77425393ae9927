/**
 * kubeforge's own directory (templates/, the data files), found upward from this module: the
 * same whether the sources run through tsx (src/) or compiled (build/src/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'templates'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kubeforge: cannot find its own directory (package.json beside templates/)');
    dir = up;
  }
}

export const PACKAGE_ROOT = find();

/** src/inventory/data/<name>: read as data, not compiled */
export const dataFile = (name: string): string => path.join(PACKAGE_ROOT, 'src', 'inventory', 'data', name);
