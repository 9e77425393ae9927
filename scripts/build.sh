#!/usr/bin/env bash
# Compiles src/ to build/ (JavaScript) for bin/kubeforge.mjs, which uses it while it is newer
# than every source file; without it the CLI runs the TypeScript through tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build
npx tsc -p tsconfig.build.json --noEmitOnError
touch build/.stamp
