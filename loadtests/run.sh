#!/usr/bin/env bash
# Load-test harness for one machine: seeds a dedicated PostgreSQL database, starts the API in Release on it,
# warms up, runs wrk against product detail, category browse (first and deep pages) and search, and prints
# requests/s, latency percentiles and the API's peak RSS (VmHWM).
#
#   loadtests/run.sh [--skus N] [--threads T] [--connections C] [--duration 20s] [--skip-seed] [--scenarios "detail browse browse-deep search"]
#
# Priced cart reads against Redis (the API then runs with ConnectionStrings:Redis, LOADTEST_REDIS or 127.0.0.1:6379):
#   loadtests/run.sh --skip-seed --scenarios cart
#   LOADTEST_CART_DELAY_MS=10 loadtests/run.sh --skip-seed --scenarios cart --connections 10   # paced: at most ~1,000 reads/s
# Pricing-rule changes reaching cart reads, under a wrk cart-read load (marketing API, then the runtime file):
#   loadtests/run.sh --skip-seed --scenarios rules
# The API reads its runtime rules from a copy of config/runtime under loadtests/data, never the repository's files.
#
# Peer comparison (one product with variants and prices, a 20-product page, a 20-result search on ~2,000 products):
#   loadtests/run.sh --skus 4200 --threads 1 --connections 32 --duration 20s
# Million-SKU run:
#   loadtests/run.sh --skus 1000000
#
# Needs: the .NET SDK, PostgreSQL on 127.0.0.1 (scripts/services.sh starts it), wrk, psql.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SKUS=2000
THREADS=1
CONNECTIONS=32
DURATION=20s
WARMUP=5s
SKIP_SEED=0
SCENARIOS="detail browse browse-deep search"
PORT="${LOADTEST_PORT:-5080}"
DB="${LOADTEST_DB:-mkt_bench}"
PG_HOST="${LOADTEST_PG_HOST:-127.0.0.1}"
PG_USER="${LOADTEST_PG_USER:-marketplace}"
export PGPASSWORD="${LOADTEST_PG_PASSWORD:-marketplace}"

while [ $# -gt 0 ]; do
  case "$1" in
    --skus) SKUS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --skip-seed) SKIP_SEED=1; shift ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# TLS to PostgreSQL is off, as in lib/bench-api.sh (the other harnesses) and docker-compose.yml, whose PostgreSQL
# serves none: Debian's server offers it, and Npgsql would otherwise encrypt every round trip on loopback.
# LOADTEST_PG_SSLMODE=Prefer (Npgsql's default) or Require measures with it.
CONNECTION="Host=$PG_HOST;Username=$PG_USER;Password=$PGPASSWORD;Database=$DB;SSL Mode=${LOADTEST_PG_SSLMODE:-Disable}"
BIN="$ROOT/api/bin/Release/net10.0"
DATA="$ROOT/loadtests/data"
RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-skus$SKUS.txt"
mkdir -p "$DATA" "$RESULTS"
export LOADTEST_DATA="$DATA" LOADTEST_WRK="$ROOT/loadtests/wrk"

# The API runs in the Production environment, which needs a JWT signing key: make one for the benchmark.
if [ ! -f "$DATA/jwt-signing-key.pem" ]; then
  openssl genrsa -out "$DATA/jwt-signing-key.pem" 2048 2>/dev/null
fi
export Identity__Jwt__SigningKeyPath="$DATA/jwt-signing-key.pem"
# ... and a page-cursor key (any one will do for a single run).
export Paging__CursorKey="${Paging__CursorKey:-$(openssl rand -base64 32)}"
# Production refuses to start without a payment provider; the storefront reads never pay, the sandbox will do.
export Payments__Provider="${Payments__Provider:-sandbox}"

log() { printf '[loadtest] %s\n' "$*" | tee -a "$REPORT"; }
psql_bench() { psql -h "$PG_HOST" -U "$PG_USER" -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }

# Polls a process's peak resident set (VmHWM, kB) until it exits; prints the last value seen.
peak_rss_kb() {
  local pid=$1 peak=0 value
  while kill -0 "$pid" 2>/dev/null; do
    value=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$value" ] && peak=$value
    sleep 0.5
  done
  echo "$peak"
}

log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(psql -h "$PG_HOST" -U "$PG_USER" -d postgres -qAt -c 'SHOW server_version')"
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

log "building the API (Release)"
dotnet build "$ROOT/api" -c Release -nologo -v q >/dev/null

# The host reads appsettings.json from its content root; run it from the build output.
cd "$BIN"
export ConnectionStrings__Postgres="$CONNECTION"
export Logging__LogLevel__Default=Warning

if [ "$SKIP_SEED" -eq 0 ]; then
  log "recreating database $DB"
  psql -h "$PG_HOST" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
