#!/usr/bin/env bash
# Start-up cost of the light commands (url, ip, inspect, ls -q, env, status, version) against a
# store of one `none` machine whose URL is a TLS endpoint on loopback (env checks TLS). With
# DOCKER_MACHINE=/path/to/docker-machine (0.16.2), each command is measured side by side with
# docker-machine's over the same store contents (the same CA, client certificate and machine)
# and the ratio swarmctl/docker-machine is printed (goal: <= 0.2 each). Also shows which shared
# libraries a light command maps before main. `env`/`config` resume the TLS session the endpoint
# handed out on the first check (see provision/dockerapi/tls_session.hpp); the cost of a check
# without a kept session (the first `env`, or after the engine restarted) is printed apart.
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/swarmctl-bench-startup.XXXXXX)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
export SWARMCTL_STORAGE_PATH=$TMP/sc MACHINE_STORAGE_PATH=$TMP/dm
"$SWARMCTL" create -q -d none --url tcp://127.0.0.1:1 m0 >/dev/null && "$SWARMCTL" rm -y m0 >/dev/null || exit 1
bench_tls_endpoint "$SWARMCTL_STORAGE_PATH"
"$SWARMCTL" create -q -d none --url "tcp://127.0.0.1:$PORT" m1 >/dev/null || exit 1

echo "== shared libraries mapped by \`swarmctl url\`: $(ldd "$SWARMCTL" | awk '{print $1}' | grep -v vdso | xargs)"
cmds=("url m1" "ip m1" "inspect m1" "ls -q" "env --shell bash m1" "status m1" "version" "config m1")
# `env` when no session is kept: a full handshake, certificates read and checked.
env_full_handshake() {
  local json
  json=$(mktemp)
  hyperfine -N --style none --warmup 2 --runs 50 --export-json "$json" \
    --prepare "rm -f $SWARMCTL_STORAGE_PATH/machines/m1/tls-session" \
    -- "$(printf '%q' "$SWARMCTL") env --shell bash m1" >/dev/null 2>&1 ||
    { echo "bench: env without a kept session failed" >&2; exit 1; }
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%-26s swarmctl %6.2f ms (CPU %5.2f)" % ("env, no kept session", r["median"]*1000, (r["user"]+r["system"])*1000))' "$json"
  rm -f "$json"
}

if [ -z "${DOCKER_MACHINE:-}" ]; then
  echo "== light commands (set DOCKER_MACHINE=path to compare with docker-machine 0.16.2)"
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    bench_cmd "$c" 30 "$SWARMCTL" $c
  done
  env_full_handshake
  exit 0
fi

# docker-machine's store: the same CA and client certificate, the same machine.
mkdir -p "$MACHINE_STORAGE_PATH/certs"
cp "$SWARMCTL_STORAGE_PATH"/certs/{ca,ca-key,cert,key}.pem "$MACHINE_STORAGE_PATH/certs/"
"$DOCKER_MACHINE" create -d none --url "tcp://127.0.0.1:$PORT" m1 >/dev/null 2>&1 ||
  { echo "bench: docker-machine create failed" >&2; exit 1; }
echo "== light commands, swarmctl vs $("$DOCKER_MACHINE" --version) (5 rounds x 20 runs, medians)"
worst=0
for c in "${cmds[@]}"; do
  bench_pair "$c" 5 20 "$(printf '%q' "$SWARMCTL") $c" "$(printf '%q' "$DOCKER_MACHINE") $c"
  worst=$(python3 -c "print(max($worst, $PAIR_RATIO))")
done
echo "worst ratio: $worst (goal <= 0.2)"
env_full_handshake
