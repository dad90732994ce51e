#!/usr/bin/env bash
# Runs the libFuzzer targets of a fuzz build (make fuzz builds it in build-fuzz/).
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]     each target SECONDS long; all when none given
#   tests/fuzz/run.sh --merge BUILD SECONDS [TARGET...]   then replaces the hash-named inputs of
#                    tests/fuzz/corpus/TARGET/ with the smallest set that keeps the coverage of
#                    the old corpus and the new inputs (named seeds, written by hand, stay)
# The seed corpus in the tree is only read: new inputs go to a scratch directory. A crash, an
# abort, a leak, a timeout (10 s per input) or memory over the limits fails the run; the input
# that did it is kept in $FUZZ_ARTIFACTS (default BUILD/fuzz-artifacts) and the run prints the
# command that reproduces it. Prints execs/s and corpus sizes per target.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
merge=0
if [ "${1:-}" = "--merge" ]; then
  merge=1
  shift
fi
[ $# -ge 2 ] || { echo "usage: $0 [--merge] BUILD SECONDS [TARGET...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$here"/corpus/*/; do targets+=("$(basename "$f")"); done
fi
artifacts=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Symbolized stacks when a target fails.
for s in llvm-symbolizer-14 llvm-symbolizer; do
  if command -v "$s" >/dev/null; then export ASAN_SYMBOLIZER_PATH=$(command -v "$s"); break; fi
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
printf '%-14s %10s %8s %8s %8s %8s\n' target execs exec/s seeds corpus cov
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  seeds=$here/corpus/$t
  [ -x "$bin" ] || { echo "$t: $bin not built (make fuzz)" >&2; exit 1; }
  [ -d "$seeds" ] || { echo "$t: no seed corpus $seeds" >&2; exit 1; }
  work=$scratch/$t
  mkdir -p "$work"
  dict=()
  [ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
  log=$scratch/$t.log
  # -rss_limit_mb bounds the whole process (ASan's own shadow included), -malloc_limit_mb any
  # single allocation: inputs are at most 8 KiB, so a bigger allocation is amplification.
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=128 -timeout=10 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "${dict[@]}" \
    "$work" "$seeds" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  printf '%-14s %10s %8s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" \
    "$(ls "$seeds" | wc -l)" "$(( $(ls "$seeds" | wc -l) + $(ls "$work" | wc -l) ))" \
    "${cov:-?}" "$status"
  if [ "$status" = FAILED ]; then
    grep -E 'ERROR|SUMMARY|invariant|Test unit written|==[0-9]+==' "$log" | head -20 >&2 || true
    echo "reproduce: $bin $artifacts/$t-<file shown above>" >&2
  elif [ "$merge" = 1 ]; then
    # Seeds written by hand (named) stay; of the rest (named by hash), the smallest set that
    # keeps the edge coverage of seeds + new inputs replaces the old (edges only: with hit
    # counters as features the set is five times larger for the same edges).
    min=$scratch/$t.min
    mkdir -p "$min"
    find "$seeds" -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$min" \;
    if "$bin" -set_cover_merge=1 -use_counters=0 -max_len=8192 -rss_limit_mb=1024 "${dict[@]}" \
      "$min" "$seeds" "$work" >"$scratch/$t.merge" 2>&1; then
      find "$seeds" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
      find "$min" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -exec cp {} "$seeds" \;
    else
      echo "$t: merge failed, corpus left as it was" >&2
      tail -5 "$scratch/$t.merge" >&2
    fi
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