fi

# Every module's schema at the current migrations (a kept database may predate some of them).
log "migrating"
dotnet Marketplace.Api.dll migrate >/dev/null

if [ "$SKIP_SEED" -eq 0 ]; then
  log "seeding $SKUS SKUs: dotnet Marketplace.Api.dll seed --skus $SKUS"
  start=$(date +%s.%N)
  dotnet Marketplace.Api.dll seed --skus "$SKUS" > >(tee -a "$REPORT") 2>&1 &
  seed_pid=$!
  seed_peak=$(peak_rss_kb "$seed_pid")
  wait "$seed_pid"
  end=$(date +%s.%N)
  log "seed wall time $(echo "$end - $start" | bc) s, seed process peak RSS $((seed_peak / 1024)) MiB"
fi

log "exporting request data from $DB"
psql_bench -c "SELECT id FROM catalog.products WHERE min_price IS NOT NULL ORDER BY md5(id::text) LIMIT 20000" > "$DATA/product_ids.txt"
psql_bench -c "SELECT c.id FROM catalog.categories c WHERE EXISTS (SELECT 1 FROM catalog.products p WHERE p.category_path LIKE c.path || '%')" > "$DATA/category_ids.txt"
psql_bench -c "
  SELECT term FROM (
    SELECT DISTINCT lower(brand_name) AS term FROM catalog.products WHERE brand_name IS NOT NULL
    UNION SELECT DISTINCT lower(split_part(title, ' ', 2)) FROM catalog.products
    UNION SELECT DISTINCT lower(name) FROM catalog.categories WHERE depth = 2
    UNION SELECT DISTINCT lower(split_part(title, ' ', 2)) || ' ' || lower(split_part(title, ' ', 4)) FROM (SELECT title FROM catalog.products LIMIT 5000) t
  ) terms WHERE term <> '' ORDER BY term" > "$DATA/search_terms.txt"
log "data: $(wc -l < "$DATA/product_ids.txt") product ids, $(wc -l < "$DATA/category_ids.txt") categories, $(wc -l < "$DATA/search_terms.txt") search terms"
log "catalog: $(psql_bench -c "SELECT format('%s products, %s SKUs, %s offers, %s reviews', (SELECT count(*) FROM catalog.products), (SELECT count(*) FROM catalog.skus), (SELECT count(*) FROM catalog.offers), (SELECT count(*) FROM catalog.reviews))")"

WITH_CARTS=0
if [[ " $SCENARIOS " == *" cart "* || " $SCENARIOS " == *" rules "* ]]; then
  WITH_CARTS=1
  export ConnectionStrings__Redis="${LOADTEST_REDIS:-127.0.0.1:6379}" Cart__GuestRequestsPerMinute=1000000000
  log "carts in Redis at $ConnectionStrings__Redis"
fi

# The rule changes are made by an admin the API creates at start-up (the production profile seeds no demo accounts).
BENCH_ADMIN_EMAIL="bench-admin@bench.local" BENCH_ADMIN_PASSWORD="Bench-admin-pass-1"
export Identity__BootstrapAdmin__Email="$BENCH_ADMIN_EMAIL" Identity__BootstrapAdmin__Password="$BENCH_ADMIN_PASSWORD"

