#!/usr/bin/env bash
# Seed topology (KV host, classic-swarm master, node0..node2, overlay network) on local hosts:
# `up` with every machine at once vs `up --jobs 1` (the same machines one after another), wall
# time of each, the slowest single machine (from the one-at-a-time run) and the ratio
# parallel / slowest (goal: <= 1.3). Then a second `up` (nothing to do).
# Needs root. Own store, bridge scbench1 and 192.168.212.0/24; removes everything it created.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "cluster_up.sh: needs root" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/swarmctl-bench-cluster.XXXXXX)
export SWARMCTL_STORAGE_PATH=$TMP/store LOCAL_CIDR=192.168.212.1/24 LOCAL_BRIDGE=scbench1
file=$TMP/seed.yml
LOGS=${SWARMCTL_BENCH_LOGS:-/tmp/swarmctl-bench-cluster-logs}  # each run's output, kept
cleanup() {
  mkdir -p "$LOGS" && cp "$TMP"/*.log "$LOGS"/ 2>/dev/null
  [ -f "$file" ] && "$SWARMCTL" down -q -f "$file" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

images=${SWARMCTL_BENCH_IMAGES:-/var/tmp/swarmctl-demo/images}
"$root/tests/e2e/images/build.sh" "$images" >/dev/null || { echo "cluster_up.sh: building images failed" >&2; exit 1; }
cp "$root/templates/examples/seed-local.yml" "$file"
cat >> "$file" <<EOF
networks:
  - name: server-overlay-network
    driver: overlay
images:
  - $images/busybox.tar
  - $images/swarmctl_hello.tar
  - $images/quay_io_coreos_etcd.tar
  - $images/swarm.tar
EOF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
run_up() {  # label extra-args... -> prints wall ms; per-machine lines to $TMP/label.log
  local label=$1 t0 t1
  shift
  t0=$(now_ms)
  "$SWARMCTL" up -f "$file" "$@" > "$TMP/$label.log" 2>&1 || { cat "$TMP/$label.log" >&2; return 1; }
  t1=$(now_ms)
  echo $((t1 - t0))
}

serial=$(run_up serial --jobs 1) || exit 1
slowest=$(sed -n 's/^(\(.*\)) created and provisioned in \([0-9.]*\)s$/\2 \1/p' "$TMP/serial.log" | sort -n | tail -n1)
"$SWARMCTL" down -q -f "$file" >/dev/null
parallel=$(run_up parallel) || exit 1
again=$(run_up again) || exit 1
echo "== seed topology on local hosts (5 machines + overlay network)"
echo "one machine at a time (up --jobs 1): $serial ms"
sed -n 's/^(\(.*\)) created and provisioned in \([0-9.]*\)s$/    \1 \2 s/p' "$TMP/serial.log"
echo "all at once (up):                   $parallel ms"
sed -n 's/^(\(.*\)) created and provisioned in \([0-9.]*\)s$/    \1 \2 s/p' "$TMP/parallel.log"
echo "slowest single machine:             ${slowest#* } ${slowest%% *} s"
echo "ratio parallel / slowest machine:   $(echo "scale=2; $parallel / (${slowest%% *} * 1000)" | bc -l) (goal <= 1.3)"
echo "speed-up vs one at a time:          $(echo "scale=2; $serial / $parallel" | bc -l)x"
echo "second up (nothing to do):          $again ms"
