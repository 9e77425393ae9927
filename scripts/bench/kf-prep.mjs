#!/usr/bin/env node
// Like bin/kubeforge.mjs: TypeScript through tsx, so the start-up cost is the CLI's.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
await import(path.join(path.dirname(fileURLToPath(import.meta.url)), 'kf-prep.ts'));
