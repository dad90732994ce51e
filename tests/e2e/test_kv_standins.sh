#!/usr/bin/env bash
# End to end, the Consul and ZooKeeper key-value hosts (`create --kv consul|zookeeper`).
# Their images cannot be pulled here: STAND-IN images (tests/e2e/images/build.py) record their
# command line and answer the health probes swarmctl uses (Consul: GET /v1/status/leader;
# ZooKeeper: the four-letter words ruok/stat). So this checks what swarmctl runs and how it
# waits — container name, restart policy, published port, arguments, environment, health wait,
# `kv status`, idempotency — not Consul or ZooKeeper themselves. etcd runs for real in
# test_cluster.sh.
source "$(dirname "$0")/lib.sh"
e2e_setup 209 sce2e209
e2e_require "the classic Swarm source and go (images/build_swarm.sh --check)" \
  "$(dirname "$0")/images/build_swarm.sh" --check
IMAGES=$("$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: building test images"; exit 1; }

pids=()
sc create -q -d local --kv consul --preload-image "$IMAGES/progrium_consul.tar" kvc > "$E2E_TMP/kvc.log" 2>&1 &
pids+=($!)
sc create -q -d local --kv zookeeper --preload-image "$IMAGES/zookeeper.tar" kvz > "$E2E_TMP/kvz.log" 2>&1 &
pids+=($!)
wait "${pids[0]}"; rc_c=$?
wait "${pids[1]}"; rc_z=$?
check "create --kv consul waits until the store answers ($(tail -n1 "$E2E_TMP/kvc.log"))" test "$rc_c" -eq 0
check "create --kv zookeeper waits until the store answers ($(tail -n1 "$E2E_TMP/kvz.log"))" test "$rc_z" -eq 0

eq "consul: restart policy" "always" "$(dk kvc inspect -f '{{.HostConfig.RestartPolicy.Name}}' swarmctl-kv)"
eq "consul: port 8500 published" "8500" "$(dk kvc inspect -f '{{(index (index .HostConfig.PortBindings "8500/tcp") 0).HostPort}}' swarmctl-kv)"
eq "consul: server arguments" "-server -bootstrap" "$(dk kvc exec swarmctl-kv cat /tmp/consul-args)"
eq "consul: hostname" "consul" "$(dk kvc inspect -f '{{.Config.Hostname}}' swarmctl-kv)"
check "consul: kv status shows the leader" bash -c "'$SWARMCTL_BIN' kv status kvc | grep -q '^leader: \"127.0.0.1:8300\"'"
check "consul: the store answers from the machine on $(sc ip kvc):8500" \
  curl -fsS -m 5 "http://$(sc ip kvc):8500/v1/status/leader"

eq "zookeeper: restart policy" "always" "$(dk kvz inspect -f '{{.HostConfig.RestartPolicy.Name}}' swarmctl-kv)"
eq "zookeeper: port 2181 published" "2181" "$(dk kvz inspect -f '{{(index (index .HostConfig.PortBindings "2181/tcp") 0).HostPort}}' swarmctl-kv)"
check "zookeeper: four-letter words enabled for the probe" bash -c \
  "'$SWARMCTL_BIN' ssh kvz -- docker exec swarmctl-kv cat /tmp/zk-env | grep -q '^ZOO_4LW_COMMANDS_WHITELIST=ruok,stat'"
check "zookeeper: kv status shows stat" bash -c "'$SWARMCTL_BIN' kv status kvz | grep -q '^Mode: standalone'"
check "zookeeper: the record says which store runs there" bash -c "'$SWARMCTL_BIN' inspect kvz | grep -q '\"Kind\": \"zookeeper\"'"

# Idempotent: provisioning again keeps the same container (same arguments, compared by hash).
id1=$(dk kvc inspect -f '{{.Id}}' swarmctl-kv)
must "provision kvc again" sc provision kvc
eq "consul: the container is kept when nothing changed" "$id1" "$(dk kvc inspect -f '{{.Id}}' swarmctl-kv)"

must "rm the stores" sc rm -y kvc kvz
