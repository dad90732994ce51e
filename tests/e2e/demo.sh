#!/usr/bin/env bash
# make demo: the seed scenario on local namespace hosts.
#   demo.sh up    builds the images, brings up templates/examples/seed-local.yml (a KV host, a
#                 classic-swarm master, node0..node2, the overlay network), starts the hello /
#                 world / hello-world services on three different nodes and prints the
#                 "Hello World" that a container on the master gets from them over the overlay.
#   demo.sh down  removes the cluster (hosts, bridge, NAT rules).
# Uses the default store (~/.swarmctl, or $SWARMCTL_STORAGE_PATH) so that the user can go on
# with `eval $(swarmctl env master)` afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SC=${SWARMCTL:-$root/build/swarmctl}
work=${SWARMCTL_DEMO_DIR:-/var/tmp/swarmctl-demo}
net=server-overlay-network

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (local hosts are Linux namespaces)"
[ -x "$SC" ] || die "$SC is missing: run make build"
mkdir -p "$work"
cluster="$work/seed-local.yml"

write_cluster_file() {
  cp "$root/templates/examples/seed-local.yml" "$cluster"
  cat >> "$cluster" <<EOF
# Added by tests/e2e/demo.sh: no registry is reachable here, so every host loads these images.
images:
  - $work/images/busybox.tar
  - $work/images/swarmctl_hello.tar
  - $work/images/quay_io_coreos_etcd.tar
  - $work/images/swarm.tar
EOF
}

# docker against one machine, through swarmctl's env (TLS on 2376)
on() {
  local m=$1
  shift
  (eval "$("$SC" env --shell bash "$m")" && docker "$@")
}

case "${1:-up}" in
up)
  say "Building the demo images (busybox, hello services, etcd) into $work/images"
  "$here/images/build.sh" "$work/images" >/dev/null
  write_cluster_file
  say "Bringing up the seed cluster: $SC up -f $cluster"
  "$SC" up -f "$cluster"
  "$SC" ls

  say "Starting the services on three different hosts, attached to $net"
  start() {  # machine name args...
    local m=$1 n=$2
    shift 2
    on "$m" rm -f "$n" >/dev/null 2>&1 || true
    on "$m" run -d --name "$n" --net "$net" "$@" >/dev/null
    printf '  %-12s on %s\n' "$n" "$m"
  }
  start node0 hello -e WORD=Hello swarmctl/hello serve-word
  start node1 world -e WORD=World swarmctl/hello serve-word
  start node2 hello-world swarmctl/hello serve-hello-world

  say "From the master: docker run --rm --net=$net busybox wget -q -O- http://hello-world:8080"
  # Classic (cluster-store) overlays learn remote names asynchronously: a fresh container may not
  # resolve them for a few seconds, so the client retries inside its container (30 tries, each at most 10 s).
  answer=$(on master run --rm --net="$net" busybox sh -c \
    'for i in $(seq 30); do a=$(timeout 10 wget -q -O- http://hello-world:8080 2>/dev/null); [ "$a" = "Hello World" ] && break; sleep 1; done; echo "$a"' || true)
  [ "$answer" = "Hello World" ] || die "no Hello World after 30 tries (last answer: '${answer}')"
  echo
  echo "$answer"
  cat <<EOF

The cluster is up. Point docker at a host:   eval \$($SC env master)
(classic swarm manager on 3376:              eval \$($SC env --swarm master)
 note: the demo's swarm image is a stand-in, the overlay network and etcd are real)
List the machines:                           $SC ls
Tear it all down:                            make demo-down
EOF
  ;;
down)
  [ -f "$cluster" ] || write_cluster_file
  "$SC" down -f "$cluster"
  ;;
*) die "usage: demo.sh up|down" ;;
esac
