#!/usr/bin/env bash
# The test command of the README and of CI: installs what is missing, runs every test
# (unit, and e2e on the lab over real SSH), and ends with a plain "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1

report="$(mktemp /tmp/kubeforge-vitest-XXXXXX.json)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
rc=$?
node -e '
  const fs = require("fs");
  let r;
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 passed, 1 failed"); process.exit(0); }
  const passed = r.numPassedTests ?? 0;
  // a file that failed to load has no failed test of its own: count it as one failure
  const brokenFiles = (r.testResults ?? []).filter(t => t.status === "failed" && !(t.assertionResults ?? []).some(a => a.status === "failed")).length;
  const failed = (r.numFailedTests ?? 0) + brokenFiles;
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report"
rm -f "$report"
exit $rc
