// Which code to run: the compiled JavaScript under build/ while its stamp is newer than every
// file under src/ (and KUBEFORGE_RUN does not say tsx), else the TypeScript through tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export function buildIsFresh() {
  let built;
  try {
    built = fs.statSync(path.join(root, 'build', '.stamp')).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built;
  });
  return !newer(path.join(root, 'src'));
}

/**
 * Import `<rel>.js` from build/ or `<rel>.ts` through tsx (rel from the package root, without
 * extension). `preferSources`: tsx even when the build is fresh.
 */
export async function importEntry(rel, preferSources = false) {
  const mode = process.env.KUBEFORGE_RUN;
  if (mode === 'build' && !buildIsFresh()) {
    process.stderr.write('kubeforge: KUBEFORGE_RUN=build but build/ is missing or older than src/ (npm run build)\n');
    process.exit(2);
  }
  if (mode === 'build' || (mode !== 'tsx' && !preferSources && buildIsFresh())) return import(path.join(root, 'build', `${rel}.js`));
  const { register } = await import('tsx/esm/api');
  register();
  return import(path.join(root, `${rel}.ts`));
}
