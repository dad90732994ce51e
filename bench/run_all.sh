#!/usr/bin/env bash
# Runs every benchmark; figures go to stdout (and are quoted in the issues' closing notes).
set -uo pipefail
cd "$(dirname "$0")"
command -v bc >/dev/null || { apt-get install -y -qq bc >/dev/null; }
failed=0
for b in startup.sh core_commands.sh engine_client.sh generic_create.sh local_hosts.sh cluster_up.sh walkthrough.sh; do
  [ -f "$b" ] || continue
  echo "######## $b"
  bash "$b" || { echo "benchmark $b failed (exit $?)"; failed=1; }
done
exit $failed
