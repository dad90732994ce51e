#!/usr/bin/env bash
# The Docker engine API client: `version NAME` (one request: libcurl loaded, a TLS connection with
# client certificate, GET /version) and `ls` over 20 machines whose engine answers, against
# a stand-in engine on loopback (tests/compat/fake_dockerd.py, client certificate required).
# With BASELINE=/path/to/another/swarmctl (an older build) both are measured, alternately, over
# the same store.
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d /tmp/swarmctl-bench-engine.XXXXXX)
ENGINE_PID=
trap '[ -n "$ENGINE_PID" ] && kill "$ENGINE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
export SWARMCTL_STORAGE_PATH=$TMP/store
"$SWARMCTL" create -q -d none --url tcp://127.0.0.1:1 m0 >/dev/null && "$SWARMCTL" rm -y m0 >/dev/null || exit 1
d=$TMP/engine
mkdir -p "$d"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=bench -keyout "$d/srv.key" -out "$d/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$d/ext"
openssl x509 -req -in "$d/srv.csr" -CA "$TMP/store/certs/ca.pem" -CAkey "$TMP/store/certs/ca-key.pem" \
  -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/srv.pem" 2>/dev/null
python3 "$(dirname "$0")/../tests/compat/fake_dockerd.py" "$TMP/store/certs/ca.pem" "$d/srv.pem" "$d/srv.key" "$d/port" &
ENGINE_PID=$!
for _ in $(seq 1 100); do [ -s "$d/port" ] && break; sleep 0.05; done
URL=tcp://127.0.0.1:$(cat "$d/port")
for i in $(seq 1 20); do "$SWARMCTL" create -q -d none --url "$URL" "e$i" >/dev/null || exit 1; done

# engine_cmd LABEL BIN ARGS...: median wall time and mean CPU (user + system) of 20 runs.
engine_cmd() {
  local label=$1 json
  shift
  json=$(mktemp)
  "$@" >/dev/null 2>&1 || { echo "bench: $label: command failed: $*" >&2; exit 1; }
  hyperfine -N --style none --warmup 2 --runs 20 --export-json "$json" -- "$(printf '%q ' "$@")" \
    >/dev/null 2>&1 || { echo "bench: $label: a run failed" >&2; exit 1; }
  python3 - "$json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%-36s median %7.2f ms (min %.2f, max %.2f), CPU %6.2f ms" % (
    sys.argv[2], r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3, (r["user"] + r["system"]) * 1e3))
PY
  rm -f "$json"
}

cmds=("version e1" "ls")
echo "== engine requests (fake_dockerd.py on loopback; ls: 20 machines)"
for round in 1 2 3; do
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    engine_cmd "$c" "$SWARMCTL" $c
    # shellcheck disable=SC2086
    [ -z "${BASELINE:-}" ] || engine_cmd "$c (BASELINE)" "$BASELINE" $c
  done
  [ -n "${BASELINE:-}" ] || break
done
