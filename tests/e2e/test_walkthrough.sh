#!/usr/bin/env bash
# End to end, the 2016 walkthrough command by command (not `up`), through a REAL classic Swarm
# (1.2.9, built from source by tests/e2e/images/build_swarm.sh), with the smallest substitutions
# this machine forces: `--driver local` hosts, images loaded from archives (no registry), etcd
# instead of Consul (no Consul can be built here; etcd speaks the same role), eth0 as the hosts'
# interface. Every step's observable result is asserted:
#   1. the KV host `consul`, the user's own etcd published on 8500 (advertising the cluster
#      address: etcd's v2 client in Swarm and the engines syncs to the ADVERTISED client URLs)
#   2. master, node0, node1 with --swarm-discovery/--engine-opt cluster-store by IP:port; node2
#      by machine name (etcd://consul:8500), which swarmctl resolves for both
#   3. eval $(swarmctl env --swarm master): docker info lists 4 nodes, all Healthy, right away
#   4. the overlay network through the Swarm, the three services placed by the manager on three
#      nodes (all publish 8080), docker ps shows node/name, the request by name: Hello World
#   5. the manager's scheduler: port conflicts, constraint:node==, the random strategy (a second
#      manager), spread; an agent's host restarted is Healthy again
source "$(dirname "$0")/lib.sh"
e2e_setup 214 sce2e214
e2e_require "the classic Swarm source and go (images/build_swarm.sh --check)" \
  "$(dirname "$0")/images/build_swarm.sh" --check
