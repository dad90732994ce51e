#!/usr/bin/env bash
# Core commands: env, ip, url, ls -q against a store of none-driver machines pointing at a real
# TLS endpoint; and `ls` with 1000 stored machines (goal: < 100 ms).
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/swarmctl-bench.XXXXXX)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill $SERVER_PID 2>/dev/null; rm -rf "$TMP"' EXIT
export SWARMCTL_STORAGE_PATH=$TMP/store
"$SWARMCTL" create -q -d none --url tcp://127.0.0.1:1 m0 >/dev/null || exit 1
# A TLS endpoint that trusts the store CA (openssl s_server, answers any request with a page).
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=bench -keyout "$TMP/srv.key" -out "$TMP/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$TMP/ext"
openssl x509 -req -in "$TMP/srv.csr" -CA "$TMP/store/certs/ca.pem" -CAkey "$TMP/store/certs/ca-key.pem" -CAcreateserial -days 2 -extfile "$TMP/ext" -out "$TMP/srv.pem" 2>/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$TMP/srv.pem" -key "$TMP/srv.key" -CAfile "$TMP/store/certs/ca.pem" -Verify 1 -www >/dev/null 2>&1 &
SERVER_PID=$!
"$SWARMCTL" rm -y m0 >/dev/null
"$SWARMCTL" create -q -d none --url "tcp://127.0.0.1:$PORT" m1 >/dev/null || exit 1
for i in $(seq 1 50); do bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break; sleep 0.05; done
# Every command below must succeed (bench_cmd stops at a failing one): env needs the machine's
# copies of the client certificates, which none-driver machines now get.
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
