#!/usr/bin/env bash
# Start-up cost: a light command maps only libc (OpenSSL, yaml-cpp, fmt and libstdc++
# are in the binary; libssh and libcurl are dlopen'ed by the commands that use them), and a
# missing libssh or libcurl is one clear line from the command that needs it, not a failure of
# every command. No root: `none` and `generic` records. (Figures: bench/startup.sh.)
set -uo pipefail
SWARMCTL_BIN=${SWARMCTL_BIN:?}
T=$(mktemp -d /tmp/swarmctl-e2e-startup.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SWARMCTL_STORAGE_PATH=$T/store
pass=0; failn=0
ok() { pass=$((pass+1)); echo "ok: $1" >&2; }
ko() { failn=$((failn+1)); echo "FAIL: $1" >&2; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected [$2] got [$3]"; fi; }
sc() { "$SWARMCTL_BIN" "$@"; }

if grep -q 'SWARMCTL_STATIC_DEPS:BOOL=OFF' "$(dirname "$SWARMCTL_BIN")/CMakeCache.txt" 2>/dev/null; then
  echo "SKIPPED: built with -DSWARMCTL_STATIC_DEPS=OFF" >&2
  exit 77
fi
libs=$(ldd "$SWARMCTL_BIN" | awk '{print $1}' | grep -vE '^(linux-vdso|/lib64/ld-linux)' | sed 's/\.so.*//' | sort | xargs)
eq "the binary needs libc only (no libm: cmd/no_libm.cpp)" "libc" "$libs"

sc create -q -d none --url tcp://127.0.0.1:2376 m1
loaded=$(LD_DEBUG=libs sc url m1 2>&1 >/dev/null | grep -oE 'calling init: [^ ]+' | sed 's/.*\///' | sort -u | xargs)
eq "url loads nothing else at run time" "" "$(tr ' ' '\n' <<<"$loaded" | grep -vxE 'libc.so.6|ld-linux-x86-64.so.2' | xargs)"
loaded=$(LD_DEBUG=libs sc env --shell bash m1 2>&1 >/dev/null | grep -oE 'calling init: [^ ]+' | sed 's/.*\///' | sort -u | xargs)
eq "env loads nothing else either (its TLS check is OpenSSL inside the binary)" "" \
  "$(tr ' ' '\n' <<<"$loaded" | grep -vxE 'libc.so.6|ld-linux-x86-64.so.2' | xargs)"
for c in "ip m1" "inspect m1" "ls -q" "version"; do
  # shellcheck disable=SC2086
  loaded=$(LD_DEBUG=libs sc $c 2>&1 >/dev/null | grep -oE 'calling init: [^ ]+' | sed 's/.*\///' | sort -u | xargs)
  eq "$c loads nothing else either" "" \
    "$(tr ' ' '\n' <<<"$loaded" | grep -vxE 'libc.so.6|ld-linux-x86-64.so.2' | xargs)"
done
# The engine API client is libcurl's (provision/http): `version NAME` loads it on its first request,
# and without it says so in one line. (Nothing listens on port 1: the request fails after.)
sc create -q -d none --url tcp://127.0.0.1:1 m0
loaded=$(LD_DEBUG=libs sc version m0 2>&1 >/dev/null | grep -oE 'calling init: [^ ]+' | sed 's/.*\///' | sort -u | xargs)
eq "version m0 loads libcurl for the engine request" 1 "$(tr ' ' '\n' <<<"$loaded" | grep -c '^libcurl.so.4$')"
eq "version m0 without an engine: the dial error" "dial tcp 127.0.0.1:1: connect: Connection refused" \
  "$(sc version m0 2>&1)"
out=$(SWARMCTL_LIBCURL=/nonexistent/libcurl.so.4 sc version m0 2>&1); rc=$?
eq "version m0 without libcurl: exit 1" 1 "$rc"
eq "version m0 without libcurl: one line naming the library" 1 \
  "$(grep -c 'cannot load /nonexistent/libcurl.so.4 .*apt-get install libcurl4' <<<"$out")"
eq "version m0 without libcurl: only that line" 1 "$(wc -l <<<"$out")"

# A command that needs libssh, without it: one line naming the library and its package. (A
# listener on loopback stands for the host's SSH port: the generic driver's state is a TCP dial.)
ssh-keygen -q -t ed25519 -N '' -f "$T/key"
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8); print(s.getsockname()[1], flush=True); time.sleep(120)' > "$T/port" &
LISTENER=$!
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
out=$(SWARMCTL_LIBSSH=/nonexistent/libssh.so.4 sc create -d generic --generic-ip-address 127.0.0.1 \
  --generic-ssh-port "$(cat "$T/port")" --generic-ssh-key "$T/key" g1 2>&1); rc=$?
kill "$LISTENER" 2>/dev/null
eq "generic create without libssh: exit 1" 1 "$rc"
eq "generic create without libssh: the error names the library" 1 \
  "$(grep -c 'cannot load /nonexistent/libssh.so.4 .*apt-get install libssh-4' <<<"$out")"
eq "light commands do not need it" "tcp://127.0.0.1:2376" "$(SWARMCTL_LIBSSH=/nonexistent sc url m1)"

echo "startup: $pass passed, $failn failed" >&2
[ "$failn" -eq 0 ]
