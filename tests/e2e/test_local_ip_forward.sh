#!/usr/bin/env bash
# End to end, net.ipv4.ip_forward and local hosts: the first host turns forwarding on (its
# traffic to the outside is NAT'ed through this machine); removing the LAST local host turns it
# off again when swarmctl was the one that turned it on, and leaves it on when it was on before.
# The machine's value is restored when the test ends.
source "$(dirname "$0")/lib.sh"
e2e_setup 215 sce2e215
fwd=/proc/sys/net/ipv4/ip_forward
orig=$(cat $fwd)
e2e_after_cleanup() { echo "$orig" > $fwd; }
# Other local hosts on this machine (not this test's) keep forwarding on: nothing to observe.
if [ -n "$(ls -A /run/swarmctl/hosts 2>/dev/null)" ]; then
  [ "${CI:-}" = true ] && { e2e_log "FAIL: other local hosts exist on this machine"; exit 1; }
  e2e_log "SKIPPED: other local hosts exist on this machine (/run/swarmctl/hosts)"
  exit 77
fi
mk() { sc create -q -d local --no-provision "$1"; }

echo 0 > $fwd
must "create f1 with ip_forward off" mk f1
eq "the first host turns ip_forward on" "1" "$(cat $fwd)"
must "create f2" mk f2
must "rm f1" sc rm -y f1
eq "a host remains: ip_forward stays on" "1" "$(cat $fwd)"
must "rm f2 (the last host)" sc rm -y f2
eq "rm of the last host restores ip_forward off" "0" "$(cat $fwd)"

echo 1 > $fwd
must "create f3 with ip_forward already on" mk f3
must "rm f3" sc rm -y f3
eq "ip_forward that was on stays on" "1" "$(cat $fwd)"
