#!/usr/bin/env bash
# `up` output: off a terminal, plain lines as before (scripts' stdout stays clean: no escape
# sequences); on a terminal (a pseudo-terminal from `script`), one live line per machine with its
# current step and elapsed time, rewritten in place, ending with each machine's result. The
# machines are `none` records (no root, no hosts): what is tested is the rendering.
set -uo pipefail
SWARMCTL_BIN=${SWARMCTL_BIN:?}
T=$(mktemp -d /tmp/swarmctl-e2e-up-progress.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SWARMCTL_STORAGE_PATH=$T/store
pass=0; failn=0
ok() { pass=$((pass+1)); echo "ok: $1" >&2; }
ko() { failn=$((failn+1)); echo "FAIL: $1" >&2; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected [$2] got [$3]"; fi; }
if ! command -v script >/dev/null; then
  if [ "${CI:-}" = true ]; then echo "FAIL: script (util-linux) missing" >&2; exit 1; fi
  echo "SKIPPED: script missing" >&2; exit 77
fi
cat > "$T/c.yml" <<'EOF'
cluster: tty
driver: none
driver_options: {url: "tcp://127.0.0.1:1"}
swarm: {mode: swarm-mode, master: m0}
nodes: [n1, n2]
EOF

# Not a terminal: the lines of before, nothing else.
"$SWARMCTL_BIN" up -f "$T/c.yml" > "$T/plain.out" 2> "$T/plain.err"
eq "up (pipe) exits 0" 0 "$?"
norm() { sed -E 's/[0-9]+\.[0-9]s/X/g' "$@"; }
eq "up (pipe): five lines" 5 "$(wc -l < "$T/plain.out")"
eq "up (pipe): first line" "Bringing up cluster tty: 3 machines" "$(head -n1 "$T/plain.out")"
eq "up (pipe): one line per machine" "(m0) created and provisioned in X
(n1) created and provisioned in X
(n2) created and provisioned in X" "$(sed -n 2,4p "$T/plain.out" | norm | sort)"
eq "up (pipe): last line" "Cluster tty is up (X). Point docker at it with: eval \$(swarmctl env m0)" \
  "$(tail -n1 "$T/plain.out" | norm)"
eq "up (pipe): no escape sequences" 0 "$(grep -c $'\033' "$T/plain.out")"
eq "up (pipe): nothing on stderr" "" "$(cat "$T/plain.err")"
"$SWARMCTL_BIN" down -q -f "$T/c.yml"

# A terminal: the live board.
script -qfec "$SWARMCTL_BIN up -f $T/c.yml" /dev/null > "$T/tty.out" 2>&1
eq "up (tty) exits 0" 0 "$?"
out=$(tr -d '\r' < "$T/tty.out")
check_has() { if grep -qF -- "$2" <<<"$out"; then ok "$1"; else ko "$1: [$2] not in output"; fi; }
check_has "tty: every machine gets a row at once" $'\033[2K(m0) waiting\n\033[2K(n1) waiting\n\033[2K(n2) waiting'
check_has "tty: rows are redrawn in place (cursor up 3)" $'\033[3A'
check_has "tty: a row shows its current step and elapsed time" "Creating machine... 0."
last=$(awk -v RS=$'\033\\[3A' 'END {print}' <<<"$out" | sed -E $'s/\033\\[2K//g' | norm)
eq "tty: the last frame holds each machine's result" "(m0) created and provisioned in X
(n1) created and provisioned in X
(n2) created and provisioned in X
Cluster tty is up (X). Point docker at it with: eval \$(swarmctl env m0)" "$(sed '/^$/d' <<<"$last")"
"$SWARMCTL_BIN" down -q -f "$T/c.yml"

# -q on a terminal: nothing at all.
script -qfec "$SWARMCTL_BIN up -q -f $T/c.yml" /dev/null > "$T/quiet.out" 2>&1
eq "up -q (tty): prints nothing" "" "$(tr -d '\r' < "$T/quiet.out")"
"$SWARMCTL_BIN" down -q -f "$T/c.yml"

echo "up_progress: $pass passed, $failn failed" >&2
[ "$failn" -eq 0 ]
