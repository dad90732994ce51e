#!/usr/bin/env bash
# End to end, local driver, the unhappy paths: every pre-create check fails with exit 3 and one
# line before anything is created (not root, a missing tool, the address range taken by another
# interface, a name that exists, a rootfs without sshd); a create that fails half way (the host
# runs, provisioning fails) is reported with the failing step, `ls` shows it, and `rm` removes
# it without a trace (the leak check in lib.sh compares the machine before/after).
source "$(dirname "$0")/lib.sh"
e2e_setup 205 sce2e205

# expect_precreate LABEL PATTERN cmd... : exit 3, exactly one line on stderr matching PATTERN,
# no machine recorded (stdout may show progress, as docker-machine's does).
expect_precreate() {
  local label=$1 pattern=$2 err rc
  shift 2
  "$@" >/dev/null 2>"$E2E_TMP/err"
  rc=$?
  err=$(cat "$E2E_TMP/err")
  eq "$label: exit 3" 3 "$rc"
  check "$label: one line on stderr ($err)" bash -c "[ \$(printf '%s\n' \"\$1\" | wc -l) = 1 ] && grep -qE \"\$2\" <<< \"\$1\"" _ "$err" "$pattern"
  eq "$label: nothing recorded" "" "$(sc ls -q)"
}

# As nobody: a copy of the binary and a store it can write (the checkout may be under /root).
nobody_dir=$(mktemp -d /var/tmp/swarmctl-e2e-nobody.XXXXXX)
cp "$SWARMCTL_BIN" "$nobody_dir/swarmctl"
chown -R 65534:65534 "$nobody_dir"
chmod 0755 "$nobody_dir"
expect_precreate "not root" "needs root" \
  setpriv --reuid=65534 --regid=65534 --clear-groups env SWARMCTL_STORAGE_PATH="$nobody_dir/store" \
  "$nobody_dir/swarmctl" create -d local f1
rm -rf "$nobody_dir"
expect_precreate "missing ip/nsenter" "is missing" env PATH=/nonexistent "$SWARMCTL_BIN" create -d local f1
# Another interface already has an address in the range.
ip link add scdummy205 type bridge
ip addr add 192.168.206.1/24 dev scdummy205
expect_precreate "address range taken" "conflicts" sc create -d local --local-cidr 192.168.206.1/24 --local-bridge sce2e206 f1
ip link del scdummy205
mkdir -p "$E2E_TMP/emptyroot"
expect_precreate "rootfs without sshd" "no /usr/sbin/sshd" sc create -d local --local-rootfs "$E2E_TMP/emptyroot" f1

must "create f1" sc create -q -d local --no-provision f1
out=$(sc create -d local f1 2>&1)
rc=$?
check "existing name: non-zero exit ($rc)" test "$rc" -ne 0
check "existing name: says it exists ($out)" grep -q "already exists" <<< "$out"
eq "existing name: one machine" "f1" "$(sc ls -q)"
must "rm f1" sc rm -y f1

# Half-way failure: the host comes up without Docker, the install script URL answers nothing.
out=$(sc create -d local --local-no-docker --engine-install-method script \
  --engine-install-url http://192.168.205.1:9/install.sh f2 2>&1)
rc=$?
check "failed provisioning: exit 1 ($rc)" test "$rc" -eq 1
printf '%s\n' "$out" > "$E2E_TMP/f2.out"
check "failed provisioning: names the failing step" grep -qi 'install' "$E2E_TMP/f2.out"
check "failed provisioning: tells how to resume or remove" grep -qE 'swarmctl (provision|rm)' "$E2E_TMP/f2.out"
check "failed provisioning: ls still lists the machine" bash -c "'$SWARMCTL_BIN' ls -q | grep -qx f2"
must "failed provisioning: rm removes it" sc rm -y f2

# A cluster-advertise interface the host does not have would stop dockerd from starting: swarmctl
# stops before configuring the engine, with one line naming the interfaces the host has.
sc create -q -d local --engine-opt cluster-store=etcd://192.168.205.1:2379 \
  --engine-opt cluster-advertise=ens5:2376 f3 > "$E2E_TMP/f3.out" 2> "$E2E_TMP/f3.err"
rc=$?
check "missing advertise interface: exit 1 ($rc)" test "$rc" -eq 1
check "missing advertise interface: one error line naming what the host has (then the resume hint)" bash -c \
  "head -n1 '$E2E_TMP/f3.err' | grep -q 'cluster-advertise interface ens5 has no IPv4 address on f3 (it has: eth0)' && [ \$(wc -l < '$E2E_TMP/f3.err') = 2 ] && tail -n1 '$E2E_TMP/f3.err' | grep -q 'swarmctl provision f3'"
must "missing advertise interface: rm removes it" sc rm -y f3
eq "nothing left in the store" "" "$(sc ls -q)"
