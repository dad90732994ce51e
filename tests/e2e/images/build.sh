#!/usr/bin/env bash
# Builds the test images (see build.py) into OUTDIR once; prints OUTDIR.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
for need in /bin/busybox /usr/bin/etcd; do
  [ -x "$need" ] || { echo "build.sh: $need is missing (apt-get install busybox-static etcd-server)" >&2; exit 1; }
done
if [ -s "$out/busybox.tar" ] && [ "$out/busybox.tar" -nt "$here/build.py" ] && [ -s "$out/zookeeper.tar" ]; then echo "$out"; exit 0; fi
python3 "$here/build.py" "$out"
