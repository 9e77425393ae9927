#!/usr/bin/env node
// Started like bin/kubeforge.mjs (compiled when build/ is fresh, else tsx), so that its
// start-up and memory are the CLI's.
import { importEntry } from '../../bin/compiled.mjs';

await importEntry('scripts/bench/kf-prep');
