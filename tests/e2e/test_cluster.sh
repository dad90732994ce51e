#!/usr/bin/env bash
# End to end, cluster bring-up on local namespace hosts (real sshd, real dockerd 20.10, real etcd):
#  1. classic swarm from a cluster file: etcd KV host, master, nodes; cluster-store/advertise set
#     automatically; overlay network created; a container on one node reaches one on another BY
#     NAME over the overlay; a second `up` changes nothing; `network create` is idempotent.
#     Through the REAL classic Swarm manager (1.2.9, built from source: `env --swarm`, TLS on
#     3376): every node Healthy as soon as `up` returns (etcd advertises the cluster address), the
#     binpack strategy, the network keepers on every engine, and 20 consecutive `docker run --net`
#     that never fail (dockerd 20.10 leaks a thread into a classic overlay's namespace when the
#     last container of the network leaves a host; the keepers prevent it).
#  2. swarm mode: init on the master, workers join with the right token, tokens never logged,
#     an attachable overlay network carries traffic between hosts.
#  3. errors: a bad cluster file gives line:column and exit 2; a failing machine is reported per
#     machine, the others are complete, exit non-zero.
#  4. down removes everything (the leak check in lib.sh compares the machine before/after).
source "$(dirname "$0")/lib.sh"
# The classic and swarm-mode clusters use $SWARMCTL_E2E_DRIVER (default local): on a machine with
# VirtualBox, `SWARMCTL_E2E_DRIVER=virtualbox make e2e` runs them on real VMs.
E2E_DRIVER=${SWARMCTL_E2E_DRIVER:-local}
e2e_setup 203 sce2e203
e2e_require "the classic Swarm source and go (images/build_swarm.sh --check)" \
  "$(dirname "$0")/images/build_swarm.sh" --check
IMAGES=$("$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: building test images"; exit 1; }

# Retries a command in a fresh container until it succeeds (classic overlays learn remote names
# asynchronously; see the demo).
retry_in() {  # machine network command...
  local m=$1 n=$2
  shift 2
  dk "$m" run --rm --net "$n" busybox sh -c "for i in \$(seq 40); do $* 2>/dev/null && exit 0; sleep 0.5; done; exit 1"
}

# ---------------------------------------------------------------- 1. classic swarm
cat > "$E2E_TMP/classic.yml" <<EOF
cluster: c1
driver: $E2E_DRIVER
kv:
  name: c1kv
  kind: etcd
swarm:
  mode: classic
  master: c1m
  strategy: binpack
nodes: [c1n0, c1n1]
engine:
  labels: [tier=test]
networks:
  - name: c1net
    driver: overlay
images:
  - $IMAGES/busybox.tar
  - $IMAGES/swarmctl_hello.tar
  - $IMAGES/quay_io_coreos_etcd.tar
  - $IMAGES/swarm.tar
EOF
start=$SECONDS
must "classic: up -f creates kv, master and nodes" sc up -f "$E2E_TMP/classic.yml"
e2e_log "classic up took $((SECONDS - start)) s"
eq "classic: 4 machines" "c1kv c1m c1n0 c1n1" "$(sc ls -q | sort | xargs)"
kvip=$(sc ip c1kv)
check "classic: kv status shows the leader" bash -c "'$SWARMCTL_BIN' kv status c1kv | grep -q '^leader: '"
check "classic: engines registered under /docker/nodes" bash -c "'$SWARMCTL_BIN' kv status c1kv | grep -q '/docker/nodes/$(sc ip c1n0):2376'"
eq "classic: cluster-store set automatically" "etcd://$kvip:2379" "$(info_field c1n0 ClusterStore)"
eq "classic: cluster-advertise is eth0:2376" "$(sc ip c1n1):2376" "$(info_field c1n1 ClusterAdvertise)"
check "classic: engine label from the file" bash -c "$(declare -f dk); SWARMCTL_BIN='$SWARMCTL_BIN' dk c1n0 info -f '{{.Labels}}' | grep -q tier=test"
# The command lines swarmctl gave the manager and the agent (docker-machine's, §5.1).
args_of() { dk "$1" inspect -f '{{join .Args " "}}' "$2" 2>&1; }
margs=$(args_of c1m swarm-agent-master)
check "classic: manager listens on 3376 with TLS ($margs)" bash -c "[[ '$margs' == manage* && '$margs' == *--tlsverify* && '$margs' == *3376* ]]"
check "classic: manager uses the discovery URL and strategy" bash -c "[[ '$margs' == *etcd://$kvip:2379* && '$margs' == *binpack* ]]"
aargs=$(args_of c1n1 swarm-agent)
check "classic: agent joins with its address ($aargs)" bash -c "[[ '$aargs' == join* && '$aargs' == *$(sc ip c1n1):2376* && '$aargs' == *etcd://$kvip:2379* ]]"
eq "classic: etcd advertises the cluster address (its v2 clients sync to it)" "[\"http://$kvip:2379\"]" \
  "$(curl -fsS -m 5 "http://$kvip:2379/v2/members" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["members"][0]["clientURLs"]))')"
