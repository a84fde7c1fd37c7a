#!/usr/bin/env bash
# The payout run's throughput, on one machine: 10,000 delivered seller orders of 10 ready sellers, past their protection
# window, settled by two payout runs side by side (two replicas) on PostgreSQL with the sandbox provider; records how
# long it took, orders per second, and that every order was paid and booked once. It is an opt-in test of
# tests/Payments.Tests (PayoutThroughputBenchmark), skipped in CI.
#
#   loadtests/payouts.sh [--orders 10000] [--sellers 10] [--runners 2]
#
# Writes loadtests/results/<stamp>-payouts.txt (the RESULT line and the test's output).
# Needs: the .NET SDK, PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (scripts/services.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORDERS=10000
SELLERS=10
RUNNERS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --orders) ORDERS="$2"; shift 2 ;;
    --sellers) SELLERS="$2"; shift 2 ;;
    --runners) RUNNERS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p "$ROOT/loadtests/results"
REPORT="$ROOT/loadtests/results/$(date -u +%Y%m%dT%H%M%SZ)-payouts.txt"
dotnet build "$ROOT/tests/Payments.Tests" -c Release -nologo -v q -clp:ErrorsOnly
MARKETPLACE_PAYOUTS_BENCHMARK=1 \
MARKETPLACE_PAYOUTS_BENCHMARK_ORDERS="$ORDERS" \
MARKETPLACE_PAYOUTS_BENCHMARK_SELLERS="$SELLERS" \
MARKETPLACE_PAYOUTS_BENCHMARK_RUNNERS="$RUNNERS" \
MARKETPLACE_PAYOUTS_BENCHMARK_REPORT="$REPORT" \
  dotnet test "$ROOT/tests/Payments.Tests" -c Release --no-build --filter "FullyQualifiedName~PayoutThroughputBenchmark" \
    --logger "console;verbosity=detailed" 2>&1 | tee -a "$REPORT.log"
echo "report: $REPORT"
cat "$REPORT"
