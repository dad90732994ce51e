#!/usr/bin/env bash
# Benchmark helpers: wall time of a command with hyperfine (no shell in between: -N), median,
# min and max of N runs, and its max RSS (KiB) from GNU time.
set -uo pipefail
SWARMCTL=${SWARMCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/swarmctl}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (make deps)" >&2; exit 1; }

# bench_cmd LABEL RUNS cmd...   -> prints "LABEL: median X ms (min Y, max Z), max RSS R KiB"
# A command that fails ends the benchmark (exit 1, its error shown): timing a failure measures
# nothing.
bench_cmd() {
  local label=$1 runs=$2
  shift 2
  local cmd json rss err
  if ! err=$("$@" 2>&1 >/dev/null); then
    echo "bench: $label: '$*' failed: $err" >&2
    exit 1
  fi
  cmd=$(printf '%q ' "$@")
  json=$(mktemp)
  if ! hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$json" -- "$cmd" >/dev/null 2>&1; then
    echo "bench: $label: '$*' failed in one of its runs" >&2
    rm -f "$json"
    exit 1
  fi
  /usr/bin/time -o "$json.rss" -f '%M' "$@" >/dev/null 2>&1
  rss=$(tail -n1 "$json.rss")
  python3 - "$json" "$label" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%-40s median %7.2f ms (min %.2f, max %.2f), max RSS %s KiB" % (
    sys.argv[2], r["median"] * 1000, r["min"] * 1000, r["max"] * 1000, sys.argv[3]))
PY
  rm -f "$json" "$json.rss"
}
