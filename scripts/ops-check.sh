#!/usr/bin/env bash
# Checks the monitoring of the production stack: Prometheus's configuration and rules (promtool check), the rules' unit
# tests (promtool test rules), Alertmanager's configuration and routing (amtool) and its inhibitions (a real
# Alertmanager, scripts/alertmanager-inhibit-check.py), and what none of them can know (scripts/ops-rules-check.py:
# metric names against ops/metrics.md, runbooks, every alert tested firing and quiet, and Grafana's boards and
# provisioning in ops/grafana/).
# Each check and each test file counts once; the last line is "ops: N passed, N failed".
# Needs promtool (Debian package prometheus), amtool (prometheus-alertmanager) and python3 with PyYAML (python3-yaml);
# scripts/services.sh installs them when run as root.
set -uo pipefail
cd "$(dirname "$0")/.."

prometheus_config=ops/prometheus/prometheus.yml
alertmanager_config=ops/alertmanager/alertmanager.yml
passed=0
failed=0

# A check's output is shown only when it fails, so that a passing run reads as one line per check.
check() {
  local name=$1 output
  shift
  if output=$("$@" 2>&1 </dev/null); then
    passed=$((passed + 1))
    echo "[ops] ok      $name"
  else
    failed=$((failed + 1))
    echo "[ops] FAILED  $name"
    printf '%s\n' "$output" | sed 's/^/        /'
  fi
}

# An alert with these labels must reach exactly this receiver.
routes_to() {
  local receiver=$1
  shift
  amtool config routes test --config.file="$alertmanager_config" --verify.receivers="$receiver" "$@"
}

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(promtool)
command -v amtool >/dev/null 2>&1 || missing+=(amtool)
if [ ${#missing[@]} -gt 0 ]; then
  # Counted as one failure, not skipped: a run without the tools has checked none of the rules.
  failed=$((failed + 1))
  echo "[ops] FAILED  not installed: ${missing[*]} (Debian packages prometheus and prometheus-alertmanager;" \
    "as root, bash scripts/services.sh installs them)"
else
  check "promtool check config $prometheus_config" promtool check config "$prometheus_config"
  check "promtool check rules ops/prometheus/rules/" promtool check rules ops/prometheus/rules/*.yml
  for tests in ops/prometheus/tests/*.yml; do
    check "promtool test rules $tests" promtool test rules "$tests"
  done
  check "amtool check-config $alertmanager_config" amtool check-config "$alertmanager_config"
  check "a page reaches the on-call receiver" routes_to on-call severity=page alertname=ApiErrorBudgetBurn service_role=api
  check "a ticket reaches the tickets receiver" routes_to tickets severity=ticket alertname=OutboxBacklogOld module=ordering
  check "an alert without a severity reaches the tickets receiver" routes_to tickets alertname=WithoutSeverity
  # amtool cannot evaluate inhibit rules: a real Alertmanager (the same Debian package) runs them, briefly, on loopback.
  check "a running Alertmanager inhibits exactly what the inhibit rules say" python3 scripts/alertmanager-inhibit-check.py "$alertmanager_config"
fi

# Debian's python3 first: python3-yaml is installed for it, whatever else is first on the PATH.
python=""
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import yaml' >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  failed=$((failed + 1))
  echo "[ops] FAILED  not installed: python3 with PyYAML (Debian package python3-yaml); as root, bash scripts/services.sh installs it"
else
  check "rule expressions use only ops/metrics.md's metrics and labels" "$python" scripts/ops-rules-check.py metrics
  check "every alert has a severity, a summary, a description and a runbook in docs/operations.md" "$python" scripts/ops-rules-check.py runbooks
  check "every alert has a test where it fires and one where it stays quiet" "$python" scripts/ops-rules-check.py tests
  check "every board in ops/grafana/dashboards/ parses" "$python" scripts/ops-rules-check.py boards
  check "the storefront, checkout-money, messaging and runtime-rules boards exist" "$python" scripts/ops-rules-check.py board-set
  check "every board has a uid of its own" "$python" scripts/ops-rules-check.py board-uids
  check "panel ids are unique within each board, rows' panels included" "$python" scripts/ops-rules-check.py panel-ids
  check "every panel has a query with an expr" "$python" scripts/ops-rules-check.py panel-queries
  check "every panel, query and variable reads the datasource uid prometheus" "$python" scripts/ops-rules-check.py datasources
  check "board queries use only ops/metrics.md's metrics and labels" "$python" scripts/ops-rules-check.py board-metrics
  check "Grafana's provisioning declares the datasource uid prometheus and loads the boards" "$python" scripts/ops-rules-check.py provisioning
  check "docker-compose.yml: health checks, limits, pinned images, mounts, scrape targets, proxy trust, grace periods" "$python" scripts/compose-check.py
fi

echo "ops: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
