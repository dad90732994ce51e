#!/usr/bin/env bash
# make demo: the 2016 walkthrough on local namespace hosts, through a real classic Swarm.
#   demo.sh up    builds the images (the classic Swarm 1.2.9 from source, once per machine),
#                 brings up templates/examples/seed-local.yml (a KV host `consul` running etcd, a
#                 classic Swarm `master`, node0..node2), points docker at the Swarm manager with
#                 `eval $(swarmctl env --swarm master)` and runs the walkthrough's commands
#                 through it, printing each: the overlay network, the hello-world, hello and world
#                 services (placed by the manager on three different nodes: they all publish
#                 8080), `docker ps`, and the request by name that prints "Hello World".
#   demo.sh down  removes the cluster (hosts, bridge, NAT rules; ip_forward as it was).
# Uses the default store (~/.swarmctl, or $SWARMCTL_STORAGE_PATH) so that the user can go on
# with `eval $(swarmctl env --swarm master)` afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SC=${SWARMCTL:-$root/build/swarmctl}
work=${SWARMCTL_DEMO_DIR:-/var/tmp/swarmctl-demo}
net=server-overlay-network

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
# Prints a walkthrough command as the user would type it, then runs it.
walk() {
  printf '$ %s\n' "$*"
  "$@"
}

[ "$(id -u)" = 0 ] || die "run as root (local hosts are Linux namespaces)"
[ -x "$SC" ] || die "$SC is missing: run make build"
mkdir -p "$work"
cluster="$work/seed-local.yml"

write_cluster_file() {
  cp "$root/templates/examples/seed-local.yml" "$cluster"
  cat >> "$cluster" <<EOF
# Added by tests/e2e/demo.sh: no registry is reachable here, so the hosts load these images.
images:
  - $work/images/busybox.tar
  - $work/images/swarmctl_hello.tar
  - $work/images/quay_io_coreos_etcd.tar
  - $work/images/swarm.tar
EOF
}

# The Swarm part of `docker info`: the node count and each node's name, address and status.
swarm_info() {
  docker info 2>/dev/null | grep -E '^ *(Nodes:|[a-z0-9-]+: [0-9.]+:[0-9]+$|└ Status:)'
}

up() {
  say "Building the images into $work/images (busybox, the hello services, etcd, and the"
  echo "    classic Swarm 1.2.9 built from source with Go: about a minute the first time)"
  "$here/images/build.sh" "$work/images" >/dev/null
  write_cluster_file
  say "Bringing up the seed cluster: swarmctl up -f $cluster"
  "$SC" up -f "$cluster"
  "$SC" ls

  say "The walkthrough, every docker command through the Swarm manager on master:3376"
  printf '$ eval $(swarmctl env --swarm master)\n'
  eval "$("$SC" env --shell bash --swarm master)"
  printf '$ docker info          # (the Swarm part of its output)\n'
  swarm_info || true
  healthy=$(docker info 2>/dev/null | grep -c '└ Status: Healthy' || true)
  [ "$healthy" = 4 ] || die "the Swarm manager lists $healthy healthy nodes, not 4"
  # A previous `make demo` on the same cluster: start the walkthrough afresh.
  if docker network inspect "$net" >/dev/null 2>&1; then
    echo "(removing the services and network of a previous run)"
    docker rm -f hello-world hello world >/dev/null 2>&1 || true
    docker network rm "$net" >/dev/null
  fi
  walk docker network create --driver overlay "$net"
  walk docker run -p 8080:8080 -d --name=hello-world --net="$net" swarmctl/hello-world
  walk docker run -p 8080:8080 -d --name=hello --net="$net" swarmctl/hello
  walk docker run -p 8080:8080 -d --name=world --net="$net" swarmctl/world
  walk docker ps
  nodes=$(docker ps --filter "network=$net" --format '{{.Names}}' | cut -d/ -f1 | sort -u | wc -l)
  [ "$nodes" = 3 ] || die "the Swarm placed the three services on $nodes nodes, not 3"

  # Classic overlays learn the names of containers on other hosts through the store's watch, a
  # moment after they start: a first request can come too early. It is asked again (at most 5
  # times), saying so.
  local answer="" try
  for try in 1 2 3 4 5; do
    answer=$(walk docker run --rm --net="$net" busybox wget -q -O- http://hello-world:8080) || true
    printf '%s\n' "$answer"
    [ "${answer##*$'\n'}" = "Hello World" ] && break
    echo "(no answer yet: asking again)"
  done
  [ "${answer##*$'\n'}" = "Hello World" ] || die "no Hello World after 5 tries"
  cat <<EOF

The cluster is up and the walkthrough ran through the Swarm manager (classic Swarm 1.2.9).
Go on with the same commands:   eval \$($SC env --swarm master); docker ps
One engine only:                eval \$($SC env node0)
List the machines:              $SC ls
Tear it all down:               make demo-down
EOF
}

case "${1:-up}" in
up) up ;;
down)
  [ -f "$cluster" ] || write_cluster_file
  "$SC" down -f "$cluster"
  ;;
*) die "usage: demo.sh up|down" ;;
esac
