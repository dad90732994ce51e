#!/usr/bin/env bash
# The docker-machine compatibility tier: docker-machine's own bats assertions (written anew, see
# each .bats file) against the built binary, run under two names — `swarmctl` and a copy named
# `docker-machine` — so that help, errors and hints must follow argv[0].
#   run.sh none    cli.bats, ls.bats, tls.bats, core.bats on none-driver machines (no root needed; the
#                  engine is tests/compat/fake_dockerd.py)
#   run.sh local   core.bats and core_local.bats on local hosts (root; takes the e2e lock)
# A missing prerequisite skips (exit 77) locally and fails in CI (CI=true).
set -uo pipefail
DRIVER=${1:?usage: run.sh none|local}
HERE=$(cd "$(dirname "$0")" && pwd)
SWARMCTL_BIN=${SWARMCTL_BIN:-$HERE/../../build/swarmctl}

log() { printf '[compat %s %s] %s\n' "$DRIVER" "$(date +%H:%M:%S)" "$*" >&2; }
require() {
  local what=$1
  shift
  "$@" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = true ]; then log "FAIL: missing prerequisite in CI: $what"; exit 1; fi
  log "SKIPPED: missing prerequisite: $what"
  exit 77
}
require "bats (apt-get install bats)" command -v bats
require "swarmctl binary (SWARMCTL_BIN)" test -x "$SWARMCTL_BIN"
case $DRIVER in
none)
  require python3 command -v python3
  require openssl command -v openssl
  FILES=(cli.bats ls.bats tls.bats core.bats)
  ;;
local)
  require root test "$(id -u)" = 0
  for p in ip sshd iptables dockerd docker; do require "$p" command -v $p; done
  # One namespace test at a time on this machine (tests/e2e/lib.sh takes the same lock).
  exec {LOCK_FD}>/run/lock/swarmctl-e2e.lock
  flock -w 3600 "$LOCK_FD" || { log "FAIL: could not take the e2e lock"; exit 1; }
  FILES=(core.bats core_local.bats)
  ;;
*) echo "run.sh: unknown driver $DRIVER" >&2; exit 2 ;;
esac

COMPAT_TMP=$(mktemp -d /tmp/swarmctl-compat-$DRIVER.XXXXXX)
export COMPAT_TMP DRIVER
FAKE_PID=
RUN_PIDS=()
cleanup() {
  local rc=$?
  set +e
  for store in "$COMPAT_TMP"/store-*; do
    [ -d "$store/machines" ] || continue
    names=$(ls "$store/machines")
    [ -n "$names" ] && MACHINE_STORAGE_PATH=$store "$SWARMCTL_BIN" rm -f -y $names >/dev/null 2>&1
  done
  for p in "${RUN_PIDS[@]}"; do kill "$p" 2>/dev/null; done # when the tier is interrupted
  if [ "$DRIVER" = local ]; then
    # Nothing of ours may outlive the run: the bridges, namespaces, host processes.
    for br in sccompat231 sccompat232; do
      ip link show "$br" >/dev/null 2>&1 && { log "FAIL: bridge $br left"; rc=1; }
    done
    if pgrep -f "$COMPAT_TMP" >/dev/null; then log "FAIL: processes left:"; pgrep -af "$COMPAT_TMP" >&2; rc=1; fi
  fi
  rm -rf "$COMPAT_TMP"
  exit $rc
}
trap cleanup EXIT

mkdir -p "$COMPAT_TMP/bin"
cp "$SWARMCTL_BIN" "$COMPAT_TMP/bin/swarmctl"
cp "$SWARMCTL_BIN" "$COMPAT_TMP/bin/docker-machine"
export PATH="$COMPAT_TMP/bin:$PATH"
export LOCAL_BRIDGE=sccompat231 LOCAL_CIDR=192.168.231.1/24
unset SWARMCTL_STORAGE_PATH DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_MACHINE_NAME

# The shared machine of the core suites ($NAME), docker-machine's use_shared_machine.
make_shared() {
  export NAME=compat-$DRIVER
  if [ "$DRIVER" = none ]; then
    # An engine for the none machine: a TLS endpoint trusting the store's CA.
    "$MACHINE_NAME" create -d none --url tcp://127.0.0.1:1 ca-bootstrap >/dev/null &&
      "$MACHINE_NAME" rm -y ca-bootstrap >/dev/null || return 1
    local certs=$MACHINE_STORAGE_PATH/certs d=$COMPAT_TMP/fake-$MACHINE_NAME
    mkdir -p "$d"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=compat \
      -keyout "$d/key.pem" -out "$d/csr" 2>/dev/null &&
      printf 'subjectAltName=IP:127.0.0.1\n' >"$d/ext" &&
      openssl x509 -req -in "$d/csr" -CA "$certs/ca.pem" -CAkey "$certs/ca-key.pem" \
        -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/cert.pem" 2>/dev/null || return 1
    python3 "$HERE/fake_dockerd.py" "$certs/ca.pem" "$d/cert.pem" "$d/key.pem" "$d/port" &
    FAKE_PID=$!
    for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.05; done
    [ -s "$d/port" ] || return 1
    export CREATE_ARGS="--url tcp://127.0.0.1:$(cat "$d/port")"
  else
    export CREATE_ARGS=""
  fi
  # shellcheck disable=SC2086
  "$MACHINE_NAME" create -d "$DRIVER" $CREATE_ARGS "$NAME" >"$COMPAT_TMP/create-$NAME.log" 2>&1 ||
    { cat "$COMPAT_TMP/create-$NAME.log" >&2; return 1; }
  if [ "$DRIVER" = local ]; then
    docker $("$MACHINE_NAME" config "$NAME") load -i "$IMAGES/busybox.tar" >/dev/null || return 1
  fi
}

# One name's run: its own store (and, for local hosts, its own bridge and /24).
run_as() {
  trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null' EXIT
  trap 'exit 143' TERM
  export MACHINE_NAME=$1 MACHINE_STORAGE_PATH=$COMPAT_TMP/store-$1
  if [ "$1" = docker-machine ]; then export LOCAL_BRIDGE=sccompat232 LOCAL_CIDR=192.168.232.1/24; fi
  log "as $MACHINE_NAME: ${FILES[*]}"
  if ! make_shared; then log "FAIL: could not create the shared machine"; return 1; fi
  local rc=0
  (cd "$HERE" && bats --formatter tap --timing "${FILES[@]}") || rc=1
  local names
  names=$(ls "$MACHINE_STORAGE_PATH/machines")
  [ -n "$names" ] && "$MACHINE_NAME" rm -f -y $names >/dev/null 2>&1
  return $rc
}

# Both names at once (the hosts of one never meet the other's): the tier's wall time is mostly
# waiting for hosts and engines.
start=$SECONDS
if [ "$DRIVER" = local ]; then
  # busybox for `docker run` (no registry is reachable): the e2e tests' locally built image.
  IMAGES=$("$HERE/../e2e/images/build.sh" "$COMPAT_TMP/images") || { log "FAIL: test images"; exit 1; }
  export IMAGES
fi
for name in swarmctl docker-machine; do
  run_as "$name" >"$COMPAT_TMP/$name.tap" 2>&1 &
  RUN_PIDS+=($!)
done
failed=0
for p in "${RUN_PIDS[@]}"; do wait "$p" || failed=1; done
RUN_PIDS=()
cat "$COMPAT_TMP/swarmctl.tap" "$COMPAT_TMP/docker-machine.tap"
log "done in $((SECONDS - start)) s"
exit $failed
