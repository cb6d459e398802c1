#!/usr/bin/env bash
# Every test: typecheck, then vitest. Ends with the plain summary line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p tsconfig.json || { echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; }
report=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" 2>/dev/null || echo "0 passed, 1 failed (vitest wrote no report)"
rm -f "$report"
exit $status
