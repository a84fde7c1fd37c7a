#!/usr/bin/env bash
# What telemetry costs: runs a benchmark alternately with telemetry off and on, and prints each run's RESULT figures
# and the medians per setting.
#
#   loadtests/telemetry-overhead.sh [--journey checkout] [--rounds 3] [--rate 30] [--duration 60] [--warmup 600] [--skip-seed]
#   loadtests/telemetry-overhead.sh --journey detail [--rounds 3] [--duration 15] [--warmup 25] [--skip-seed]
#
# checkout: loadtests/checkout.sh's checkout scenario at a fixed rate (--rate checkouts/s for --duration s after --warmup
# checkouts). detail: loadtests/run.sh's product-detail scenario (wrk -t1 -c32 for --duration s after --warmup s),
# on LOADTEST_DB (mkt_reads: 4,200 SKUs, about 2,000 products, seeded on the first run without --skip-seed).
#
# "off" is the host's default (no metrics port, no OTLP endpoint). "on" is production's telemetry: the metrics port
# (Telemetry:MetricsPort 9464) scraped every 10 s as Prometheus would, and every trace exported over OTLP/HTTP
# (Telemetry:OtlpEndpoint, sample ratio 1) to a local sink that answers as a collector does (200, empty
# ExportTraceServiceResponse) and counts what it received. The cost shows best as the API's CPU per checkout or per
# request (from /proc/<pid>/stat over the measured phase): at a fixed arrival rate the machine is not full, and even at
# saturation CPU per request drifts less than throughput on this shared machine; throughput and latency are printed too.
#
# The rounds alternate the order (off-on, on-off, ...) so that a drift of the machine weighs on both settings alike.
# Needs what loadtests/checkout.sh needs, and python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOURNEY=checkout
ROUNDS=3
RATE=30
DURATION=""
WARMUP=""
SKIP_SEED=0
while [ $# -gt 0 ]; do
  case "$1" in
    --journey) JOURNEY="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --skip-seed) SKIP_SEED=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$JOURNEY" in
  checkout) DURATION="${DURATION:-60}" WARMUP="${WARMUP:-600}" ;;
  detail) DURATION="${DURATION:-15}" WARMUP="${WARMUP:-25}"; export LOADTEST_DB="${LOADTEST_DB:-mkt_reads}" ;;
  *) echo "unknown journey $JOURNEY (checkout or detail)" >&2; exit 2 ;;
esac

RESULTS="$ROOT/loadtests/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
REPORT="$RESULTS/$STAMP-telemetry-overhead.txt"
SINK_PORT="${LOADTEST_OTLP_PORT:-4318}"
METRICS_PORT=9464
mkdir -p "$RESULTS"
log() { printf '[telemetry] %s\n' "$*" | tee -a "$REPORT"; }

sink_pid="" scraper_pid=""
cleanup() {
  [ -n "$scraper_pid" ] && kill "$scraper_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
}
trap cleanup EXIT

# The OTLP/HTTP sink: takes POST /v1/traces as a collector does and counts requests and bytes into a file.
SINK_COUNTS="$RESULTS/$STAMP-otlp-sink.txt"
python3 - "$SINK_PORT" "$SINK_COUNTS" <<'PY' &
import http.server, sys, threading
port, counts = int(sys.argv[1]), sys.argv[2]
lock, state = threading.Lock(), {"requests": 0, "bytes": 0}
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
            self.send_response(404 if self.path != "/v1/traces" else 415); self.end_headers(); return
        with lock:
            state["requests"] += 1; state["bytes"] += len(body)
            open(counts, "w").write(f"requests={state['requests']} bytes={state['bytes']}\n")
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
PY
sink_pid=$!

# Prometheus's part: a scrape of the metrics port every 10 s whenever something answers there.
( while true; do curl -s -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics" || true; sleep 10; done ) &
scraper_pid=$!

ON_ENV="Telemetry__MetricsPort=$METRICS_PORT Telemetry__OtlpEndpoint=http://127.0.0.1:$SINK_PORT Telemetry__OtlpProtocol=http/protobuf Telemetry__TraceSampleRatio=1"

if [ "$JOURNEY" = checkout ]; then
  log "rounds $ROUNDS, checkouts at $RATE/s for $DURATION s after $WARMUP warm-up checkouts; on = $ON_ENV"
else
  log "rounds $ROUNDS, product detail (wrk -t1 -c32) for $DURATION s after a $WARMUP s warm-up on $LOADTEST_DB; on = $ON_ENV"
fi
seed_flag=()
[ "$SKIP_SEED" -eq 1 ] && seed_flag=(--skip-seed)

run() {
  local setting=$1 env_words="" out
  [ "$setting" = on ] && env_words="$ON_ENV"
  if [ "$JOURNEY" = checkout ]; then
    out="$(LOADTEST_API_ENV="$env_words" "$ROOT/loadtests/checkout.sh" --scenarios checkout --rate "$RATE" \
      --duration "$DURATION" --warmup "$WARMUP" "${seed_flag[@]}" 2>/dev/null | grep -E '^(RESULT|BACKLOG|\[checkout\] report)' || true)"
  else
    [ "${seed_flag[*]}" = --skip-seed ] || seed_flag=(--skus 4200)
    # shellcheck disable=SC2086 # env_words is a list of VAR=value words on purpose
    out="$(env $env_words "$ROOT/loadtests/run.sh" --scenarios detail --duration "${DURATION}s" --warmup "${WARMUP}s" \
      "${seed_flag[@]}" 2>/dev/null | grep -E '^(RESULT|\[loadtest\] report)' || true)"
  fi
  seed_flag=(--skip-seed)
  echo "$out" | sed "s/^/$setting /" | tee -a "$REPORT"
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="off on"; else order="on off"; fi
  for setting in $order; do
    log "round $round: telemetry $setting"
    run "$setting"
  done
done
log "OTLP sink received: $(cat "$SINK_COUNTS" 2>/dev/null || echo nothing)"

python3 - "$REPORT" <<'PY' | tee -a "$REPORT"
import re, statistics, sys
rows = {"off": [], "on": []}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) > 2 and parts[1] == "RESULT":
        rows[parts[0]].append(dict(re.findall(r"(\w+)=(\S+)", line)))
keys = [k for k in ["placed_rps", "rps", "p50_ms", "p95_ms", "api_cpu_ms_per_placed", "machine_cpu_ms_per_placed", "api_cpu_us_per_request"]
        if any(k in r for runs in rows.values() for r in runs)]
print("setting runs " + " ".join(f"median_{k}" for k in keys))
medians = {}
for setting, runs in rows.items():
    medians[setting] = {k: statistics.median(float(r[k]) for r in runs) for k in keys if runs and all(k in r for r in runs)}
    print(setting, len(runs), " ".join(f"{medians[setting].get(k, float('nan')):.2f}" for k in keys))
if medians["off"] and medians["on"]:
    for k in keys:
        off, on = medians["off"].get(k), medians["on"].get(k)
        if off:
            print(f"CHANGE {k}: {off:.2f} -> {on:.2f} ({100 * (on - off) / off:+.1f} %)")
PY
log "report: $REPORT"