rm -rf "$DATA/runtime" && mkdir -p "$DATA/runtime" && cp "$ROOT"/config/runtime/*.json "$DATA/runtime/"
export Config__RuntimeDirectory="$DATA/runtime" Config__LastGoodPath="$DATA/last-good-rules.json"

log "starting the API on port $PORT"
ASPNETCORE_URLS="http://127.0.0.1:$PORT" Api__RequestsPerMinute=1000000000 Database__MigrateOnStartup=false \
  dotnet Marketplace.Api.dll > "$RESULTS/$STAMP-api.log" 2>&1 &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { echo "the API exited; see $RESULTS/$STAMP-api.log" >&2; exit 1; }
  sleep 0.5
done

url="http://127.0.0.1:$PORT"
sample_id=$(head -1 "$DATA/product_ids.txt")
curl -fs "$url/api/v1/products/$sample_id" >/dev/null || { echo "product detail failed for $sample_id" >&2; exit 1; }

# Deep pages: walk nextCursor from each category's first page and keep the cursors of pages 2..DEPTH.
DEPTH="${LOADTEST_DEPTH:-25}"
python3 - "$url" "$DATA/category_ids.txt" "$DATA/deep_pages.txt" "$DEPTH" <<'PY'
import json, sys, urllib.parse, urllib.request
url, categories, out, depth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(categories) as f, open(out, "w") as w:
    for category in (line.strip() for line in f if line.strip()):
        cursor = None
        for _ in range(depth):
            query = {"category": category, "sort": "popularity", "limit": "20"}
            if cursor:
                query["cursor"] = cursor
            with urllib.request.urlopen(f"{url}/api/v1/products?{urllib.parse.urlencode(query)}") as response:
                cursor = json.load(response).get("nextCursor")
            if not cursor:
                break
            w.write(f"{category} {cursor}\n")
PY
log "data: $(wc -l < "$DATA/deep_pages.txt") deep-page cursors (pages 2..$DEPTH)"

if [ "$WITH_CARTS" -eq 1 ]; then
  # Guest carts of CART_LINES lines each, from offers in stock of different sellers where the catalog has them.
  CARTS="${LOADTEST_CARTS:-50}" CART_LINES="${LOADTEST_CART_LINES:-5}"
  psql_bench -c "SELECT id FROM (SELECT DISTINCT ON (seller_id, product_id) id FROM catalog.offers WHERE stock > 0) o ORDER BY md5(id::text) LIMIT 2000" > "$DATA/cart_offer_ids.txt"
  python3 - "$url" "$DATA/cart_offer_ids.txt" "$DATA/cart_tokens.txt" "$CARTS" "$CART_LINES" <<'PY'
import json, random, sys, urllib.request
url, offers_file, out, carts, lines = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
offers = [line.strip() for line in open(offers_file) if line.strip()]
random.seed(42)
def call(method, path, token=None, body=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Cart-Token", token)
    with urllib.request.urlopen(request) as response:
        return json.load(response)
with open(out, "w") as w:
    for _ in range(carts):
        token = call("POST", "/api/v1/cart/guest")["token"]
        for offer in random.sample(offers, min(lines, len(offers))):
            call("POST", "/api/v1/cart/lines", token, {"offerId": offer, "quantity": random.randint(1, 3)})
        w.write(token + "\n")
PY
  log "data: $(wc -l < "$DATA/cart_tokens.txt") guest carts of up to $CART_LINES lines"
fi

WRK_SCENARIOS=$(printf '%s\n' $SCENARIOS | grep -vx rules || true)
for scenario in $WRK_SCENARIOS; do
  log "warm-up $scenario ($WARMUP)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$ROOT/loadtests/wrk/$scenario.lua" "$url" >/dev/null
done

# The API's CPU time so far (utime + stime, in clock ticks), so each RESULT line can give the CPU a request cost: on a
# shared machine that drifts, a steadier figure than requests/s for comparing two builds or settings.
api_ticks() { awk '{print $14 + $15}' "/proc/$api_pid/stat"; }
log "runs: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, skus $SKUS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for scenario in $WRK_SCENARIOS; do
  ticks_before=$(api_ticks)
  result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$ROOT/loadtests/wrk/$scenario.lua" "$url" | grep '^RESULT')
  ticks=$(( $(api_ticks) - ticks_before ))
  requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<< "$result")
  echo "$result api_cpu_us_per_request=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="${requests:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')" | tee -a "$REPORT"
done

if [[ " $SCENARIOS " == *" rules "* ]]; then
  # Cart reads keep the API busy while the rules change: first through the marketing API (which writes the runtime
  # file), then by replacing the file as an operator would. wrk's own result shows whether any read failed meanwhile.
  ITERATIONS="${LOADTEST_RULE_CHANGES:-40}"
  probe_token=$(head -1 "$DATA/cart_tokens.txt")
  log "rule changes: $ITERATIONS through the marketing API, $ITERATIONS through the file, under wrk -t$THREADS -c$CONNECTIONS cart reads"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOADTEST_RULES_LOAD:-90s}" -s "$ROOT/loadtests/wrk/cart.lua" "$url" > "$RESULTS/$STAMP-rules-load.txt" &
  load_pid=$!
  sleep 3
  python3 "$ROOT/loadtests/rules_propagation.py" --url "$url" --cart-token "$probe_token" --email "$BENCH_ADMIN_EMAIL" --password "$BENCH_ADMIN_PASSWORD" --mode api --iterations "$ITERATIONS" | tee -a "$REPORT"
  python3 "$ROOT/loadtests/rules_propagation.py" --url "$url" --cart-token "$probe_token" --email "$BENCH_ADMIN_EMAIL" --password "$BENCH_ADMIN_PASSWORD" --mode file --file "$DATA/runtime/pricing.json" --iterations "$ITERATIONS" | tee -a "$REPORT"
  wait "$load_pid"
  grep '^RESULT' "$RESULTS/$STAMP-rules-load.txt" | sed 's/scenario=cart/scenario=cart-during-rule-changes/' | tee -a "$REPORT"
fi

log "API peak RSS (VmHWM) $(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status"), current RSS $(awk '/^VmRSS:/ {printf "%.0f MiB", $2/1024}' "/proc/$api_pid/status")"
log "report: $REPORT"
