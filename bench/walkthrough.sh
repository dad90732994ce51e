#!/usr/bin/env bash
# The seed walkthrough through the real classic Swarm (what `make demo` does), timed from the
# start of `swarmctl up -f seed-local.yml`:
#   - until the manager (docker info through `env --swarm master`) lists all 4 nodes Healthy,
#     polled every 0.2 s from a second process while `up` runs;
#   - until the first "Hello World" (network created through the Swarm, the three services, the
#     request by name from a fresh container);
# then 20 consecutive `docker run --rm --net` through the manager on an overlay network made by
# `swarmctl network create` (a keeper on every engine), and 20 on the walkthrough's network made
# by a plain `docker network create` (no keeper: dockerd 20.10's thread leak may show).
# Needs root. Own store, bridge scbench3 and 192.168.216.0/24; takes the e2e lock; removes
# everything it created.
set -uo pipefail
SWARMCTL=${SWARMCTL:-$(cd "$(dirname "$0")/.." && pwd)/build/swarmctl}
[ "$(id -u)" = 0 ] || { echo "walkthrough.sh: needs root" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
exec {lock}>/run/lock/swarmctl-e2e.lock
flock "$lock"
TMP=$(mktemp -d /tmp/swarmctl-bench-walk.XXXXXX)
export SWARMCTL_STORAGE_PATH=$TMP/store LOCAL_CIDR=192.168.216.1/24 LOCAL_BRIDGE=scbench3
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_MACHINE_NAME
file=$TMP/seed.yml
cleanup() {
  [ -n "${poller:-}" ] && kill "$poller" 2>/dev/null
  [ -f "$file" ] && "$SWARMCTL" down -q -f "$file" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

images=${SWARMCTL_BENCH_IMAGES:-/var/tmp/swarmctl-demo/images}
"$root/tests/e2e/images/build.sh" "$images" >/dev/null || { echo "walkthrough.sh: building images failed" >&2; exit 1; }
cp "$root/templates/examples/seed-local.yml" "$file"
printf 'images:\n  - %s\n  - %s\n  - %s\n  - %s\n' "$images/busybox.tar" "$images/swarmctl_hello.tar" \
  "$images/quay_io_coreos_etcd.tar" "$images/swarm.tar" >> "$file"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
sw() { (eval "$("$SWARMCTL" env --shell bash --swarm master 2>/dev/null)" && docker "$@"); }
t0=$(now_ms)
(
  while :; do
    [ "$(sw info 2>/dev/null | grep -c '└ Status: Healthy')" = 4 ] && { now_ms > "$TMP/healthy"; exit 0; }
    sleep 0.2
  done
) &
poller=$!
"$SWARMCTL" up -f "$file" > "$TMP/up.log" 2>&1 || { cat "$TMP/up.log" >&2; exit 1; }
t_up=$(now_ms)
for _ in $(seq 100); do [ -s "$TMP/healthy" ] && break; sleep 0.1; done
t_healthy=$(cat "$TMP/healthy" 2>/dev/null || echo 0)
net=server-overlay-network
sw network create --driver overlay $net >/dev/null || exit 1
for s in hello-world hello world; do sw run -p 8080:8080 -d --name=$s --net=$net swarmctl/$s >/dev/null || exit 1; done
tries=0
answer=
while [ "$answer" != "Hello World" ] && [ $tries -lt 10 ]; do
  tries=$((tries + 1))
  answer=$(sw run --rm --net=$net busybox wget -q -O- http://hello-world:8080 2>/dev/null)
done
t_hello=$(now_ms)

runs() {  # network -> "F failed, T ms"
  local f=0 t=$(now_ms) i
  for i in $(seq 20); do sw run --rm --net="$1" busybox true >/dev/null 2>&1 || f=$((f + 1)); done
  echo "$f failed, $(($(now_ms) - t)) ms"
}
"$SWARMCTL" network create bench-net >/dev/null || exit 1
kept=$(runs bench-net)
plain=$(runs $net)

echo "== the seed walkthrough through the classic Swarm 1.2.9 manager (5 local hosts)"
echo "up returned:                              $((t_up - t0)) ms"
echo "manager lists all 4 nodes Healthy:        $((t_healthy - t0)) ms after up started"
echo "first Hello World:                        $((t_hello - t0)) ms after up started ($tries request(s): $answer)"
echo "20 docker run --rm --net, kept network:   $kept"
echo "20 docker run --rm --net, plain network:  $plain"
