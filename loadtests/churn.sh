#!/usr/bin/env bash
# Storefront reads while sellers sell: wrk reads browse or search pages while a seller changes offers at --rate per
# second through the seller API, and (with --bulk-rows) applies bulk offer files meanwhile. Each scenario runs first
# without churn, then with it, and reports reads (requests/s, p95), updates (applied, p95 from their scheduled time)
# and the staleness a probe saw: how long after a price change was written the cached page showed it.
#
#   loadtests/churn.sh [--skus 4200] [--rate 50] [--duration 20] [--bulk-rows 0] [--connections 32] [--skip-seed]
#                      [--scenarios "browse search"] [--warmup 30]
#
# The scenario "writes" runs the updates (and the bulk file) with no reads, and prints the CPU each process used
# meanwhile: what the writing side costs a machine the reads share.
#
# The API runs in Release on the production profile (PostgreSQL database mkt_reads, Redis, RabbitMQ), with the
# listing cache as configured (LOADTEST_API_ENV="Catalog__ListingCacheTtl=00:00:00" measures the engine uncached), and
# with production's metrics port (LOADTEST_METRICS_PORT, default 9464), from which churn.py reads how fast the API
# itself answered the single updates.
# The warm-up before each scenario is 30 s: the uncached engine reached its steady rate only after about 25 s at 32
# connections (successive 8-s runs: 1,583, 1,926, 3,866, 5,689, 5,943 pages/s); each pooled connection preparing its
# statements, and PostgreSQL settling on generic plans for them, is the likely cause.
# Needs: the .NET SDK, PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (scripts/services.sh), wrk, psql, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SKUS=4200
RATE=50
DURATION=20
BULK_ROWS=0
CONNECTIONS=32
SKIP_SEED=0
SCENARIOS="browse search"
WARMUP=30
DB="${LOADTEST_DB:-mkt_reads}"
METRICS_PORT="${LOADTEST_METRICS_PORT:-9464}"

while [ $# -gt 0 ]; do
  case "$1" in
    --skus) SKUS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --bulk-rows) BULK_ROWS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --skip-seed) SKIP_SEED=1; shift ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-churn.txt"
mkdir -p "$RESULTS"
log() { printf '[churn] %s\n' "$*" | tee -a "$REPORT"; }

# shellcheck source=lib/bench-api.sh
. "$ROOT/loadtests/lib/bench-api.sh"
export LOADTEST_DATA="$DATA" LOADTEST_WRK="$ROOT/loadtests/wrk"
psql_bench() { psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }

log "$(machine_line)"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "scenarios: $SCENARIOS; skus $SKUS; updates $RATE/s; bulk rows $BULK_ROWS; wrk -t1 -c$CONNECTIONS -d${DURATION}s; API env: ${LOADTEST_API_ENV:-none}"
log "building the API (Release)"
dotnet build "$ROOT/api" -c Release -nologo -v q >/dev/null

if [ "$SKIP_SEED" -eq 0 ]; then
  log "recreating database $DB and seeding $SKUS SKUs"
  recreate_database "$DB"
  on_profile postgres "$DB" dotnet Marketplace.Api.dll seed --skus "$SKUS" 2>&1 | tail -1 | tee -a "$REPORT"
else
  on_profile postgres "$DB" dotnet Marketplace.Api.dll migrate >/dev/null
  # Every run opens a new seller whose bulk file offers on the same SKUs. Left in place, those offers piled up (64 earlier
  # runs had given the file's 84,862 products about 58 offers each, against 2.2M offers seeded for 480k products), and
  # each run's summaries cost more than the last. Earlier runs' offers go, and their products' summaries are recomputed
  # with the listing summary's rules (ProductListingSummary): every run starts from the same catalog.
  cleared=$(psql_bench <<'SQL'
CREATE TEMP TABLE churned AS
  WITH gone AS (DELETE FROM catalog.offers o USING catalog.sellers s WHERE o.seller_id = s.id AND s.name LIKE 'Churn seller %' RETURNING o.product_id)
  SELECT DISTINCT product_id AS id FROM gone;
UPDATE catalog.products p
SET min_price = s.min_price, currency = s.currency, in_stock = s.in_stock, offer_count = s.offer_count, listing_updated_at = now()
FROM (SELECT c.id, COALESCE(min(o.price) FILTER (WHERE o.stock > 0), min(o.price)) AS min_price, min(o.currency) AS currency,
             COALESCE(bool_or(o.stock > 0), false) AS in_stock, count(o.id)::int AS offer_count
      FROM churned c LEFT JOIN catalog.offers o ON o.product_id = c.id GROUP BY c.id) s
WHERE p.id = s.id
  AND (p.min_price IS DISTINCT FROM s.min_price OR p.currency IS DISTINCT FROM s.currency OR p.in_stock <> s.in_stock OR p.offer_count <> s.offer_count);
SELECT count(*) FROM churned;
SQL
)
  log "earlier churn runs' offers removed from $(echo "$cleared" | tail -1) products"
