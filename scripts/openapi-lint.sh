#!/usr/bin/env bash
# Lints the committed OpenAPI document (api/openapi.json) with Redocly CLI (its recommended rules) and Spectral
# (spectral:oas), as pinned in tools/openapi/package-lock.json; exits non-zero on any error either reports.
# node_modules is kept between runs: `npm ci` runs only when the lockfile changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../tools/openapi"

if ! command -v npm >/dev/null 2>&1; then
  echo "[openapi-lint] npm is not installed: the OpenAPI lint needs Node.js 20 or later" >&2
  exit 1
fi

# Neither tool phones home from CI.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1

stamp="node_modules/.package-lock.sha256"
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted" > "$stamp"
fi

document=../../api/openapi.json
failed=0
echo "[openapi-lint] redocly lint (recommended)"
npx --no-install redocly lint "$document" --extends=recommended --format=stylish || failed=1
echo "[openapi-lint] spectral lint (spectral:oas)"
npx --no-install spectral lint "$document" --ruleset .spectral.yaml --fail-severity=error || failed=1
if [ "$failed" -ne 0 ]; then
  echo "[openapi-lint] api/openapi.json has lint errors (above)" >&2
fi
exit "$failed"
