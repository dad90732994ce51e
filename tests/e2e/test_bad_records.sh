#!/usr/bin/env bash
# The built binary over a store holding damaged records (issue 13): a record with a field of the
# wrong type ("Driver": 5) is one error line for that machine — `ls` lists the others and shows
# the bad one with its error, `inspect`/`env` fail with one line, `rm -f` removes it. Needs no
# root and no host (the none driver).
set -uo pipefail
SWARMCTL_BIN=${SWARMCTL_BIN:?}
E2E_TMP=$(mktemp -d /tmp/swarmctl-e2e-records.XXXXXX)
trap 'rm -rf "$E2E_TMP"' EXIT
export SWARMCTL_STORAGE_PATH=$E2E_TMP/store
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_MACHINE_NAME
pass=0; failn=0
ok() { pass=$((pass+1)); echo "ok: $1" >&2; }
ko() { failn=$((failn+1)); echo "FAIL: $1" >&2; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected [$2] got [$3]"; fi; }
sc() { "$SWARMCTL_BIN" "$@"; }
# Rewrites one field of a machine's config.json (python3: a JSON editor independent of swarmctl).
set_field() { # NAME PATH(dotted) JSON-VALUE
  python3 - "$SWARMCTL_STORAGE_PATH/machines/$1/config.json" "$2" "$3" <<'EOF'
import json, sys
path, keys, value = sys.argv[1], sys.argv[2].split('.'), json.loads(sys.argv[3])
doc = json.load(open(path))
node = doc
for k in keys[:-1]:
    node = node[k]
node[keys[-1]] = value
json.dump(doc, open(path, 'w'))
EOF
}

for m in good1 bad good2 badfield badport; do
  sc create -q -d none --url "tcp://127.0.0.1:2376" "$m" || ko "create $m"
done
set_field bad Driver 5
set_field badfield Driver.URL '["tcp://x:1"]'
set_field badport Swarmctl.EnginePort '"2376"'

out=$(sc ls 2>"$E2E_TMP/ls.err"); rc=$?
eq "ls exits 0 with damaged records in the store" 0 "$rc"
eq "ls prints nothing on stderr" "" "$(cat "$E2E_TMP/ls.err")"
eq "ls lists all five machines" 5 "$(tail -n +2 <<<"$out" | wc -l)"
eq "the good ones are listed as usual" 2 "$(grep -cE '^good[12] +- +none +Running +tcp://127.0.0.1:2376' <<<"$out")"
eq "the bad one shows its error" 1 \
  "$(grep -c '^bad .*machine "bad": config.json: Driver must be an object, got a number$' <<<"$out")"
eq "a driver field of the wrong type is that machine's error" 1 \
  "$(grep -c '^badfield .*none driver config: ' <<<"$out")"
eq "a wrongly typed swarmctl field names it" 1 \
  "$(grep -c '^badport .*Swarmctl.EnginePort must be an integer, got a string$' <<<"$out")"
eq "ls -q lists every name" "bad badfield badport good1 good2" "$(sc ls -q | sort | tr '\n' ' ' | sed 's/ $//')"

for cmd in inspect env url ip config status; do
  err=$(sc "$cmd" bad 2>&1 >/dev/null); rc=$?
  eq "$cmd of the bad record exits 1" 1 "$rc"
  eq "$cmd of the bad record: one line" 1 "$(wc -l <<<"$err")"
  eq "$cmd of the bad record names it" 1 "$(grep -c 'machine "bad": config.json: Driver must be an object' <<<"$err")"
done
err=$(sc inspect badfield 2>&1 >/dev/null); rc=$?
eq "inspect of a bad driver field exits 1 with one line" "1 1" "$rc $(wc -l <<<"$err")"

out=$(sc rm -f bad badfield badport 2>&1); rc=$?
eq "rm -f of the bad records exits 0" 0 "$rc"
eq "rm -f says each was removed" 3 "$(grep -c '^Successfully removed bad' <<<"$out")"
eq "their directories are gone" "" "$(ls "$SWARMCTL_STORAGE_PATH/machines" | grep bad)"
eq "the good ones stay" "good1 good2" "$(sc ls -q | sort | tr '\n' ' ' | sed 's/ $//')"

# A config.json that is not JSON at all, or nested without end, is the same: one error line.
sc create -q -d none --url tcp://127.0.0.1:2376 junk
printf '{"Driver": \033[31m' >"$SWARMCTL_STORAGE_PATH/machines/junk/config.json"
err=$(sc inspect junk 2>&1 >/dev/null); rc=$?
eq "invalid JSON: exit 1, one line without the file's bytes" \
  "1 machine \"junk\": config.json is not valid JSON (at byte 12)" "$rc $err"
python3 -c "print('{\"Driver\":' + '[' * 100000 + ']' * 100000 + '}')" \
  >"$SWARMCTL_STORAGE_PATH/machines/junk/config.json"
err=$(sc ls --filter name=junk --format '{{.Name}} {{.Error}}' 2>&1); rc=$?
eq "deeply nested record: ls shows it with its error" \
  "0 junk machine \"junk\": config.json is nested too deep" "$rc $err"
sc rm -f junk >/dev/null 2>&1
eq "rm -f removes it" "good1 good2" "$(sc ls -q | sort | tr '\n' ' ' | sed 's/ $//')"

echo "test_bad_records: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
