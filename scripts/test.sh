#!/usr/bin/env bash
# Every test: typecheck, then vitest in two passes — the suites in parallel, then the tests that
# run real processes against each other (ZeroMQ, driver supervision) one file at a time, so their
# timing is not at the mercy of a CPU-heavy neighbour. Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p tsconfig.json || { echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; }

PROCESS_TESTS=(test/bus/zeromq.test.ts test/hw/drivers/drive.test.ts)
reports=()
status=0
run() {
  local report
  report=$(mktemp)
  reports+=("$report")
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=1
}
excludes=()
for t in "${PROCESS_TESTS[@]}"; do excludes+=(--exclude "$t"); done
run "${excludes[@]}"
run --no-file-parallelism "${PROCESS_TESTS[@]}"

node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    try {
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    } catch { failed += 1; console.error(`vitest wrote no report to ${file}`); }
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
' "${reports[@]}"
rm -f "${reports[@]}"
exit $status
