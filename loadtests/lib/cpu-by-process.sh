#!/usr/bin/env bash
# CPU seconds each process used over a window, grouped by name (the API and the checkout generator apart):
#   loadtests/lib/cpu-by-process.sh SECONDS
# Reads utime + stime from /proc/<pid>/stat at the start and at the end; run it during a benchmark's measured phase.
set -euo pipefail
SECONDS_TO_WATCH="${1:?usage: cpu-by-process.sh SECONDS}"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT

snapshot() {
  for p in /proc/[0-9]*; do
    name=$(cat "$p/comm" 2>/dev/null) || continue
    args=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null | cut -c1-60) || continue
    ticks=$(awk '{print $14 + $15}' "$p/stat" 2>/dev/null) || continue
    echo "${p#/proc/}|$name|$args|$ticks"
  done
}

snapshot > "$DIR/start"
sleep "$SECONDS_TO_WATCH"
snapshot > "$DIR/end"
python3 - "$DIR/start" "$DIR/end" "$(getconf CLK_TCK)" <<'PY'
import collections, sys
def load(path):
    rows = {}
    for line in open(path):
        parts = line.rstrip('\n').split('|')
        if len(parts) == 4:
            pid, name, args, ticks = parts
            rows[pid] = (name, args, int(ticks))
    return rows
start, end, hz = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
used = collections.Counter()
for pid, (name, args, ticks) in end.items():
    before = start.get(pid, (name, args, 0))[2]
    if name == 'dotnet':
        name = 'dotnet: API' if 'Marketplace.Api' in args else 'dotnet: checkout generator' if 'Checkout.Load' in args else 'dotnet: ' + args[:40]
    used[name] += (ticks - before) / hz
for name, seconds in used.most_common(10):
    print(f"{seconds:7.1f} s  {name}")
PY
