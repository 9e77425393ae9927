#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx kubeforge` works right after `npm ci`
// with no build step and no install scripts.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(path.join(here, '..', 'src', 'cli.ts'));
await main(process.argv);
