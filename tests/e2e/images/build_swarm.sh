#!/usr/bin/env bash
# Builds the REAL classic Docker Swarm (docker/swarm v1.2.9, Apache-2.0) from the source tarball
# kept next to the project (../shared/thirdparty/, never copied into this repository) with
# Debian's golang-go, once per machine: the binary is cached outside the build tree, keyed by the
# tarball's sha256, so later runs (tests, demo) only check that it is there. Prints its path.
#
#   build_swarm.sh            -> /var/cache/swarmctl/swarm-<sha256>/swarm
#   build_swarm.sh --check    exit 0 when it can (the source and go are there), 1 otherwise
#
# SWARMCTL_SWARM_TARBALL  the source tarball (default: ../shared/thirdparty/docker-swarm-v1.2.9.tar.xz
#                         next to this checkout, then /work/shared/thirdparty/...)
# SWARMCTL_CACHE_DIR      where built binaries are kept (default /var/cache/swarmctl)
# The first build takes about a minute of 2 cores (vendored dependencies: no network needed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
die() { echo "build_swarm.sh: $*" >&2; exit 1; }

tarball=${SWARMCTL_SWARM_TARBALL:-}
if [ -z "$tarball" ]; then
  for c in "$root/../shared/thirdparty/docker-swarm-v1.2.9.tar.xz" \
    /work/shared/thirdparty/docker-swarm-v1.2.9.tar.xz; do
    [ -f "$c" ] && { tarball=$c; break; }
  done
fi
[ -n "$tarball" ] && [ -f "$tarball" ] ||
  die "the classic Swarm source (docker-swarm-v1.2.9.tar.xz) is missing: set SWARMCTL_SWARM_TARBALL"
command -v go >/dev/null || die "go is missing (apt-get install golang-go)"
[ "${1:-}" = --check ] && exit 0

sum=$(sha256sum "$tarball" | cut -d' ' -f1)
cache=${SWARMCTL_CACHE_DIR:-/var/cache/swarmctl}
dir="$cache/swarm-$sum"
bin="$dir/swarm"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

mkdir -p "$cache"
# One build at a time per machine: a second caller waits and then finds the binary.
exec {lock}>"$cache/swarm-$sum.lock"
flock "$lock"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

work=$(mktemp -d "$cache/swarm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/gopath/src/github.com/docker/swarm"
mkdir -p "$src"
tar -xJf "$tarball" -C "$src"
echo "build_swarm.sh: building classic Swarm from $(basename "$tarball") (once per machine, ~1 min)" >&2
# GOPATH mode with the vendored dependencies (the tree predates Go modules); a static binary.
(cd "$src" && GOTOOLCHAIN=local GO111MODULE=off GOFLAGS= GOPATH="$work/gopath" \
  GOCACHE="$work/gocache" CGO_ENABLED=0 go build -ldflags '-s -w' -o "$work/swarm" .) >&2 ||
  die "go build failed"
"$work/swarm" --version | grep -q '^swarm version 1\.2\.9' || die "the built binary is not swarm 1.2.9"
mkdir -p "$dir.tmp"
mv "$work/swarm" "$dir.tmp/swarm"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$bin"