fi

psql_bench -c "SELECT c.id FROM catalog.categories c WHERE EXISTS (SELECT 1 FROM catalog.products p WHERE p.category_path LIKE c.path || '%' AND p.min_price IS NOT NULL)" > "$DATA/category_ids.txt"
psql_bench -c "
  SELECT term FROM (
    SELECT DISTINCT lower(brand_name) AS term FROM catalog.products WHERE brand_name IS NOT NULL
    UNION SELECT DISTINCT lower(split_part(title, ' ', 2)) FROM catalog.products
    UNION SELECT DISTINCT lower(name) FROM catalog.categories WHERE depth = 2
  ) terms WHERE term <> '' ORDER BY term" > "$DATA/search_terms.txt"
psql_bench -F ' ' -c "SELECT id, code FROM catalog.skus ORDER BY md5(id::text)" > "$DATA/churn_skus.txt"
log "catalog: $(psql_bench -c "SELECT format('%s products (%s listed), %s SKUs, %s offers', (SELECT count(*) FROM catalog.products), (SELECT count(*) FROM catalog.products WHERE min_price IS NOT NULL), (SELECT count(*) FROM catalog.skus), (SELECT count(*) FROM catalog.offers))"); $(wc -l < "$DATA/category_ids.txt") categories, $(wc -l < "$DATA/search_terms.txt") search terms"

start_api postgres "$DB" churn Telemetry__MetricsPort="$METRICS_PORT"
log "setting up the bench seller and probes"
python3 "$ROOT/loadtests/churn.py" setup --url "$URL" --data "$DATA" | tee -a "$REPORT"

reads() {
  # The CPU each process used over the phase (its first and last 2 s left out), so calm and churn can be compared.
  (sleep 2; "$ROOT/loadtests/lib/cpu-by-process.sh" "$((DURATION - 4))") > "$RESULTS/$STAMP-churn-cpu.txt" 2>&1 &
  cpu=$!
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$ROOT/loadtests/wrk/$1.lua" "$URL" | grep '^RESULT' | sed "s/scenario=$1/scenario=$1-$2/" | tee -a "$REPORT"
  wait "$cpu" || true
  head -4 "$RESULTS/$STAMP-churn-cpu.txt" | sed "s/^/[churn] cpu $1-$2 /" | tee -a "$REPORT"
  rm -f "$RESULTS/$STAMP-churn-cpu.txt"
}

for scenario in $SCENARIOS; do
  if [ "$scenario" = writes ]; then
    # The writers alone, no reads: what the updates and the bulk file cost the machine, by process.
    log "writes alone: $RATE updates/s$([ "$BULK_ROWS" -gt 0 ] && echo ", bulk files of $BULK_ROWS rows"), CPU by process over ${DURATION} s"
    python3 "$ROOT/loadtests/churn.py" run --url "$URL" --data "$DATA" --rate "$RATE" --duration "$DURATION" --bulk-rows "$BULK_ROWS" --label writes --metrics "http://127.0.0.1:$METRICS_PORT/metrics" > "$RESULTS/$STAMP-churn-writer.txt" &
    writer=$!
    sleep 2
    "$ROOT/loadtests/lib/cpu-by-process.sh" "$((DURATION - 4))" | sed 's/^/[churn] cpu /' | tee -a "$REPORT"
    wait "$writer" || log "the writer exited with $?"
    tee -a "$REPORT" < "$RESULTS/$STAMP-churn-writer.txt"
    continue
  fi
  log "warm-up $scenario (${WARMUP} s)"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$ROOT/loadtests/wrk/$scenario.lua" "$URL" >/dev/null
  reads "$scenario" calm
  log "$scenario under churn: $RATE updates/s$([ "$BULK_ROWS" -gt 0 ] && echo ", bulk files of $BULK_ROWS rows")"
  python3 "$ROOT/loadtests/churn.py" run --url "$URL" --data "$DATA" --rate "$RATE" --duration "$DURATION" --bulk-rows "$BULK_ROWS" --label "$scenario" --metrics "http://127.0.0.1:$METRICS_PORT/metrics" > "$RESULTS/$STAMP-churn-writer.txt" &
  writer=$!
  reads "$scenario" churn
  wait "$writer" || log "the writer exited with $?"
  tee -a "$REPORT" < "$RESULTS/$STAMP-churn-writer.txt"
  log "backlog: $(psql_bench -c "SELECT count(*) FROM catalog.outbox_messages WHERE published_at IS NULL") catalog events unpublished, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

log "API peak RSS (VmHWM) $(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status")"
log "report: $REPORT"
