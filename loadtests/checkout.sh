#!/usr/bin/env bash
# Checkout load on one machine: starts the API in Release, sets up bench sellers, carts and quotes through the API
# (not measured), then runs loadtests/Checkout.Load against it and writes a report to loadtests/results/.
#
#   loadtests/checkout.sh [--scenarios "checkout checkout-embedded contention overload"] [--skus 2000] [--rate 300]
#                         [--duration 30] [--overload-rate 2×rate] [--buyers 500] [--units 10] [--warmup 200]
#                         [--offers-per-seller 100] [--skip-seed]
#
# Scenarios, each on a freshly started API:
#   checkout           PostgreSQL (database mkt_bench) + Redis + RabbitMQ: carts of 5 lines from 3 sellers at --rate
#                      checkouts/s (open model) for --duration s; target --rate placed/s with p95 < 100 ms.
#   checkout-embedded  the same on the embedded profile: SQLite files under loadtests/data/embedded, in-memory bus and carts.
#   contention         PostgreSQL profile: --buyers buyers of one unit each, released at once, for an offer of --units
#                      units; PASS when exactly --units orders, the rest 409 out_of_stock, stock 0 and never below.
#                      Ordering:MaxCheckoutsInFlight is raised to 2 × buyers so every buyer reaches the stock at once
#                      (LOADTEST_CONTENTION_IN_FLIGHT to choose; 503s are repeated after Retry-After either way).
#   overload           PostgreSQL profile at --overload-rate (default 2 × --rate), MaxCheckoutsInFlight at its default:
#                      the placed checkouts' p99 and the share of fast 503s with Retry-After.
#
# Rate limits that would throttle the generator's single client address are lifted (global, cart-guest, credentials);
# nothing else is changed. Environment: LOADTEST_DB (mkt_bench), LOADTEST_PORT (5080), LOADTEST_PG_HOST/USER/PASSWORD,
# LOADTEST_REDIS (127.0.0.1:6379), LOADTEST_RABBITMQ (amqp://guest:guest@127.0.0.1:5672/), LOADTEST_API_ENV (extra
# VAR=value words for the API process only, for diagnostics such as DOTNET_JitStdOutFile).
#
# Needs: the .NET SDK, and for the PostgreSQL scenarios PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (scripts/services.sh), psql.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIOS="checkout checkout-embedded contention overload"
SKUS=2000
RATE=300
DURATION=30
OVERLOAD_RATE=""
BUYERS=500
UNITS=10
WARMUP=200
OFFERS_PER_SELLER=100
SKIP_SEED=0
DB="${LOADTEST_DB:-mkt_bench}"

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --skus) SKUS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --overload-rate) OVERLOAD_RATE="$2"; shift 2 ;;
    --buyers) BUYERS="$2"; shift 2 ;;
    --units) UNITS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --offers-per-seller) OFFERS_PER_SELLER="$2"; shift 2 ;;
    --skip-seed) SKIP_SEED=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
OVERLOAD_RATE="${OVERLOAD_RATE:-$(echo "$RATE * 2" | bc)}"

LOAD="$ROOT/loadtests/Checkout.Load/bin/Release/net10.0/Checkout.Load.dll"
RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-checkout.txt"
mkdir -p "$RESULTS"

log() { printf '[checkout] %s\n' "$*" | tee -a "$REPORT"; }

# shellcheck source=lib/bench-api.sh
. "$ROOT/loadtests/lib/bench-api.sh"

log "$(machine_line)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "scenarios: $SCENARIOS; skus $SKUS, rate $RATE/s for $DURATION s, overload $OVERLOAD_RATE/s, contention $BUYERS buyers for $UNITS units"

log "building the API and the load generator (Release)"
dotnet build "$ROOT/api" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/loadtests/Checkout.Load" -c Release -nologo -v q >/dev/null