# docker through the Swarm manager (env --swarm c1m)
sw() { (eval "$("$SWARMCTL_BIN" env --shell bash --swarm c1m)" && docker "$@"); }
check "classic: the manager answers TLS clients on 3376 (swarm/1.2.9)" \
  bash -c "$(declare -f sw); SWARMCTL_BIN='$SWARMCTL_BIN' sw version | grep -q 'swarm/1.2.9'"
eq "classic: when up returns the manager lists every swarm machine Healthy" "c1m c1n0 c1n1" \
  "$(sw info 2>/dev/null | awk '/^  [a-z0-9-]+: /{n=$1} /└ Status: Healthy/{sub(":","",n); print n}' | sort | xargs)"
eq "classic: env --swarm points at 3376" "tcp://$(sc ip c1m):3376" \
  "$(sc env --shell bash --swarm c1m | sed -n 's/^export DOCKER_HOST="\(.*\)"$/\1/p')"
# Images swarmctl runs go where it runs them: the etcd image only to the KV host, the swarm image
# only to swarm machines; the user's images (busybox, hello) everywhere.
images_on() { dk "$1" images --format '{{.Repository}}:{{.Tag}}' | sort | xargs; }
sorted() { printf '%s\n' "$@" | sort | xargs; }
hello_images="swarmctl/hello:latest swarmctl/world:latest swarmctl/hello-world:latest"
# shellcheck disable=SC2086
eq "classic: images on the KV host" "$(sorted busybox:latest quay.io/coreos/etcd:v3.4.23 $hello_images)" "$(images_on c1kv)"
# shellcheck disable=SC2086
eq "classic: images on a node" "$(sorted busybox:latest swarm:latest $hello_images)" "$(images_on c1n0)"
eq "classic: the overlay network is global" "global" "$(dk c1n0 network inspect -f '{{.Scope}}' c1net)"
eq "classic: a keeper of c1net runs on every swarm machine" "c1m c1n0 c1n1" \
  "$(sw ps -a --filter label=swarmctl.network-keeper=c1net --filter status=running --format '{{.Names}}' | cut -d/ -f1 | sort | xargs)"
eq "classic: keepers are hidden from docker ps like the swarm containers" "" \
  "$(sw ps --format '{{.Names}}' | grep keep)"
fails=0
start=$SECONDS
for i in $(seq 20); do
  n=$(printf 'c1m\nc1n0\nc1n1' | sed -n "$((i % 3 + 1))p")
  out=$(sw run --rm --net=c1net -e constraint:node==$n busybox true 2>&1) || { fails=$((fails + 1)); e2e_log "run $i on $n: $out"; }
done
e2e_log "20 docker run --rm --net=c1net through the manager: $fails failed, $((SECONDS - start)) s"
eq "classic: 20 consecutive docker run --net through the manager never fail" "0" "$fails"
# The manager reaches the engines with the master's server certificate (ClientAuth): it must keep
# working after the master's certificates are regenerated (docker-machine lost it, #2650).
must "classic: regenerate-certs of the master" sc regenerate-certs -f c1m
for _ in $(seq 300); do [ "$(sw info 2>/dev/null | grep -c '└ Status: Healthy')" = 3 ] && break; sleep 0.1; done
eq "classic: after regenerate-certs the manager lists 3 healthy nodes" "3" \
  "$(sw info 2>/dev/null | grep -c '└ Status: Healthy')"
for i in 1 2 3; do must "classic: binpack run $i" sw run -d --name "bp$i" busybox sleep 600; done
eq "classic: binpack puts them on one node" "1" \
  "$(for i in 1 2 3; do sw inspect -f '{{.Node.Name}}' "bp$i"; done | sort -u | wc -l)"
must "classic: hello on c1n0" dk c1n0 run -d --name hello --net c1net -e WORD=Hello swarmctl/hello serve-word
eq "classic: c1n1 reaches hello on c1n0 by name over the overlay" "Hello" \
  "$(retry_in c1n1 c1net wget -q -O- http://hello:8080)"