IMAGES=$("$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: building test images"; exit 1; }
net=server-overlay-network
# docker through the Swarm manager on MACHINE (env --swarm)
sw() {
  local m=$1
  shift
  (eval "$("$SWARMCTL_BIN" env --shell bash --swarm "$m")" && docker "$@")
}
healthy_nodes() { sw "$1" info 2>/dev/null | grep -c '└ Status: Healthy'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------- 1. the KV host
must "create consul" sc create -d local --preload-image "$IMAGES/quay_io_coreos_etcd.tar" consul
kv=$(sc ip consul)
# The walkthrough's `docker $(docker-machine config consul) run -d -p 8500:8500 -h consul
# progrium/consul -server -bootstrap`, with etcd in Consul's place.
# shellcheck disable=SC2046
must "etcd published on 8500 on consul" docker $(sc config consul) run -d -p 8500:8500 -h consul \
  --name etcd quay.io/coreos/etcd:v3.4.23 etcd --listen-client-urls http://0.0.0.0:8500 \
  --advertise-client-urls "http://$kv:8500" --enable-v2=true
for _ in $(seq 100); do curl -fsS -m 2 "http://$kv:8500/health" 2>/dev/null | grep -q true && break; sleep 0.1; done
eq "etcd advertises the cluster address" "[\"http://$kv:8500\"]" \
  "$(curl -fsS -m 5 "http://$kv:8500/v2/members" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["members"][0]["clientURLs"]))')"

# ---------------------------------------------------------------- 2. master and nodes
swarm_images=(--preload-image "$IMAGES/swarm.tar" --preload-image "$IMAGES/busybox.tar"
  --preload-image "$IMAGES/swarmctl_hello.tar")
by_ip=(--swarm-discovery="etcd://$kv:8500" --engine-opt="cluster-store=etcd://$kv:8500"
  --engine-opt="cluster-advertise=eth0:2376")
out=$(sc create -d local "${swarm_images[@]}" --swarm --swarm-master "${by_ip[@]}" master 2>&1)
eq "create master (--swarm --swarm-master, discovery by IP:port)" "0" "$?"
check "create master: no warning about the user's etcd (it advertises $kv:8500)" \
  bash -c '! grep -q "advertises the client URL"' <<< "$out"
for n in node0 node1; do
  must "create $n (--swarm, discovery by IP:port)" sc create -d local "${swarm_images[@]}" --swarm "${by_ip[@]}" $n
done
must "create node2 (--swarm, discovery and cluster-store by machine name)" \
  sc create -d local "${swarm_images[@]}" --swarm --swarm-discovery=etcd://consul:8500 \
  --engine-opt=cluster-store=etcd://consul:8500 --engine-opt=cluster-advertise=eth0:2376 node2
created=$(now_ms)
eq "node2: the machine name in cluster-store became the KV host's address" "etcd://$kv:8500" \
  "$(info_field node2 ClusterStore)"
eq "node2: the agent joins with the resolved discovery" "etcd://$kv:8500" \
  "$(dk node2 inspect -f '{{json .Args}}' swarm-agent | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1])')"
eq "node1: cluster-advertise as given" "$(sc ip node1):2376" "$(info_field node1 ClusterAdvertise)"

# ---------------------------------------------------------------- 3. the manager
for _ in $(seq 100); do [ "$(healthy_nodes master)" = 4 ] && break; sleep 0.1; done
took=$(($(now_ms) - created))
e2e_log "the manager listed 4 healthy nodes $took ms after the last create returned"
eq "docker info through the manager: 4 nodes" "4" "$(sw master info 2>/dev/null | sed -n 's/^ *Nodes: //p')"
eq "docker info through the manager: all Healthy within 10 s of the last create" "4" "$(healthy_nodes master)"
check "docker info through the manager: real classic Swarm 1.2.9" \
  bash -c "$(declare -f sw); SWARMCTL_BIN='$SWARMCTL_BIN' sw master version | grep -q 'swarm/1.2.9'"
eq "docker info through the manager: strategy spread" "spread" \
  "$(sw master info 2>/dev/null | sed -n 's/^ *Strategy: //p')"

# ---------------------------------------------------------------- 4. the walkthrough
must "docker network create --driver overlay $net (through the Swarm)" \
  sw master network create --driver overlay "$net"
for svc in hello-world hello world; do
  must "docker run -p 8080:8080 -d --name=$svc --net=$net swarmctl/$svc" \
    sw master run -p 8080:8080 -d --name=$svc --net=$net swarmctl/$svc
done
ps_out=$(sw master ps --format '{{.Names}}')
e2e_log "docker ps: $(xargs <<< "$ps_out")"
eq "docker ps: the three services as node/name" "hello hello-world world" \
  "$(sed 's|^[^/]*/||' <<< "$ps_out" | sort | xargs)"
eq "the manager placed them on three different nodes" "3" "$(cut -d/ -f1 <<< "$ps_out" | sort -u | wc -l)"
answer=""
for try in 1 2 3 4 5; do
  answer=$(sw master run --rm --net=$net busybox wget -q -O- http://hello-world:8080 2>&1) && [ "$answer" = "Hello World" ] && break
  e2e_log "try $try: [$answer]"
done
eq "docker run --rm --net=$net busybox wget -q -O- http://hello-world:8080" "Hello World" "$answer"

# ---------------------------------------------------------------- 5. the scheduler
free=$(comm -23 <(printf '%s\n' master node0 node1 node2) <(cut -d/ -f1 <<< "$ps_out" | sort))
must "port conflict: a fourth service on 8080 goes to the one node left ($free)" \
  sw master run -p 8080:8080 -d --name=fourth --net=$net swarmctl/hello
eq "port conflict: it runs on $free" "$free" "$(sw master inspect -f '{{.Node.Name}}' fourth)"
out=$(sw master run -p 8080:8080 -d --name=fifth swarmctl/hello 2>&1)
check "port conflict: a fifth is refused ($out)" grep -q "port 8080" <<< "$out"
must "constraint:node==node1" sw master run -d --name=pinned -e constraint:node==node1 busybox sleep 600
eq "constraint: placed on node1" "node1" "$(sw master inspect -f '{{.Node.Name}}' pinned)"
out=$(sw master run -d -e constraint:node==nosuchnode busybox true 2>&1)
check "constraint: no such node is refused ($out)" grep -q "node==nosuchnode" <<< "$out"
must "a second manager with --swarm-strategy random" sc create -d local "${swarm_images[@]}" --swarm \
  --swarm-master --swarm-strategy random "${by_ip[@]}" rmaster
for _ in $(seq 100); do [ "$(healthy_nodes rmaster)" = 5 ] && break; sleep 0.1; done
eq "random: the second manager lists 5 healthy nodes" "5" "$(healthy_nodes rmaster)"
eq "random: its strategy" "random" "$(sw rmaster info 2>/dev/null | sed -n 's/^ *Strategy: //p')"
for i in $(seq 8); do sw rmaster run -d --name "r$i" busybox sleep 600 >/dev/null || e2e_log "random run $i failed"; done
spread_r=$(for i in $(seq 8); do sw rmaster inspect -f '{{.Node.Name}}' "r$i"; done | sort -u | wc -l)
check "random: 8 containers land on more than one node ($spread_r)" test "$spread_r" -gt 1

# An agent's host restarted: its engine, the agent and the manager's view come back.
must "restart node0" sc restart node0
restarted=$(now_ms)
for _ in $(seq 300); do [ "$(healthy_nodes master)" = 5 ] && break; sleep 0.1; done
e2e_log "node0 Healthy again $(($(now_ms) - restarted)) ms after restart returned"
eq "restart: the manager lists node0 Healthy again within 30 s" "5" "$(healthy_nodes master)"

# ---------------------------------------------------------------- 6. the KV advertise trap
# A user's etcd that advertises a loopback client URL (as its defaults do): every v2 client
# (Swarm, the engines' cluster-store) switches to it and loses the store. create says so.
# shellcheck disable=SC2046
must "a second etcd on consul, published on 8501, advertising 127.0.0.1" docker $(sc config consul) \
  run -d -p 8501:2379 --name etcd-trap quay.io/coreos/etcd:v3.4.23 etcd --listen-client-urls \
  http://0.0.0.0:2379 --advertise-client-urls http://127.0.0.1:2379 --enable-v2=true
for _ in $(seq 100); do curl -fsS -m 2 "http://$kv:8501/health" 2>/dev/null | grep -q true && break; sleep 0.1; done
out=$(sc create -d local "${swarm_images[@]}" --swarm --swarm-discovery="etcd://$kv:8501" \
  --engine-opt="cluster-store=etcd://$kv:8501" --engine-opt="cluster-advertise=eth0:2376" trap 2>&1)
check "create warns that etcd advertises 127.0.0.1 ($(grep -i 'advertises' <<< "$out"))" \
  grep -q "etcd at $kv:8501 advertises the client URL(s) \[http://127.0.0.1:2379\]" <<< "$out"
