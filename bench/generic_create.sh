#!/usr/bin/env bash
# generic create on a host that already has Docker: wall time and SSH round trips (goal: <= 10
# round trips over one connection, a few seconds). The "existing host" is a local namespace
# host created bare (--no-provision: real sshd, Docker installed but not configured). Each run
# adopts it afresh (rm of the generic record leaves the host), 5 runs, median.
# Needs root. Own store, bridge scbench2 and 192.168.213.0/24; removes everything it created.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "generic_create.sh: needs root" >&2; exit 1; }
TMP=$(mktemp -d /tmp/swarmctl-bench-generic.XXXXXX)
export SWARMCTL_STORAGE_PATH=$TMP/store LOCAL_CIDR=192.168.213.1/24 LOCAL_BRIDGE=scbench2
cleanup() {
  local names
  names=$(ls "$TMP/store/machines" 2>/dev/null)
  [ -n "$names" ] && "$SWARMCTL" rm -f -y $names >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

"$SWARMCTL" create -q -d local --no-provision bare >/dev/null || exit 1
ip=$("$SWARMCTL" ip bare)
key=$("$SWARMCTL" inspect -f '{{.Driver.SSHKeyPath}}' bare)
times=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$SWARMCTL" --debug create -d generic --generic-ip-address "$ip" --generic-ssh-key "$key" g >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; exit 1; }
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
  trips=$(sed -E -n 's/(^|.* )([0-9]+) SSH round trips.*/\2/p' "$TMP/err" | tail -n1)
  conns=$(grep -c ': connected (' "$TMP/err")
  # The engine restarts at every adoption (new certificate), as with docker-machine.
  "$SWARMCTL" rm -y g >/dev/null || exit 1
done
med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "== generic create on a host that has Docker (5 runs)"
echo "wall time: median $med ms (runs: ${times[*]} ms)"
echo "SSH round trips: $trips; SSH connections opened (from --debug): $conns"
