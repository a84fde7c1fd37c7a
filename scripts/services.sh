#!/usr/bin/env bash
# Installs and starts the servers the tests use (PostgreSQL 15, Redis, RabbitMQ) on loopback, and installs the
# browser the storefront's tests drive (Chromium) and the tools that check the monitoring (promtool, amtool, PyYAML).
# Idempotent: a second run only checks that each one answers. Needs root (apt, service).
set -euo pipefail

PG_USER="${MARKETPLACE_PG_USER:-marketplace}"
PG_PASSWORD="${MARKETPLACE_PG_PASSWORD:-marketplace}"

log() { printf '[services] %s\n' "$*"; }

need_packages=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_packages+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)
[ -x /usr/sbin/rabbitmqctl ] || need_packages+=(rabbitmq-server)
command -v wrk >/dev/null 2>&1 || need_packages+=(wrk)
# The storefront's end-to-end tests drive Debian's Chromium headless (Playwright cannot download a browser here).
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
# scripts/ops-check.sh: promtool and amtool check the alert rules and routing; PyYAML reads them for the contract check.
command -v promtool >/dev/null 2>&1 || need_packages+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_packages+=(prometheus-alertmanager)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need_packages+=(python3-yaml)

if [ ${#need_packages[@]} -gt 0 ]; then
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null

  # Only the tools of prometheus and prometheus-alertmanager are wanted. Unless a policy-rc.d forbids it, installing
  # them starts both daemons through their init scripts (Prometheus on :9090, Alertmanager on :9093 and :9094) and
  # enables them at boot: stop them and keep them off. A daemon installed before, on purpose, is left alone.
  for daemon in prometheus prometheus-alertmanager; do
    if [[ " ${need_packages[*]} " == *" $daemon "* ]] && [ -x "/etc/init.d/$daemon" ]; then
      if service "$daemon" status >/dev/null 2>&1; then
        log "stopping the $daemon daemon (only its command-line tool is used)"
        service "$daemon" stop >/dev/null
      fi
      update-rc.d "$daemon" disable >/dev/null 2>&1 || true
    fi
  done
fi

# PostgreSQL
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
  log "creating PostgreSQL cluster 15/main"
  pg_createcluster --locale C.UTF-8 15 main >/dev/null
fi
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -h 127.0.0.1
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
    CREATE ROLE ${PG_USER} LOGIN SUPERUSER PASSWORD '${PG_PASSWORD}';
  END IF;
END \$\$;
SQL
# Every test class gets its own database and every module its own connection pool; a busy machine running more than
# one suite needs more than PostgreSQL's default 100 connections.
if [ "$(runuser -u postgres -- psql -tAc 'SHOW max_connections')" -lt 300 ]; then
  log "raising PostgreSQL max_connections to 300"
  runuser -u postgres -- psql -q -c 'ALTER SYSTEM SET max_connections = 300'
  pg_ctlcluster 15 main restart
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi

# Redis
service redis-server start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = "PONG" ] && break; sleep 1; done
redis-cli -h 127.0.0.1 ping

# RabbitMQ, bound to loopback only
mkdir -p /etc/rabbitmq
grep -qs 'listeners.tcp.default' /etc/rabbitmq/rabbitmq.conf || echo 'listeners.tcp.default = 127.0.0.1:5672' >> /etc/rabbitmq/rabbitmq.conf
grep -qs 'ERL_EPMD_ADDRESS' /etc/rabbitmq/rabbitmq-env.conf || echo 'export ERL_EPMD_ADDRESS=127.0.0.1' >> /etc/rabbitmq/rabbitmq-env.conf
# A start is bounded: a broker that cannot come up fails this script with its log's tail instead of hanging the caller.
if ! /usr/sbin/rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  if ! timeout 300 service rabbitmq-server start >/dev/null; then
    log "RabbitMQ did not start within 5 minutes; the end of its log:"
    tail -n 20 /var/log/rabbitmq/rabbit@"$(hostname -s)".log 2>/dev/null || true
    exit 1
  fi
fi
/usr/sbin/rabbitmqctl -q await_startup --timeout 120
log "PostgreSQL, Redis and RabbitMQ are up"
