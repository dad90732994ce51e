# swarmctl: install Docker from the distribution's packages (docker.io).
set -eu
export DEBIAN_FRONTEND=noninteractive
pin={{version}}
sysvinit={{sysvinit}}
if command -v dockerd >/dev/null 2>&1; then
  have=$(dockerd --version 2>/dev/null | sed -n 's/^Docker version \([^,]*\).*/\1/p')
  case "$have" in "$pin"*) exit 0 ;; esac
fi
apt_get() { apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -q "$@"; }
# Logs go to a new private directory (mktemp -d), never to fixed names in /tmp.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$sysvinit" = yes ]; then
  # Our own service runs the engine: keep the package from starting or enabling its dockerd.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d; rm -rf "$tmp"' EXIT
fi
pkg=docker.io
if [ -n "$pin" ]; then
  ver=$(apt-cache madison docker.io 2>/dev/null | awk -v p="$pin" '$3 ~ "^"p {print $3; exit}')
  if [ -z "$ver" ]; then
    apt_get update >/dev/null
    ver=$(apt-cache madison docker.io | awk -v p="$pin" '$3 ~ "^"p {print $3; exit}')
  fi
  [ -n "$ver" ] || { echo "docker.io $pin is not available from this host's package sources" >&2; exit 1; }
  pkg="docker.io=$ver"
fi
if ! apt_get install -y --no-install-recommends "$pkg" >"$tmp/install.log" 2>&1; then
  apt_get update >"$tmp/update.log" 2>&1 || { tail -n 20 "$tmp/update.log" >&2; exit 1; }
  apt_get install -y --no-install-recommends "$pkg" >"$tmp/install.log" 2>&1 || { tail -n 20 "$tmp/install.log" >&2; exit 1; }
fi
if [ "$sysvinit" = yes ]; then
  command -v update-rc.d >/dev/null 2>&1 && update-rc.d -f docker remove >/dev/null 2>&1 || true
  if [ -f /var/run/docker.pid ] && [ ! -f /run/swarmctl-docker.pid ]; then kill "$(cat /var/run/docker.pid)" 2>/dev/null || true; fi
fi
command -v dockerd >/dev/null 2>&1 || { echo "docker.io installed but dockerd is missing" >&2; exit 1; }
