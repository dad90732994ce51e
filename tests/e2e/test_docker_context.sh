#!/usr/bin/env bash
# Docker CLI contexts written by `swarmctl context` are read by the real docker CLI
# (`docker context ls/inspect`), in $DOCKER_CONFIG; --swarm points at the manager; `rm` removes
# only the contexts swarmctl made. No root, no engine: the machines are `none` records whose URL
# is a TLS endpoint that trusts the store's CA (openssl s_server), enough for swarmctl's TLS check.
# (`docker --context NAME info` against a real engine: tests/e2e/test_foreign_dockerd.sh.)
set -uo pipefail
SWARMCTL_BIN=${SWARMCTL_BIN:?}
T=$(mktemp -d /tmp/swarmctl-e2e-context.XXXXXX)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT
export SWARMCTL_STORAGE_PATH=$T/store DOCKER_CONFIG=$T/docker-config
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
pass=0; failn=0
ok() { pass=$((pass+1)); echo "ok: $1" >&2; }
ko() { failn=$((failn+1)); echo "FAIL: $1" >&2; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected [$2] got [$3]"; fi; }
sc() { "$SWARMCTL_BIN" "$@"; }
if ! command -v docker >/dev/null; then
  if [ "${CI:-}" = true ]; then echo "FAIL: docker CLI missing (make deps)" >&2; exit 1; fi
  echo "SKIPPED: docker CLI missing" >&2; exit 77
fi

# The store's CA, then a TLS endpoint with a server certificate it issued.
sc create -q -d none --url tcp://127.0.0.1:1 ca-maker >/dev/null && sc rm -y ca-maker >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=test \
  -keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/store/certs/ca.pem" -CAkey "$T/store/certs/ca-key.pem" \
  -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/srv.pem" 2>/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$T/srv.pem" -key "$T/srv.key" \
  -CAfile "$T/store/certs/ca.pem" -Verify 1 -www >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null && break; sleep 0.05; done

sc create -q -d none --url "tcp://127.0.0.1:$PORT" m1
sc create -q -d none --url "tcp://127.0.0.1:$PORT" --swarm --swarm-master \
  --swarm-discovery token://x --swarm-host tcp://0.0.0.0:3380 master
sc create -q -d none --url "tcp://127.0.0.1:$PORT" --swarm-mode --swarm-master sm1

eq "env works for a none machine (its client certificate is in its directory)" 0 \
  "$(sc env --shell bash m1 >/dev/null; echo $?)"
out=$(sc context m1); rc=$?
eq "context m1 exits 0" 0 "$rc"
eq "it says how to use it" 1 "$(grep -c 'docker --context m1' <<<"$out")"
eq "docker context ls lists it with the engine URL" "m1 tcp://127.0.0.1:$PORT" \
  "$(docker context ls --format '{{.Name}} {{.DockerEndpoint}}' | grep '^m1 ')"
eq "docker context inspect: host" "tcp://127.0.0.1:$PORT" \
  "$(docker context inspect m1 --format '{{.Endpoints.docker.Host}}')"
eq "docker context inspect: TLS verified" "false" \
  "$(docker context inspect m1 --format '{{.Endpoints.docker.SkipTLSVerify}}')"
eq "docker context inspect: TLS material" "[ca.pem cert.pem key.pem]" \
  "$(docker context inspect m1 --format '{{index .TLSMaterial "docker"}}')"
tls=$(docker context inspect m1 --format '{{.Storage.TLSPath}}')
eq "the CA is the machine's" "$(cat "$T/store/machines/m1/ca.pem")" "$(cat "$tls/docker/ca.pem")"
eq "the client key is the machine's" "$(cat "$T/store/machines/m1/key.pem")" "$(cat "$tls/docker/key.pem")"
eq "the key is 0600" 600 "$(stat -c %a "$tls/docker/key.pem")"
eq "it lives under \$DOCKER_CONFIG" "$T/docker-config/contexts/tls" "$(dirname "$tls")"
eq "docker's own export reads it" 0 "$(docker context export m1 "$T/m1.dockercontext" >/dev/null 2>&1; echo $?)"

eq "context update: a second run rewrites it" 0 "$(sc context m1 >/dev/null; echo $?)"

eq "--swarm (classic): the manager's port" "tcp://127.0.0.1:3380" \
  "$(sc context --swarm --name master-swarm master >/dev/null && docker context inspect master-swarm --format '{{.Endpoints.docker.Host}}')"
eq "--swarm (swarm mode): the master's engine" "tcp://127.0.0.1:$PORT" \
  "$(sc context --swarm sm1 >/dev/null && docker context inspect sm1 --format '{{.Endpoints.docker.Host}}')"
out=$(sc context --swarm m1 2>&1); rc=$?
eq "--swarm on a non-master: exit 1" 1 "$rc"
eq "--swarm on a non-master: one line" 1 "$(printf '%s\n' "$out" | wc -l)"

# A context swarmctl did not make is never overwritten or removed.
docker context create mine --docker "host=tcp://10.0.0.1:2376" >/dev/null 2>&1
out=$(sc context --name mine m1 2>&1); rc=$?
eq "a foreign context of that name: exit 1" 1 "$rc"
eq "a foreign context of that name: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
eq "the foreign context is untouched" "tcp://10.0.0.1:2376" \
  "$(docker context inspect mine --format '{{.Endpoints.docker.Host}}')"
sc create -q -d none --url "tcp://127.0.0.1:$PORT" mine
sc rm -y mine >/dev/null
eq "rm leaves a context it did not make" "tcp://10.0.0.1:2376" \
  "$(docker context inspect mine --format '{{.Endpoints.docker.Host}}')"

# rm removes what it made, and resets the current context when it was that one.
docker context use m1 >/dev/null 2>&1
eq "current context is m1" m1 "$(docker context ls --format '{{if .Current}}{{.Name}}{{end}}' | grep -v '^$')"
sc rm -y m1 >/dev/null
eq "rm removed the context" 1 "$(docker context inspect m1 >/dev/null 2>&1; echo $?)"
eq "the current context is back to default" default "$(docker context ls --format '{{if .Current}}{{.Name}}{{end}}' | grep -v '^$')"
eq "docker still runs (no dangling current context)" 0 "$(docker context ls >/dev/null 2>&1; echo $?)"
eq "other contexts stay" "master-swarm mine sm1" \
  "$(docker context ls --format '{{.Name}}' | grep -v '^default' | sort | tr '\n' ' ' | sed 's/ $//')"

out=$(sc context nosuch 2>&1); rc=$?
eq "unknown machine: exit 1" 1 "$rc"
eq "unknown machine: one line" 1 "$(printf '%s\n' "$out" | wc -l)"

echo "docker_context: $pass passed, $failn failed" >&2
[ "$failn" -eq 0 ]
