#!/usr/bin/env bash
# Runs the balancer of docker-compose.yml outside Docker: renders ops/nginx/nginx.conf.template with ops/nginx/render.sh,
# makes a certificate with ops/nginx/self-signed.sh, and starts Debian's nginx (1.22; `apt-get install nginx`) as an
# ordinary user (nobody through setpriv, when run as root) on 127.0.0.1:18443 and :18080, in front of two stand-in
# replicas that echo what they were sent. Then checks what a client and a replica see: HTTP/2 over TLS 1.2 and 1.3 only,
# HSTS, the redirect, /metrics not proxied, the forwarded headers, the body limits, and which requests go to the other
# replica when one answers 503 or is down. Prints one line per check and "nginx: N passed, N failed"; stops everything
# it started. Not part of scripts/test.sh: it needs nginx, which the tests do not.
set -uo pipefail
cd "$(dirname "$0")/.."

for tool in nginx openssl envsubst curl /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "nginx: $tool is not installed"; exit 1; }
done
# Debian's python3: one on the PATH may live under root's home, where nobody cannot run it.
python=/usr/bin/python3

https_port=18443
http_port=18080
replica_ports=(18091 18092)
dir=$(mktemp -d /tmp/nginx-check.XXXXXX)
chmod 755 "$dir"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  # Root could write anywhere; as nobody, a path the template left at a root-owned default fails the run.
  chown nobody "$dir"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

# A stand-in replica: answers every request with the request line, its protocol and headers as JSON; the first replica
# answers 503 under /budget-full, as a replica whose request budget's queue is full does.
cat > "$dir/replica.py" <<'EOF'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status = 503 if self.path.startswith("/budget-full") and self.server.server_port == int(sys.argv[2]) else 200
        body = json.dumps({"port": self.server.server_port, "method": self.command, "path": self.path,
                           "version": self.request_version, "headers": dict(self.headers)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = answer

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
EOF
for port in "${replica_ports[@]}"; do
  "${as_user[@]}" "$python" "$dir/replica.py" "$port" "${replica_ports[0]}" 2>>"$dir/replicas.log" &
  pids+=($!)
done
for port in "${replica_ports[@]}"; do
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
done

# shellcheck source=ops/nginx/local.sh
. ops/nginx/local.sh
nginx_local_render "$dir" "$https_port" "$http_port" "${replica_ports[@]}" || exit 1

passed=0
failed=0
check() {
  local name=$1
  shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "[nginx] ok      $name"
  else
    failed=$((failed + 1))
    echo "[nginx] FAILED  $name"
    printf '%s\n' "$output" | sed 's/^/        /'
  fi
}

check "nginx -t accepts the rendered template as $("${as_user[@]}" id -un)" \
  "${as_user[@]}" nginx -t -p "$dir" -c "$dir/nginx.conf"
"${as_user[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>>"$dir/error.log" &
pids+=($!)
for _ in $(seq 50); do
  curl -ks -o /dev/null "https://127.0.0.1:$https_port/metrics" && break
  sleep 0.1
done

base=https://127.0.0.1:$https_port
headers() { curl -ksS --http2 -I "$@"; }
expect() { local pattern=$1; shift; local out; out=$("$@") || return 1; grep -qiE "$pattern" <<<"$out" || { echo "$out"; echo "(no line matches /$pattern/)"; return 1; }; }
echo_of() { curl -ksS --http2 "$@"; }

check "HTTPS answers over HTTP/2" expect '^HTTP/2 200' headers "$base/"
check "with Strict-Transport-Security: max-age=31536000; includeSubDomains" \
  expect '^strict-transport-security: max-age=31536000; includeSubDomains' headers "$base/"
check "TLS 1.2 is accepted" curl -ksS -o /dev/null --tlsv1.2 --tls-max 1.2 "$base/"
check "TLS 1.3 is accepted" curl -ksS -o /dev/null --tlsv1.3 "$base/"
# The client's own floor is lowered, so that the refusal seen is the server's "protocol version" alert.
check "TLS 1.1 is refused" expect 'alert protocol version' \
  sh -c "openssl s_client -connect 127.0.0.1:$https_port -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1; true"
check "port $http_port redirects to https" \
  expect "^location: https://127\.0\.0\.1:$https_port/api/v1/products\?q=x" curl -sSI "http://127.0.0.1:$http_port/api/v1/products?q=x"
check "/metrics is a 404, not proxied" expect '^HTTP/2 404' headers "$base/metrics"
check "a replica sees HTTP/1.1, X-Forwarded-Proto https, X-Forwarded-For and Host, and no Connection header" \
  "$python" -c '
import json, sys
seen = json.load(sys.stdin)
h = {k.lower(): v for k, v in seen["headers"].items()}
assert seen["version"] == "HTTP/1.1", seen
assert h.get("x-forwarded-proto") == "https", h
assert h.get("x-forwarded-for") == "203.0.113.7, 127.0.0.1", h
assert h.get("host") == "127.0.0.1", h
assert "connection" not in h, h
' < <(echo_of -H 'X-Forwarded-For: 203.0.113.7' "$base/api/v1/products")
check "a 2 MiB body to an ordinary route is a 413 problem+json" \
  expect '^content-type: application/problem\+json' curl -ksS -o /dev/null -D - -X POST --data-binary @<(head -c 2097152 /dev/zero) "$base/api/v1/cart/lines"
check "a 10 MiB body to a bulk route reaches a replica" \
  expect '"path": "/api/v1/sellers/s1/offers:bulk"' curl -ksS -X POST -H 'Content-Type: application/x-ndjson' --data-binary @<(head -c 10485760 /dev/zero) "$base/api/v1/sellers/s1/offers:bulk"

# A 503 from a replica: neither a GET nor a POST is sent to the other replica. The access log's
# upstream_status shows each attempt. A 503 is the replica's "full, retry after a second": passed to the client as it
# is, and not counted against the replica, which stays in. Round robin needs up to 10 requests to meet it.
statuses() { for _ in $(seq "$1"); do curl -ksS -o /dev/null -w '%{http_code} ' "${@:2}"; done; }
logged() { grep -qE "$1" "$dir/access.log" || { echo "no access log line matches /$1/:"; cat "$dir/access.log"; return 1; }; }
check "a GET answered 503 by one replica is passed to the client, not retried" expect '503' statuses 10 "$base/budget-full"
check "(the access log shows one attempt)" logged '"GET /budget-full HTTP/2.0" 503 .*upstream_status=503 '
check "and the busy replica stays in: the next GETs reach both" expect '503 200|200 503' statuses 4 "$base/budget-full"
check "a POST answered 503 by one replica is not sent to the other" expect '503' statuses 10 -X POST -d '{}' "$base/budget-full"
check "(the access log shows one attempt)" logged '"POST /budget-full HTTP/2.0" 503 .*upstream_status=503 '
sleep 5.5

# One replica gone: its refused connection sends a GET, and a POST that never reached it, to the other one.
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
pids=("${pids[@]:1}")
all_ok() { for _ in 1 2 3 4; do "$@" || return 1; done; }
check "with one replica down, GETs are answered by the other" all_ok expect '^HTTP/2 200' headers "$base/"
check "and so are POSTs that never reached the stopped one" \
  all_ok expect "\"port\": ${replica_ports[1]}" curl -ksS -X POST -d '{}' "$base/api/v1/cart/guest"

if [ "$failed" -gt 0 ]; then
  echo "--- error log"
  cat "$dir/error.log"
fi
echo "nginx: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
