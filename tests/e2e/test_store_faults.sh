#!/usr/bin/env bash
# The store under faults and odd paths, with the `none` driver (no hosts): creating a store under
# a shared directory leaves that directory's mode alone; a store path (or its machines/) that is a
# regular file is one error; `rm -f` that cannot delete a record says so; engine URLs that are not
# tcp://HOST:PORT are refused; a full file system during a write leaves the old config.json whole.
source "$(dirname "$0")/lib.sh"
e2e_setup 217 sce2e217
FULL=$E2E_TMP/full
e2e_after_cleanup() {
  umount "$E2E_TMP/busy-store/machines/n2/busy" 2>/dev/null
  umount "$FULL" 2>/dev/null
}
url=tcp://127.0.0.1:2376

# Exit status and stderr of a command: `run cmd...` sets RC, OUT, ERR.
run() {
  "$@" > "$E2E_TMP/out" 2> "$E2E_TMP/err"
  RC=$?
  OUT=$(cat "$E2E_TMP/out")
  ERR=$(cat "$E2E_TMP/err")
}
one_line() { [ -n "$1" ] && [ "$(printf '%s\n' "$1" | wc -l)" = 1 ]; }

# A new store under a sticky, world-writable directory (as /tmp): that directory keeps 1777.
shared=$E2E_TMP/shared
mkdir "$shared" && chmod 1777 "$shared"
must "create in a new store under a sticky directory" sc -s "$shared/newstore" create -q -d none --url $url n1
eq "the sticky directory keeps its mode" 1777 "$(stat -c %a "$shared")"
eq "the store directory swarmctl created is 0700" 700 "$(stat -c %a "$shared/newstore")"
mkdir -m 0755 "$E2E_TMP/home"
must "an existing directory as the store" sc -s "$E2E_TMP/home" create -q -d none --url $url n1
eq "an existing store directory keeps its mode" 755 "$(stat -c %a "$E2E_TMP/home")"

# A store path or machines/ that is a regular file: one error line, non-zero.
touch "$E2E_TMP/plainfile"
run sc -s "$E2E_TMP/plainfile" ls
check "ls of a store that is a file: non-zero ($RC)" test "$RC" -ne 0
check "ls of a store that is a file: one line ($ERR)" bash -c "$(declare -f one_line); one_line \"\$1\" && grep -q 'not a directory' <<< \"\$1\"" _ "$ERR"
mkdir "$E2E_TMP/s2" && touch "$E2E_TMP/s2/machines"
run sc -s "$E2E_TMP/s2" ls
check "ls with machines/ a file: non-zero ($RC)" test "$RC" -ne 0
check "ls with machines/ a file: one line ($ERR)" bash -c "$(declare -f one_line); one_line \"\$1\"" _ "$ERR"

# rm -f of an unreadable record whose directory cannot be deleted (a mount point inside).
bs=$E2E_TMP/busy-store
must "create n2" sc -s "$bs" create -q -d none --url $url n2
echo '{not json' > "$bs/machines/n2/config.json"
mkdir "$bs/machines/n2/busy" && mount -t tmpfs -o size=64k tmpfs "$bs/machines/n2/busy"
run sc -s "$bs" rm -f -y n2
check "rm -f that cannot delete the record: non-zero ($RC)" test "$RC" -ne 0
check "rm -f that cannot delete the record: does not claim success" bash -c "! grep -q 'Successfully removed' <<< \"\$1\"" _ "$OUT"
check "rm -f that cannot delete the record: says why ($ERR)" grep -qi 'busy' "$E2E_TMP/err"
umount "$bs/machines/n2/busy"
must "rm -f once the directory can go" sc -s "$bs" rm -f -y n2
eq "the record is gone" "" "$(sc -s "$bs" ls -q)"

# Engine URLs that are not tcp://HOST:PORT are refused before anything is recorded.
for bad in "tcp://127.0.0.1:2376\$(touch $E2E_TMP/pwned)" "tcp://\`touch $E2E_TMP/pwned\`:2376" \
  'http://127.0.0.1:2376' 'tcp://127.0.0.1:2376/x' 'tcp://127.0.0.1'; do
  run sc create -d none --url "$bad" bad1
  check "--url '$bad' refused with exit 2 ($RC: $ERR)" bash -c "[ $RC = 2 ] && grep -q 'not tcp://HOST:PORT' \"\$1\"" _ "$E2E_TMP/err"
done
eq "no refused URL was recorded" "" "$(sc ls -q)"
check "no code ran from a URL" test ! -e "$E2E_TMP/pwned"

# Disk full in the store's file system during a write: the old config.json survives whole.
mkdir "$FULL" && mount -t tmpfs -o size=1m tmpfs "$FULL"
must "create d1 in the small store" sc -s "$FULL" create -q -d none --url $url d1
cp "$FULL/machines/d1/config.json" "$E2E_TMP/d1.json"
dd if=/dev/zero of="$FULL/filler" bs=4k >/dev/null 2>&1
run sc -s "$FULL" start d1  # fails (none cannot start) and then saves the record
check "disk full: config.json is byte for byte the old one" cmp "$FULL/machines/d1/config.json" "$E2E_TMP/d1.json"
check "disk full: config.json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$FULL/machines/d1/config.json"
run sc -s "$FULL" create -d none --url $url d2
check "disk full: a create fails ($RC)" test "$RC" -ne 0
check "disk full: the create says why ($ERR)" grep -qi 'no space' "$E2E_TMP/err"
eq "disk full: only d1 is listed" d1 "$(sc -s "$FULL" ls -q)"
eq "disk full: no temp file or half-made machine left" "" "$(find "$FULL" -name '.*' ! -name .lock ! -name .creating)"
rm -f "$FULL/filler"
umount "$FULL"
