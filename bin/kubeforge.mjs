#!/usr/bin/env node
// Runs the compiled JavaScript (build/, `npm run build`) when it is newer than every source
// file: less memory and a faster start. Otherwise, and for the `lab` verbs (their simulator
// runs its TypeScript through tsx anyway), the TypeScript sources directly through tsx, so
// `npx kubeforge` works right after `npm ci` with no build step and no install scripts.
// KUBEFORGE_RUN=tsx|build forces one (build fails when it is missing or stale).
import { importEntry } from './compiled.mjs';

const { main } = await importEntry('src/cli', process.argv.slice(2).includes('lab'));
await main(process.argv);
