#!/usr/bin/env bash
# Partner webhook delivery on one machine (issue 11): starts the API in Release on PostgreSQL + RabbitMQ, opens bench
# sellers with one endpoint each on a receiver inside loadtests/Webhooks.Load, publishes Ordering's contract events onto
# the API's broker at a fixed rate (as Ordering's outbox relay would), and measures from publish to receipt. The receiver
# checks every Standard Webhooks signature and deduplicates by webhook-id; the generator reports events lost, sent twice
# under different ids, or out of order per order. Writes a report to loadtests/results/.
#
#   loadtests/webhooks.sh [--scenarios "steady restart"] [--rate 200] [--endpoints 50] [--duration 60]
#                         [--kill-after 20] [--down-for 10] [--drain 300]
#
# Scenarios, each on a freshly started API over a fresh database (mkt_webhooks):
#   steady   --rate events/s to --endpoints endpoints for --duration s; target p99 < 2 s from publish to receipt.
#   restart  the same, with the API killed (SIGKILL) --kill-after s into the stream and started again --down-for s later;
#            PASS when every event arrives once (by id) and in order per order, however long the outage made it wait.
#
# Environment: LOADTEST_WEBHOOKS_DB (mkt_webhooks), LOADTEST_RECEIVER_PORT (5099), and those of lib/bench-api.sh
# (LOADTEST_PORT, LOADTEST_PG_*, LOADTEST_RABBITMQ, LOADTEST_API_ENV).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCENARIOS="steady restart"
RATE=200
ENDPOINTS=50
DURATION=60
KILL_AFTER=20
DOWN_FOR=10
DRAIN=300
DB="${LOADTEST_WEBHOOKS_DB:-mkt_webhooks}"
RECEIVER_PORT="${LOADTEST_RECEIVER_PORT:-5099}"

while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --endpoints) ENDPOINTS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --kill-after) KILL_AFTER="$2"; shift 2 ;;
    --down-for) DOWN_FOR="$2"; shift 2 ;;
    --drain) DRAIN="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

LOAD="$ROOT/loadtests/Webhooks.Load/bin/Release/net10.0/Webhooks.Load.dll"
RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-webhooks.txt"
mkdir -p "$RESULTS"

log() { printf '[webhooks] %s\n' "$*" | tee -a "$REPORT"; }

# shellcheck source=lib/bench-api.sh
. "$ROOT/loadtests/lib/bench-api.sh"

log "$(machine_line)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "scenarios: $SCENARIOS; $RATE events/s to $ENDPOINTS endpoints for $DURATION s; restart: kill after $KILL_AFTER s, down $DOWN_FOR s"

log "building the API and the generator (Release)"
dotnet build "$ROOT/api" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/loadtests/Webhooks.Load" -c Release -nologo -v q >/dev/null

# The receiver is on loopback over http; only a bench may let the address guard through to it.
API_SETTINGS=(Notifications__Webhooks__AllowLoopback=true)

for scenario in $SCENARIOS; do
  log "$scenario: recreating database $DB"
  recreate_database "$DB"
  start_api postgres "$DB" "$scenario" "${API_SETTINGS[@]}"
  status=0
  dotnet "$LOAD" --url "$URL" --rabbitmq "$RABBITMQ" --entity-prefix bench --label "$scenario" --rate "$RATE" \
      --endpoints "$ENDPOINTS" --duration "$DURATION" --receiver-port "$RECEIVER_PORT" --drain "$DRAIN" \
      2> >(tee -a "$RESULTS/$STAMP-$scenario-load.log" >&2) | tee -a "$REPORT" &
  generator=$!
  case "$scenario" in
    steady) ;;
    restart)
      # The stream starts after the sellers are opened: wait for the generator to say so, then count from there.
      for _ in $(seq 1 600); do
        grep -q "publishing" "$RESULTS/$STAMP-$scenario-load.log" 2>/dev/null && break
        sleep 0.5
      done
      sleep "$KILL_AFTER"
      log "$scenario: killing the API (SIGKILL, pid $api_pid) mid-stream"
      kill -9 "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=""
      sleep "$DOWN_FOR"
      log "$scenario: starting the API again"
      start_api postgres "$DB" "$scenario" "${API_SETTINGS[@]}"
      ;;
    *) log "unknown scenario $scenario"; exit 2 ;;
  esac
  wait "$generator" || status=$?
  log "$scenario: API peak RSS (VmHWM) $(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status" 2>/dev/null || echo '?'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$status" -eq 0 ] || log "$scenario: the generator exited with $status"
  stop_api
done

log "report: $REPORT"
