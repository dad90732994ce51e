#!/usr/bin/env bash
# Shared helpers for end-to-end tests: the built swarmctl binary against local namespace hosts
# (real sshd, real dockerd 20.10 from Debian's docker.io inside each host).
# Every test gets its own store, bridge and /24, and removes everything it created on exit,
# also when it fails; a leak check compares namespaces, links, mounts, iptables and processes.
set -uo pipefail

SWARMCTL_BIN=${SWARMCTL_BIN:-${SWARMCTL:-}}
E2E_NAME=${E2E_NAME:-$(basename "${BASH_SOURCE[1]:-$0}" .sh)}
E2E_FAILURES=0
E2E_PASSES=0

e2e_log() { printf '[%s %s] %s\n' "$E2E_NAME" "$(date +%H:%M:%S)" "$*" >&2; }

# A missing prerequisite skips locally (exit 77) and fails in CI.
e2e_require() {
  local what=$1
  shift
  if ! "$@" >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
      e2e_log "FAIL: missing prerequisite in CI: $what"
      exit 1
    fi
    e2e_log "SKIPPED: missing prerequisite: $what"
    exit 77
  fi
}

e2e_setup() {
  # $1 = third octet of the test's /24 (192.168.$1.0/24), $2 = bridge name
  e2e_require "root" test "$(id -u)" = 0
  e2e_require "swarmctl binary (SWARMCTL_BIN)" test -x "$SWARMCTL_BIN"
  # One namespace test at a time on this machine: the leak check below sees every netns, link,
  # mount and process, so two tests (or two checkouts) running at once would blame each other.
  # (Held until this shell and every process that inherited the descriptor exit.)
  exec {E2E_LOCK_FD}>/run/lock/swarmctl-e2e.lock
  if ! flock -w 3600 "$E2E_LOCK_FD"; then e2e_log "FAIL: could not take the e2e lock"; exit 1; fi
  for p in ip sshd iptables dockerd docker; do e2e_require "$p" command -v $p; done
  E2E_OCTET=$1
  E2E_BRIDGE=$2
  E2E_CIDR="192.168.$E2E_OCTET.1/24"
  E2E_TMP=$(mktemp -d "/tmp/swarmctl-e2e-$E2E_NAME.XXXXXX")
  export SWARMCTL_STORAGE_PATH="$E2E_TMP/store"
  export LOCAL_CIDR="$E2E_CIDR" LOCAL_BRIDGE="$E2E_BRIDGE"
  unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_MACHINE_NAME
  e2e_snapshot > "$E2E_TMP/before.txt"
  trap e2e_teardown EXIT
}

sc() { "$SWARMCTL_BIN" "$@"; }

# State of the machine that a test may leak: compared before and after.
e2e_snapshot() {
  echo "## netns"; ip netns list 2>/dev/null | awk '{print $1}' | sort
  echo "## links"; ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
  echo "## mounts"; awk '{print $5}' /proc/self/mountinfo | sort
  echo "## iptables"; { iptables-save -t nat; iptables-save -t filter; } 2>/dev/null | grep -v '^[#:]' | sed 's/\[[0-9:]*\]//' | sort
  echo "## processes"; ps -eo args= | grep -E 'sshd|dockerd|containerd|etcd' | grep -v grep | sort
}

e2e_teardown() {
  local rc=$?
  set +e
  if [ -n "${E2E_TMP:-}" ] && [ -d "$E2E_TMP/store/machines" ]; then
    local names
    names=$(ls "$E2E_TMP/store/machines" 2>/dev/null)
    if [ -n "$names" ]; then
      e2e_log "cleanup: rm -f $names"
      "$SWARMCTL_BIN" rm -f -y $names >/dev/null 2>&1 || e2e_log "cleanup: rm reported errors"
    fi
  fi
  # A test's own helpers (e.g. an emulator it started), stopped after the machines are removed.
  if declare -F e2e_after_cleanup >/dev/null; then e2e_after_cleanup; fi
  if [ -n "${E2E_TMP:-}" ]; then
    e2e_snapshot > "$E2E_TMP/after.txt"
    if ! diff -u "$E2E_TMP/before.txt" "$E2E_TMP/after.txt" > "$E2E_TMP/leak.diff"; then
      e2e_log "FAIL: leftovers after cleanup:"
      cat "$E2E_TMP/leak.diff" >&2
      E2E_FAILURES=$((E2E_FAILURES + 1))
    else
      E2E_PASSES=$((E2E_PASSES + 1))
    fi
    rm -rf "$E2E_TMP"
  fi
  echo "$E2E_NAME: $E2E_PASSES passed, $E2E_FAILURES failed"
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then exit $rc; fi
  [ $E2E_FAILURES -eq 0 ] || exit 1
  exit $rc
}

# check "description" command...   (runs the command; counts a pass or a failure)
check() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    E2E_PASSES=$((E2E_PASSES + 1))
    e2e_log "ok: $what"
  else
    E2E_FAILURES=$((E2E_FAILURES + 1))
    e2e_log "FAIL: $what"
    printf '%s\n' "$out" | tail -n 30 >&2
  fi
}

# must "description" command...   (like check, but stops the test on failure)
must() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    E2E_PASSES=$((E2E_PASSES + 1))
    e2e_log "ok: $what"
  else
    E2E_FAILURES=$((E2E_FAILURES + 1))
    e2e_log "FAIL (fatal): $what"
    printf '%s\n' "$out" | tail -n 40 >&2
    exit 1
  fi
}

# Equality assertion: eq "description" expected actual
eq() {
  if [ "$2" = "$3" ]; then
    E2E_PASSES=$((E2E_PASSES + 1))
    e2e_log "ok: $1"
  else
    E2E_FAILURES=$((E2E_FAILURES + 1))
    e2e_log "FAIL: $1: expected [$2], got [$3]"
  fi
}

# docker against a machine, over TLS with the machine's certificates.
dk() {
  local m=$1
  shift
  (eval "$("$SWARMCTL_BIN" env --shell bash "$m")" && docker "$@")
}

# One field of the engine's own /info, over TLS (newer docker clients no longer template fields
# such as ClusterStore and ClusterAdvertise).
info_field() {  # machine field
  (eval "$("$SWARMCTL_BIN" env --shell bash "$1")" &&
    curl -fsS --cacert "$DOCKER_CERT_PATH/ca.pem" --cert "$DOCKER_CERT_PATH/cert.pem" \
      --key "$DOCKER_CERT_PATH/key.pem" "https://${DOCKER_HOST#tcp://}/info") |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$2"
}
