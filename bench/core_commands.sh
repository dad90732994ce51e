#!/usr/bin/env bash
# Core commands: env, ip, url, ls -q against a store of none-driver machines pointing at a real
# TLS endpoint; and `ls` with 1000 stored machines (goal: < 100 ms).
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/swarmctl-bench.XXXXXX)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
export SWARMCTL_STORAGE_PATH=$TMP/store
"$SWARMCTL" create -q -d none --url tcp://127.0.0.1:1 m0 >/dev/null
bench_tls_endpoint "$TMP/store"
"$SWARMCTL" rm -y m0 >/dev/null
"$SWARMCTL" create -q -d none --url "tcp://127.0.0.1:$PORT" m1 >/dev/null
echo "== single-machine commands (none driver, TLS endpoint on loopback)"
bench_cmd "ip m1" 20 "$SWARMCTL" ip m1
bench_cmd "url m1" 20 "$SWARMCTL" url m1
bench_cmd "ls -q" 20 "$SWARMCTL" ls -q
bench_cmd "env m1 (TLS check)" 20 "$SWARMCTL" env --shell bash m1
bench_cmd "inspect m1" 20 "$SWARMCTL" inspect m1
echo "== ls with 1000 stored machines (none driver, engine URL refusing connections)"
for i in $(seq 2 1000); do
  mkdir -p "$TMP/store/machines/n$i"
  sed -e "s/\"m1\"/\"n$i\"/g" -e "s#machines/m1#machines/n$i#g" -e "s#tcp://127.0.0.1:$PORT#tcp://127.0.0.1:1#g" -e "s#127.0.0.1:$PORT#127.0.0.1:1#g" \
    "$TMP/store/machines/m1/config.json" > "$TMP/store/machines/n$i/config.json"
done
bench_cmd "ls -q (1000 machines)" 10 "$SWARMCTL" ls -q
bench_cmd "ls (1000 machines, states + versions)" 10 "$SWARMCTL" ls
bench_cmd "ls --filter driver=none (1000)" 10 "$SWARMCTL" ls --filter driver=none --format '{{.Name}}'
echo "== shell completion over the same 1000 machines (bash; the script sourced once)"
"$SWARMCTL" completion bash > "$TMP/swarmctl.bash" || exit 1
bench_cmd "bash: swarmctl ip <TAB> (1000 names)" 10 bash --norc -c \
  'source "$1"; COMP_WORDS=(swarmctl ip ""); COMP_CWORD=2; _swarmctl; [ ${#COMPREPLY[@]} -eq 1000 ]' _ "$TMP/swarmctl.bash"
bench_cmd "bash: no completion (bash start-up alone)" 10 bash --norc -c 'source "$1"' _ "$TMP/swarmctl.bash"
