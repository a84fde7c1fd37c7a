#!/usr/bin/env bash
# The test command: starts PostgreSQL, Redis and RabbitMQ (installing them if needed), builds with
# warnings as errors, runs every test project, and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ]; then
  bash scripts/services.sh || { echo "services failed to start"; echo "0 passed, 1 failed"; exit 1; }
else
  echo "[test] not root: assuming PostgreSQL, Redis and RabbitMQ already run (scripts/services.sh starts them)"
fi

results="TestResults"
rm -rf "$results"
dotnet build Marketplace.slnx -warnaserror -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# Test projects run one after another (-m:1 keeps two hosts from fighting for the 2 cores and the same servers).
dotnet test Marketplace.slnx --no-build -nologo -m:1 --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed)
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout)
  # A skipped test is counted in total but not executed.
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0})); skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
# A project whose host crashed writes no counters: count the run as failed rather than silently passing.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$files" -eq 0 ]; then failed=$((failed + 1)); fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
