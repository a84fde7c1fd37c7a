#!/usr/bin/env bash
# Deadline timers under load, on one machine: 100,000 open orders of 1,000 sellers whose ship-by deadlines fall due
# evenly over 3 minutes, swept by one host on PostgreSQL (+ RabbitMQ, Redis) with the rules' production sweep settings;
# records the lag of each timer (fired at - due at): p50, p95, p99, max, and how many fired more than a minute late
# (the issue's promise is none). It is an opt-in test of tests/Ordering.Tests (DeadlineLagBenchmark), skipped in CI.
#
#   loadtests/deadlines.sh [--orders 100000] [--spread 00:03:00] [--batch 200] [--interval 00:00:05]
#
# Writes loadtests/results/<stamp>-deadlines.txt (the RESULT line and the test's output).
# Needs: the .NET SDK, PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (scripts/services.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDERS=100000
SPREAD=00:03:00
BATCH=200
INTERVAL=00:00:05
while [[ $# -gt 0 ]]; do
  case "$1" in
    --orders) ORDERS="$2"; shift 2 ;;
    --spread) SPREAD="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --interval) INTERVAL="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p "$ROOT/loadtests/results"
REPORT="$ROOT/loadtests/results/$(date -u +%Y%m%dT%H%M%SZ)-deadlines.txt"
dotnet build "$ROOT/tests/Ordering.Tests" -c Release -nologo -v q -clp:ErrorsOnly
MARKETPLACE_DEADLINES_BENCHMARK=1 \
MARKETPLACE_DEADLINES_BENCHMARK_ORDERS="$ORDERS" \
MARKETPLACE_DEADLINES_BENCHMARK_SPREAD="$SPREAD" \
MARKETPLACE_DEADLINES_BENCHMARK_BATCH="$BATCH" \
MARKETPLACE_DEADLINES_BENCHMARK_SWEEP_INTERVAL="$INTERVAL" \
MARKETPLACE_DEADLINES_BENCHMARK_REPORT="$REPORT" \
  dotnet test "$ROOT/tests/Ordering.Tests" -c Release --no-build --filter "FullyQualifiedName~DeadlineLagBenchmark" \
    --logger "console;verbosity=detailed" 2>&1 | tee -a "$REPORT.log"
echo "report: $REPORT"
cat "$REPORT"
