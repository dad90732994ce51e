#!/usr/bin/env bash
# Benchmark helpers: wall time (ms, median of N runs) and max RSS (KiB) of a command.
set -uo pipefail
SWARMCTL=${SWARMCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/swarmctl}

# bench_cmd LABEL RUNS cmd...   -> prints "LABEL: median X ms (min Y, max Z), max RSS R KiB"
bench_cmd() {
  local label=$1 runs=$2
  shift 2
  local times=() rss=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1 r
    t0=$(date +%s%N)
    r=$( { /usr/bin/time -f '%M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n1)
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
    rss+=("$r")
  done
  local sorted med min max rmax
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  med=$(printf '%s\n' "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  min=$(printf '%s\n' "$sorted" | head -n1)
  max=$(printf '%s\n' "$sorted" | tail -n1)
  rmax=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n1)
  printf '%-40s median %6.2f ms (min %.2f, max %.2f), max RSS %s KiB\n' "$label" \
    "$(echo "$med / 1000" | bc -l)" "$(echo "$min / 1000" | bc -l)" "$(echo "$max / 1000" | bc -l)" "$rmax"
}
