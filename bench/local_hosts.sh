#!/usr/bin/env bash
# Local driver: time to create N = 1, 4, 8 hosts up to "SSH answers" (create --no-provision,
# which returns once the host's sshd accepts the machine key) and up to "Docker TLS answers"
# (full create: provisioning, certificates, engine restart, TLS /_ping), serial and in parallel;
# memory per host (RSS of every process in the host's PID namespace: sshd, dockerd, containerd).
# Needs root. Uses its own store, bridge scbench0 and 192.168.211.0/24; removes everything.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "local_hosts.sh: needs root" >&2; exit 1; }
TMP=$(mktemp -d /tmp/swarmctl-bench-local.XXXXXX)
export SWARMCTL_STORAGE_PATH=$TMP/store LOCAL_CIDR=192.168.211.1/24 LOCAL_BRIDGE=scbench0
cleanup() {
  local names
  names=$(ls "$TMP/store/machines" 2>/dev/null)
  [ -n "$names" ] && "$SWARMCTL" rm -f -y $names >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# run_round MODE(serial|parallel) N EXTRA_FLAGS...  -> prints wall ms
run_round() {
  local mode=$1 n=$2
  shift 2
  local t0 t1 pids=() i rc=0
  t0=$(now_ms)
  for ((i = 0; i < n; i++)); do
    if [ "$mode" = serial ]; then
      "$SWARMCTL" create -q -d local "$@" "b$i" >"$TMP/create-b$i.log" 2>&1 || rc=1
    else
      "$SWARMCTL" create -q -d local "$@" "b$i" >"$TMP/create-b$i.log" 2>&1 &
      pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  t1=$(now_ms)
  if [ $rc -ne 0 ]; then
    echo "create failed:" >&2
    cat "$TMP"/create-b*.log >&2
    return 1
  fi
  echo $((t1 - t0))
}

remove_all() {
  local names
  names=$(ls "$TMP/store/machines" 2>/dev/null)
  [ -n "$names" ] && "$SWARMCTL" rm -f -y $names >/dev/null 2>&1
}

# RSS (KiB) of every process in the PID namespaces of this bench's hosts, divided by hosts.
rss_per_host() {
  local n=$1 mine nslist="" total=0 d ns rss pid
  mine=$(readlink /proc/self/ns/pid)
  for ((i = 0; i < n; i++)); do
    pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Driver"]["Pid"])' \
      "$TMP/store/machines/b$i/config.json")
    for f in pid pid_for_children; do
      ns=$(readlink "/proc/$pid/ns/$f" 2>/dev/null) && [ "$ns" != "$mine" ] && nslist+=" $ns"
    done
  done
  for d in /proc/[0-9]*; do
    ns=$(readlink "$d/ns/pid" 2>/dev/null) || continue
    [[ " $nslist " == *" $ns "* ]] || continue
    rss=$(awk '/^VmRSS:/ {print $2}' "$d/status" 2>/dev/null)
    total=$((total + ${rss:-0}))
  done
  echo $((total / n))
}

echo "== local hosts: wall time to SSH (create --no-provision) and to Docker TLS (full create)"
printf '%-10s %-9s %14s %16s\n' "N" "mode" "to SSH (ms)" "to Docker (ms)"
for n in 1 4 8; do
  for mode in serial parallel; do
    [ "$n" = 1 ] && [ "$mode" = parallel ] && continue
    ssh_ms=$(run_round "$mode" "$n" --no-provision) || exit 1
    remove_all
    docker_ms=$(run_round "$mode" "$n") || exit 1
    if [ "$mode" = parallel ]; then mem=$(rss_per_host "$n"); fi
    remove_all
    printf '%-10s %-9s %14s %16s\n' "$n" "$mode" "$ssh_ms" "$docker_ms"
    [ "$mode" = parallel ] && echo "           memory per host (sshd + dockerd + containerd, RSS): $((mem / 1024)) MiB"
  done
done
