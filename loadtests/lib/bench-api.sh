# Sourced by the load scripts (checkout.sh, webhooks.sh): the API as a bench runs it. Expects ROOT, REPORT, RESULTS, STAMP
# and a log function; reads the LOADTEST_* environment described in each script's header.
#
# The API runs in Release and in the Production environment: it needs a signing key, a cursor key, a bootstrap admin and
# a payment provider chosen on purpose (the sandbox authorises pm_card_visa at once).

PORT="${LOADTEST_PORT:-5080}"
PG_HOST="${LOADTEST_PG_HOST:-127.0.0.1}"
PG_USER="${LOADTEST_PG_USER:-marketplace}"
export PGPASSWORD="${LOADTEST_PG_PASSWORD:-marketplace}"
REDIS="${LOADTEST_REDIS:-127.0.0.1:6379}"
RABBITMQ="${LOADTEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"
BIN="$ROOT/api/bin/Release/net10.0"
DATA="$ROOT/loadtests/data"
URL="http://127.0.0.1:$PORT"
mkdir -p "$DATA" "$RESULTS"

[ -f "$DATA/jwt-signing-key.pem" ] || openssl genrsa -out "$DATA/jwt-signing-key.pem" 2048 2>/dev/null
export Identity__Jwt__SigningKeyPath="$DATA/jwt-signing-key.pem"
export Paging__CursorKey="${Paging__CursorKey:-$(openssl rand -base64 32)}"
export Identity__BootstrapAdmin__Email="bench-admin@bench.local" Identity__BootstrapAdmin__Password="Bench-admin-pass-1"
export Payments__Provider=sandbox
export Logging__LogLevel__Default=Warning
# One client address makes every request: lift the limits counted per client network (README, "Rate limits").
export Api__RequestsPerMinute=1000000000 Cart__GuestRequestsPerMinute=1000000000 Api__CredentialAttemptsPerMinute=1000000
rm -rf "$DATA/runtime" && mkdir -p "$DATA/runtime" && cp "$ROOT"/config/runtime/*.json "$DATA/runtime/"
export Config__RuntimeDirectory="$DATA/runtime" Config__LastGoodPath="$DATA/last-good-rules.json"

EMBEDDED_DIR="$DATA/embedded"

# pg_connection DB: the API's connection string to one bench database. TLS is off: the server is on this machine, as
# in docker-compose.yml, where PostgreSQL's image serves no TLS; Debian's server offers it, and Npgsql would otherwise
# encrypt every round trip on loopback (LOADTEST_PG_SSLMODE=Require measures with it).
pg_connection() { printf 'Host=%s;Username=%s;Password=%s;Database=%s;SSL Mode=%s' "$PG_HOST" "$PG_USER" "$PGPASSWORD" "$1" "${LOADTEST_PG_SSLMODE:-Disable}"; }

# profile_env PROFILE DB: the settings of one profile, as VAR=value words in PROFILE_ENV.
profile_env() {
  if [ "$1" = postgres ]; then
    PROFILE_ENV=(ConnectionStrings__Postgres="$(pg_connection "$2")" ConnectionStrings__Redis="$REDIS" ConnectionStrings__RabbitMq="$RABBITMQ"
      Messaging__EntityPrefix=bench Cart__RedisKeyPrefix="marketplace-bench:" Database__MigrateOnStartup=false)
  else
    PROFILE_ENV=(Database__DataDirectory="$EMBEDDED_DIR")
  fi
}

# on_profile PROFILE DB COMMAND...: runs the host's command (migrate, seed) on one profile, from the build output.
on_profile() {
  profile_env "$1" "$2"; shift 2
  (cd "$BIN" && env "${PROFILE_ENV[@]}" "$@")
}

# recreate_database DB: drops and creates it, then applies every module's migrations.
recreate_database() {
  psql -h "$PG_HOST" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\""
  on_profile postgres "$1" dotnet Marketplace.Api.dll migrate >/dev/null
}

api_pid=""
stop_api() {
  if [ -n "$api_pid" ]; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
    api_pid=""
  fi
}
trap stop_api EXIT

# start_api PROFILE DB SCENARIO [extra VAR=value ...]: starts the API in the background and waits until it is ready.
start_api() {
  local profile=$1 db=$2 scenario=$3; shift 3
  if curl -s -o /dev/null "$URL/health/live"; then
    log "something already answers on $URL: stop it or choose LOADTEST_PORT"
    exit 1
  fi
  profile_env "$profile" "$db"
  # Started directly (not through a function's subshell), so $! is the API's own process for the RSS reading and kill.
  # The host reads appsettings.json from its content root: it runs from the build output.
  # shellcheck disable=SC2086 # LOADTEST_API_ENV is a list of words on purpose
  pushd "$BIN" >/dev/null
  env "${PROFILE_ENV[@]}" ASPNETCORE_URLS="$URL" ${LOADTEST_API_ENV:-} "$@" dotnet Marketplace.Api.dll >> "$RESULTS/$STAMP-$scenario-api.log" 2>&1 &
  api_pid=$!
  popd >/dev/null
  for _ in $(seq 1 240); do
    curl -fs "$URL/health/ready" >/dev/null 2>&1 && return
    kill -0 "$api_pid" 2>/dev/null || { log "the API exited; see $RESULTS/$STAMP-$scenario-api.log"; exit 1; }
    sleep 0.5
  done
  log "the API did not become ready; see $RESULTS/$STAMP-$scenario-api.log"
  exit 1
}

# machine_line: what the report says of the machine it ran on.
machine_line() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
}
