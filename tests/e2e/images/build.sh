#!/usr/bin/env bash
# Builds the test images (see build.py) into OUTDIR once; prints OUTDIR. The classic Swarm binary
# comes from build_swarm.sh (built once per machine, cached outside the build tree).
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
for need in /bin/busybox /usr/bin/etcd; do
  [ -x "$need" ] || { echo "build.sh: $need is missing (apt-get install busybox-static etcd-server)" >&2; exit 1; }
done
SWARM_BINARY=$("$here/build_swarm.sh") || { echo "build.sh: the classic Swarm binary could not be built" >&2; exit 1; }
export SWARM_BINARY
fresh() { [ -s "$out/$1" ] && [ "$out/$1" -nt "$here/build.py" ]; }
if fresh busybox.tar && fresh zookeeper.tar && fresh swarm.tar && [ "$out/swarm.tar" -nt "$SWARM_BINARY" ]; then
  echo "$out"
  exit 0
fi
python3 "$here/build.py" "$out"
