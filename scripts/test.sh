#!/usr/bin/env bash
# The test command: starts PostgreSQL, Redis and RabbitMQ (installing them if needed), builds with
# warnings as errors, lints the OpenAPI document, checks the monitoring (alert rules, their tests, routing, runbooks),
# runs every test project, and ends with one line: "N passed, N failed, N skipped".
# TEST_HANG_TIMEOUT (default 10m) is how long one test may run before its process is dumped and stopped.
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

# The committed OpenAPI document (api/openapi.json, which a Security test keeps equal to the host's) must lint with no
# error in Redocly CLI and Spectral; a lint failure counts as one failed test.
lint_failed=0
bash scripts/openapi-lint.sh || { echo "[test] the OpenAPI lint (scripts/openapi-lint.sh) failed"; lint_failed=1; }

# The alert rules, their unit tests, Alertmanager's routing and the runbooks (scripts/ops-check.sh): each of its checks
# and rule test files counts as one test. A run that prints no summary counts as one failure.
ops_output=$(bash scripts/ops-check.sh 2>&1 </dev/null)
printf '%s\n' "$ops_output"
ops_passed=0; ops_failed=1
if [[ "$(tail -n 1 <<<"$ops_output")" =~ ^ops:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  ops_passed=${BASH_REMATCH[1]}; ops_failed=${BASH_REMATCH[2]}
else
  echo "[test] scripts/ops-check.sh ended without its summary line: counted as failed"
fi

# Every test class declares its own durable exchanges and queues, in the broker's virtual host for tests
# (tests/TestSupport/RabbitTestHost.cs). Dropping that virtual host before and after the run removes them all at once;
# left to pile up run after run, they once made the broker take longer to start than CI allows.
drop_test_vhost() {
  if [ "$(id -u)" = "0" ] && [ -x /usr/sbin/rabbitmqctl ]; then
    timeout 180 /usr/sbin/rabbitmqctl -q delete_vhost marketplace-tests >/dev/null 2>&1 || true
  fi
}
drop_test_vhost

projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
passed=$ops_passed; failed=$((lint_failed + ops_failed)); skipped=0
# Projects run one after another, so that two hosts never fight for the 2 cores and the same servers. Each writes a
# result file named after it, so a project that wrote none (its host crashed or hung) is known by name.
for project in $projects; do
  name=$(basename "$project" .csproj)
  trx="$results/$name.trx"
  # A hung test is dumped and its process stopped, so the run goes on and this script still prints its summary.
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang-timeout "${TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type mini "$@"
  status=$?

  if [ ! -f "$trx" ]; then
    echo "[test] $name wrote no result (exit $status): counted as failed"
    failed=$((failed + 1))
    continue
  fi

  # Each result's own outcome, not the summary counters (which count a skipped xUnit test nowhere): only a pass is a
  # pass and only a skip is a skip; aborted, inconclusive, timed-out and every other outcome is a failure.
  p=0; f=0; s=0
  while read -r outcome; do
    case "$outcome" in
      Passed) p=$((p + 1)) ;;
      NotExecuted) s=$((s + 1)) ;;
      *) f=$((f + 1)) ;;
    esac
  done < <(grep -o '<UnitTestResult [^>]*>' "$trx" | grep -o ' outcome="[A-Za-z]*"' | cut -d'"' -f2)

  # A run that stopped early (a crash or a hang) may leave no failing result behind; its exit status still counts.
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "[test] $name exited $status with no failing result: counted as failed"
    f=1
  fi

  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done

drop_test_vhost
if [ -z "$projects" ]; then failed=$((failed + 1)); fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
