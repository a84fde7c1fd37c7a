#!/usr/bin/env bash
# Checks the committed TypeScript client (clients/typescript) against the committed OpenAPI document: its generated
# types (src/schema.d.ts) must be exactly what openapi-typescript makes of api/openapi.json, and the client with its
# example must compile against them. UPDATE_CLIENT=1 writes the generated types instead of comparing.
# node_modules is kept between runs: `npm ci` runs only when the lockfile changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../clients/typescript"

if ! command -v npm >/dev/null 2>&1; then
  echo "[client-check] npm is not installed: the client check needs Node.js 20 or later" >&2
  exit 1
fi

stamp="node_modules/.package-lock.sha256"
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted" > "$stamp"
fi

generated=$(mktemp --suffix=.d.ts)
trap 'rm -f "$generated"' EXIT
npx --no-install openapi-typescript ../../api/openapi.json --output "$generated" >/dev/null
if [ "${UPDATE_CLIENT:-}" = "1" ]; then
  cp "$generated" src/schema.d.ts
  echo "[client-check] src/schema.d.ts written from api/openapi.json"
elif ! diff -q src/schema.d.ts "$generated" >/dev/null; then
  echo "[client-check] clients/typescript/src/schema.d.ts differs from what api/openapi.json generates:" >&2
  diff -u src/schema.d.ts "$generated" | head -40 >&2
  echo "[client-check] regenerate it: UPDATE_CLIENT=1 bash scripts/client-check.sh" >&2
  exit 1
fi

npx --no-install tsc --noEmit -p .
echo "[client-check] the client matches api/openapi.json and compiles"
