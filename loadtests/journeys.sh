#!/usr/bin/env bash
# The k6 journeys' Python twins on one machine: starts the API in Release on a seeded database (production profile:
# PostgreSQL, Redis, RabbitMQ), runs loadtests/journeys.py for each journey and for the mix, one after another, and writes
# the RESULT/TARGET/VERDICT lines to loadtests/results/<stamp>-journeys.txt (the API's log beside it).
#
#   loadtests/journeys.sh [--journeys "browse search product cart checkout seller-bulk seller-orders mix"]
#                         [--ramp 5] [--duration 15] [--warmup 15] [--scale 1] [--skus 4200] [--skip-seed]
#   loadtests/journeys.sh --journeys "browse cart" --duration 20
#   loadtests/journeys.sh --skip-seed --journeys mix --scale 2           # the mix at twice the default rates
#
# Rates (iterations/s at the peak, times --scale): browse 50, search 30, product 100, cart 5, checkout 2, seller-bulk
# 0.5 (30 files a minute from 2 sellers in turn: the bulk policy admits 30 a minute per seller), seller-orders 2, and
# the mix 50 (shared by loadtests/k6/journeys.json's "mix" shares, with 6 bulk files a minute beside). They are modest
# on purpose: on a 2-core machine the generator, the API, PostgreSQL, Redis and RabbitMQ share the cores, and past these
# rates the figures measure the generator as much as the API. Each journey ramps from 0 over --ramp seconds and holds
# --duration seconds; its setup through the API (sellers, offers, carts, orders) is not measured. Before the first, the mix runs unmeasured for --warmup seconds on the fresh API (its log beside the report):
# every code path is then compiled and every pool filled once. Progress every 5 s on stderr.
#
# A new database each run (LOADTEST_DB, default mkt_journeys; seeding 4,200 SKUs takes seconds): checkouts and orders
# accumulate. The API uses its own Redis key prefix and RabbitMQ entity prefix, so a bench of checkout.sh or churn.sh
# running beside it neither shares its queues nor clears its carts. Environment as for checkout.sh (LOADTEST_PORT,
# LOADTEST_PG_HOST/USER/PASSWORD, LOADTEST_REDIS, LOADTEST_RABBITMQ, LOADTEST_API_ENV).
# Needs: the .NET SDK, PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (scripts/services.sh), psql, redis-cli, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOURNEYS="browse search product cart checkout seller-bulk seller-orders mix"
RAMP=5
DURATION=15
WARMUP=15
SCALE=1
SKUS=4200
SKIP_SEED=0
DB="${LOADTEST_DB:-mkt_journeys}"

while [ $# -gt 0 ]; do
  case "$1" in
    --journeys) JOURNEYS="$2"; shift 2 ;;
    --ramp) RAMP="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --scale) SCALE="$2"; shift 2 ;;
    --skus) SKUS="$2"; shift 2 ;;
    --skip-seed) SKIP_SEED=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

declare -A RATE=([browse]=50 [search]=30 [product]=100 [cart]=5 [checkout]=2 [seller-bulk]=0.5 [seller-orders]=2 [mix]=50)
for journey in $JOURNEYS; do
  [ -n "${RATE[$journey]:-}" ] || { echo "unknown journey $journey (one of: ${!RATE[*]})" >&2; exit 2; }
done

RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-journeys.txt"
mkdir -p "$RESULTS"
log() { printf '[journeys] %s\n' "$*" | tee -a "$REPORT"; }

# shellcheck source=lib/bench-api.sh
. "$ROOT/loadtests/lib/bench-api.sh"
KEY_PREFIX="marketplace-journeys:"

log "$(machine_line)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "journeys: $JOURNEYS; ramp $RAMP s, held $DURATION s, warm-up $WARMUP s, rates × $SCALE; skus $SKUS; database $DB; API env: ${LOADTEST_API_ENV:-none}"
log "building the API (Release)"
dotnet build "$ROOT/api" -c Release -nologo -v q >/dev/null

if [ "$SKIP_SEED" -eq 0 ]; then
  log "recreating database $DB and seeding $SKUS SKUs"
  recreate_database "$DB"
  on_profile postgres "$DB" dotnet Marketplace.Api.dll seed --skus "$SKUS" 2>&1 | tail -1 | tee -a "$REPORT"
  redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" --scan --pattern "$KEY_PREFIX*" | xargs -r -n 500 redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" del >/dev/null
else
  on_profile postgres "$DB" dotnet Marketplace.Api.dll migrate >/dev/null
fi

start_api postgres "$DB" journeys Cart__RedisKeyPrefix="$KEY_PREFIX" Messaging__EntityPrefix=journeys

scaled() { awk -v rate="${RATE[$1]}" -v scale="$SCALE" 'BEGIN { printf "%g", rate * scale }'; }

if [ "$WARMUP" != 0 ]; then
  log "warm-up: the mix at $(scaled mix)/s for $WARMUP s, not measured ($RESULTS/$STAMP-journeys-warmup.log)"
  python3 "$ROOT/loadtests/journeys.py" mix --url "$URL" --rate "$(scaled mix)" --ramp 2 --duration "$WARMUP" --label warmup > "$RESULTS/$STAMP-journeys-warmup.log" || true
fi

count=$(wc -w <<< "$JOURNEYS")
n=0
failed=0
for journey in $JOURNEYS; do
  n=$((n + 1))
  rate=$(scaled "$journey")
  command=(python3 "$ROOT/loadtests/journeys.py" "$journey" --url "$URL" --rate "$rate" --ramp "$RAMP" --duration "$DURATION")
  log "($n/$count) $journey at $rate/s: ${command[*]#"$ROOT/"}"
  status=0
  "${command[@]}" | tee -a "$REPORT" || status=$?
  [ "$status" -eq 0 ] || failed=$((failed + 1))
  log "($n/$count) $journey done (exit $status); API peak RSS (VmHWM) $(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status"), load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

log "$(grep -c '^VERDICT.* PASS$' "$REPORT" || true) journeys passed, $(grep -c '^VERDICT.* FAIL$' "$REPORT" || true) failed (a twin that exited non-zero: $failed)"
log "report: $REPORT"
