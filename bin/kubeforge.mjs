#!/usr/bin/env node
// Runs the compiled JavaScript (build/, `npm run build`) when it is newer than every source
// file: less memory and a faster start. Otherwise, and for the `lab` verbs (their simulator
// runs its TypeScript through tsx anyway), the TypeScript sources directly through tsx, so
// `npx kubeforge` works right after `npm ci` with no build step and no install scripts.
// KUBEFORGE_RUN=tsx|build forces one (build fails when it is missing or stale).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'build', '.stamp');

/** The build is usable when its stamp is newer than every file under src/. */
function buildIsFresh() {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? newer(p) : fs.statSync(p).mtimeMs > built;
  });
  return !newer(path.join(root, 'src'));
}

const mode = process.env.KUBEFORGE_RUN;
const wantsLab = process.argv.slice(2).includes('lab');
if (mode === 'build' && !buildIsFresh()) {
  process.stderr.write('kubeforge: KUBEFORGE_RUN=build but build/ is missing or older than src/ (npm run build)\n');
  process.exit(2);
}
const compiled = mode === 'build' || (mode !== 'tsx' && !wantsLab && buildIsFresh());
let main;
if (compiled) {
  ({ main } = await import(path.join(root, 'build', 'src', 'cli.js')));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(path.join(root, 'src', 'cli.ts')));
}
await main(process.argv);
