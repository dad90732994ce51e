# swarmctl: install Docker with an install script (get.docker.com or --engine-install-url).
set -eu
url={{url}}
pin={{version}}
if command -v dockerd >/dev/null 2>&1 && [ -z "$pin" ]; then exit 0; fi
if ! command -v curl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 -q install -y curl >/dev/null 2>&1 || { apt-get -q update >/dev/null 2>&1 && apt-get -q install -y curl >/dev/null; }
fi
# The script runs as root: it goes into a new private directory (mktemp -d, 0700), never a fixed
# name in /tmp that another user of the host could create first; its log too.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Download first: a failed download is an error here (docker-machine piped curl into sh and
# carried on).
curl -fsSL --retry 2 --connect-timeout 20 --max-time 300 "$url" -o "$tmp/install-docker.sh"
if [ -n "$pin" ]; then export VERSION="$pin"; fi
sh "$tmp/install-docker.sh" >"$tmp/install.log" 2>&1 || { tail -n 20 "$tmp/install.log" >&2; exit 1; }
command -v dockerd >/dev/null 2>&1 || { echo "the install script finished but dockerd is missing" >&2; exit 1; }