check "classic: network create is idempotent" sc network create c1net
must "classic: swarmctl network create c1net2" sc network create c1net2
eq "classic: network create starts c1net2's keeper on every swarm machine" "c1m c1n0 c1n1" \
  "$(sw ps -a --filter label=swarmctl.network-keeper=c1net2 --filter status=running --format '{{.Names}}' | cut -d/ -f1 | sort | xargs)"
start=$SECONDS
out=$(sc up -f "$E2E_TMP/classic.yml" 2>&1)
took=$((SECONDS - start))
check "classic: second up changes nothing ($took s)" bash -c "[ $(grep -c 'up to date' <<< "$out") = 4 ] && [ $took -le 15 ]"
eq "classic: hello still runs after the second up" "running" "$(dk c1n0 inspect -f '{{.State.Status}}' hello)"

# ---------------------------------------------------------------- 2. swarm mode
cat > "$E2E_TMP/mode.yml" <<EOF
cluster: c2
driver: $E2E_DRIVER
swarm:
  mode: swarm-mode
  master: c2m
nodes:
  prefix: c2n
  count: 2
networks:
  - name: c2net
    driver: overlay
    attachable: true
images:
  - $IMAGES/busybox.tar
  - $IMAGES/swarmctl_hello.tar
EOF
must "swarm mode: up -f" sc --debug up -f "$E2E_TMP/mode.yml" > "$E2E_TMP/mode-up.log" 2>&1
check "swarm mode: the join token never appears in the output (--debug included)" bash -c "! grep -q SWMTKN '$E2E_TMP/mode-up.log'"
check "swarm mode: no token in the store" bash -c "! grep -rq SWMTKN '$SWARMCTL_STORAGE_PATH'"
eq "swarm mode: 3 nodes Ready" "Ready Ready Ready" "$(dk c2m node ls --format '{{.Status}}' | xargs)"
eq "swarm mode: c2m is the leader" "Leader" "$(dk c2m node ls --filter name=c2m --format '{{.ManagerStatus}}')"
eq "swarm mode: env --swarm points at the master's engine" "tcp://$(sc ip c2m):2376" \
  "$(sc env --shell bash --swarm c2m | sed -n 's/^export DOCKER_HOST="\(.*\)"$/\1/p')"
must "swarm mode: world on c2n0" dk c2n0 run -d --name world --net c2net -e WORD=World swarmctl/hello serve-word
eq "swarm mode: c2n1 reaches world on c2n0 by name" "World" "$(retry_in c2n1 c2net wget -q -O- http://world:8080)"
must "swarm mode: a service with 3 replicas" dk c2m service create -q --detach --name spread --replicas 3 \
  --no-resolve-image --network c2net busybox sleep 2147483647
for i in $(seq 120); do
  [ "$(dk c2m service ps spread --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" = 3 ] && break
  sleep 0.5
done
eq "swarm mode: the replicas run on 3 different nodes" "3" \
  "$(dk c2m service ps spread --filter desired-state=running --format '{{.Node}}' | sort -u | wc -l)"
check "swarm mode: second up is a no-op" sc up -q -f "$E2E_TMP/mode.yml"
eq "swarm mode: still 3 nodes" "3" "$(dk c2m node ls -q | wc -l)"

# ---------------------------------------------------------------- 3. errors
printf 'cluster: bad\ndriver: local\nswarm:\n  mode: swarm-mode\n  mastr: x\n' > "$E2E_TMP/bad.yml"
out=$(sc up -f "$E2E_TMP/bad.yml" 2>&1)
rc=$?
eq "bad file: exit 2" 2 "$rc"
check "bad file: one line with line:column ($out)" bash -c "[ \$(wc -l <<< '$out') = 1 ] && [[ '$out' == *bad.yml:5:3:* ]]"
cat > "$E2E_TMP/partial.yml" <<EOF
cluster: c3
driver: local
swarm:
  mode: swarm-mode
  master: c3m
nodes: [c3n0]
machines:
  c3n0:
    driver_options:
      local-rootfs: $E2E_TMP/no-such-rootfs
EOF
out=$(sc up -f "$E2E_TMP/partial.yml" 2>&1)
rc=$?
check "partial failure: exit non-zero ($rc)" test "$rc" -ne 0
check "partial failure: the failing machine is named" bash -c "grep -q 'c3n0' <<< '$out'"
eq "partial failure: the master is complete" "Running" "$(sc status c3m)"
check "partial failure: the master's engine answers" dk c3m version
must "partial failure: down removes what was created" sc down -f "$E2E_TMP/partial.yml"

# ---------------------------------------------------------------- 4. down
must "down classic" sc down -f "$E2E_TMP/classic.yml"
must "down swarm mode" sc down -f "$E2E_TMP/mode.yml"
eq "nothing left in the store" "" "$(sc ls -q)"
