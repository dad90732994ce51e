#!/usr/bin/env bash
# End to end, local driver: 4 hosts created in parallel, each with its own network, filesystem and
# TLS engine; stop/start keeps a container's data; failure injection; rm leaves no trace (the
# leak check in lib.sh compares netns, links, mounts, iptables and processes before/after).
source "$(dirname "$0")/lib.sh"
e2e_setup 202 sce2e202
IMAGES=$("$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: building test images"; exit 1; }

pids=()
for i in 1 2 3 4; do
  sc create -q -d local --preload-image "$IMAGES/busybox.tar" h$i > "$E2E_TMP/create-h$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3 4; do
  if wait "${pids[$((i-1))]}"; then check "h$i created in parallel" true
  else check "h$i created in parallel" false; cat "$E2E_TMP/create-h$i.log" >&2; fi
done
for i in 1 2 3 4; do
  eq "h$i hostname over SSH" "h$i" "$(sc ssh h$i -- hostname)"
  check "h$i docker over TLS" dk h$i version
done
ips=$(for i in 1 2 3 4; do sc ip h$i; done | sort -u | wc -l)
eq "4 distinct addresses" 4 "$ips"
must "write a file on h1" sc ssh h1 -- 'echo only-h1 > /root/e2e-marker'
check "file absent on h2" sc ssh h2 -- 'test ! -e /root/e2e-marker'
check "file absent on the machine" test ! -e /root/e2e-marker
check "h1 reaches h2 over the bridge" sc ssh h1 -- "timeout 3 bash -c '</dev/tcp/$(sc ip h2)/22'"

must "run a container with data on h3" dk h3 run -d --name keeper -v keepvol:/data busybox sh -c 'echo kept > /data/f; sleep 100000'
must "stop h3" sc stop h3
eq "h3 Stopped" "Stopped" "$(sc status h3)"
must "start h3" sc start h3
eq "h3 Running again" "Running" "$(sc status h3)"
eq "container data survived stop/start" "kept" "$(dk h3 run --rm -v keepvol:/data busybox cat /data/f)"
check "container still known after restart" dk h3 inspect keeper

must "kill h4" sc kill h4
eq "h4 Stopped after kill" "Stopped" "$(sc status h4)"

# Failure injection: sshd dies inside h2 -> ls reports it, rm still cleans up.
sc ssh h2 -- 'kill $(cat /run/sshd.pid)' >/dev/null 2>&1
state=""
for _ in $(seq 50); do  # poll (deadline 10 s) until ls stops calling h2 Running
  state=$(sc ls --filter name=h2 --format '{{.State}} {{.Error}}')
  [[ $state != Running* ]] && break
  sleep 0.2
done
check "ls reports the dead sshd on h2 ($state)" bash -c "[[ '$state' != Running\ ]] && [[ '$state' != 'Running' ]]"
must "rm cleans up h2 with dead sshd" sc rm -y h2
must "rm the rest" sc rm -y h1 h3 h4
eq "ls is empty" "" "$(sc ls -q)"
