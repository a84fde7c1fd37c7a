#!/bin/sh
# Prints ops/nginx/nginx.conf rendered from nginx.conf.template. Used by docker-compose.yml's nginx entrypoint and by
# local runs alike, so that both substitute the same list. Only these variables are replaced: nginx's own ($host,
# $scheme, $request_uri…) must pass through, and envsubst without a list would blank them. Each must be set (an
# empty value is allowed, as HTTPS_PORT_SUFFIX is behind port 443), so a missing one stops here rather than rendering
# `listen  ssl`.
#   UPSTREAM_SERVERS   the upstream's lines, e.g. "server 127.0.0.1:5081 max_fails=3 fail_timeout=5s;"
#   LISTEN_HTTPS       e.g. 443 or 127.0.0.1:18443          LISTEN_HTTP   e.g. 80 or 127.0.0.1:18080
#   HTTPS_PORT_SUFFIX  what follows the host in the redirect to HTTPS: "" for 443, ":18443" otherwise
#   CERT_FILE, KEY_FILE                                      the certificate chain and its key (PEM)
#   PID_FILE, TEMP_DIR, ERROR_LOG, ACCESS_LOG                where nginx writes ("stderr" and /dev/stdout work)
set -eu
variables="UPSTREAM_SERVERS LISTEN_HTTPS LISTEN_HTTP HTTPS_PORT_SUFFIX CERT_FILE KEY_FILE PID_FILE TEMP_DIR ERROR_LOG ACCESS_LOG"
list=""
for name in $variables; do
  if ! eval "[ \"\${$name+set}\" = set ]"; then
    echo "render.sh: $name is not set" >&2
    exit 1
  fi
  list="$list \${$name}"
done
envsubst "$list" < "$(dirname "$0")/nginx.conf.template"