prepared_postgres=0
prepare_postgres() {
  [ "$prepared_postgres" -eq 1 ] && return
  prepared_postgres=1
  if [ "$SKIP_SEED" -eq 0 ]; then
    log "recreating database $DB and seeding $SKUS SKUs"
    recreate_database "$DB"
    on_profile postgres "$DB" dotnet Marketplace.Api.dll seed --skus "$SKUS" 2>&1 | tail -1 | tee -a "$REPORT"
    # Carts of earlier runs under the bench's own key prefix only.
    redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" --scan --pattern 'marketplace-bench:*' | xargs -r -n 500 redis-cli -h "${REDIS%%:*}" -p "${REDIS##*:}" del >/dev/null
  else
    on_profile postgres "$DB" dotnet Marketplace.Api.dll migrate >/dev/null
  fi
}

prepared_embedded=0
prepare_embedded() {
  [ "$prepared_embedded" -eq 1 ] && return
  prepared_embedded=1
  if [ "$SKIP_SEED" -eq 0 ] || [ ! -d "$EMBEDDED_DIR" ]; then
    log "recreating the embedded profile's SQLite files in $EMBEDDED_DIR and seeding $SKUS SKUs"
    rm -rf "$EMBEDDED_DIR" && mkdir -p "$EMBEDDED_DIR"
    on_profile embedded - dotnet Marketplace.Api.dll seed --skus "$SKUS" 2>&1 | tail -1 | tee -a "$REPORT"
  fi
}

# generate SCENARIO ARGS...: runs the generator, keeps its RESULT/TARGET/CHECK lines in the report.
generate() {
  local scenario=$1; shift
  local status=0
  dotnet "$LOAD" --url "$URL" --label "$scenario" "$@" 2> >(tee -a "$RESULTS/$STAMP-$scenario-load.log" >&2) | tee -a "$REPORT" || status=$?
  log "$scenario: API peak RSS (VmHWM) $(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status" 2>/dev/null || echo '?'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$status" -eq 0 ] || log "$scenario: the generator exited with $status"
}

# backlog: the events not yet published when the measured phase ended. A rate is sustainable only if the relays and
# consumers keep up with it; a growing backlog is work borrowed from after the run. Printed as BACKLOG lines, and at
# start-up as well, so that a backlog a killed earlier run left behind is seen rather than silently drained.
backlog() {
  local when=$1 line
  line="$(psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -qAt -F ' ' -c "
    SELECT string_agg(format('%s=%s', s, n), ' ' ORDER BY s) FROM (
      SELECT 'catalog' s, count(*) n FROM catalog.outbox_messages WHERE published_at IS NULL UNION ALL
      SELECT 'ordering', count(*) FROM ordering.outbox_messages WHERE published_at IS NULL UNION ALL
      SELECT 'payments', count(*) FROM payments.outbox_messages WHERE published_at IS NULL UNION ALL
      SELECT 'notifications', count(*) FROM notifications.outbox_messages WHERE published_at IS NULL UNION ALL
      SELECT 'mails', count(*) FROM notifications.outgoing_mails WHERE status = 'Pending') t" 2>/dev/null || echo '?')"
  echo "BACKLOG when=$when unpublished_or_pending: $line" | tee -a "$REPORT"
}

throughput() {
  local scenario=$1 rate=$2; shift 2
  generate "$scenario" --scenario throughput --rate "$rate" --duration "$DURATION" --warmup "$WARMUP" --cpu-pid "$api_pid" \
    --lines 5 --sellers 3 --offers-per-seller "$OFFERS_PER_SELLER" "$@"
}

for scenario in $SCENARIOS; do
  case "$scenario" in
    checkout)
      prepare_postgres
      backlog before
      start_api postgres "$DB" "$scenario"
      throughput checkout "$RATE" --target-rps "$RATE" --target-p95-ms 100
      backlog after
      ;;
    checkout-embedded)
      prepare_embedded
      start_api embedded - "$scenario"
      throughput checkout-embedded "$RATE" --target-rps "$RATE" --target-p95-ms 100
      ;;
    contention)
      prepare_postgres
      start_api postgres "$DB" "$scenario" Ordering__MaxCheckoutsInFlight="${LOADTEST_CONTENTION_IN_FLIGHT:-$((BUYERS * 2))}"
      generate contention --scenario contention --buyers "$BUYERS" --units "$UNITS"
      ;;
    overload)
      prepare_postgres
      backlog before
      start_api postgres "$DB" "$scenario"
      throughput overload "$OVERLOAD_RATE"
      backlog after
      ;;
    *) log "unknown scenario $scenario"; exit 2 ;;
  esac
  stop_api
done

log "report: $REPORT"
