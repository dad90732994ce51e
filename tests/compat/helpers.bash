# Shared by the compat tier's bats files (tests/compat/run.sh sets the environment):
#   MACHINE_NAME   the name scripts call the binary by: swarmctl, or docker-machine (a copy)
#   DRIVER         none | local
#   COMPAT_TMP     this run's scratch directory (bin/ with the binary under test is on PATH)
#   MACHINE_STORAGE_PATH  the store, set through docker-machine's own variable
#   NAME           the shared machine of the core suites (created by core setup_file)
bats_require_minimum_version 1.5.0

# Like docker-machine's suites: `machine ...` runs the binary under test, found through PATH so
# that argv[0] is the bare name a script uses.
machine() { "$MACHINE_NAME" "$@"; }

# Make sure these aren't set while tests run (docker-machine's helpers do the same).
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_MACHINE_NAME SWARMCTL_STORAGE_PATH

# Shows what the last `run` saw (bats prints it when the test fails).
show() { printf 'status=%s\noutput:\n%s\n' "${status:-}" "${output:-}"; }

# Polls CMD... until it succeeds, at most SECONDS seconds: wait_until SECONDS CMD...
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# True once process PID has exited.
gone() { ! kill -0 "$1" 2>/dev/null; }

# Runs CMD... with the write end of a pipe on fd 3 and fails unless the pipe's reader sees EOF
# within 10 s of CMD's exit: no daemon or child may keep a descriptor it was handed (a CI
# runner's result pipe, bats' own fd 3). CMD's output goes to $FD3_LOG (this test's own).
fd3_reaches_eof() {
  FD3_LOG=$BATS_TEST_TMPDIR/fd3.log
  local fifo=$BATS_TEST_TMPDIR/fd3.fifo
  rm -f "$fifo"
  mkfifo "$fifo"
  cat "$fifo" >/dev/null 3>&- & # exits at EOF: when no process holds the write end any more
  local reader=$!
  "$@" 3>"$fifo" >"$FD3_LOG" 2>&1
  local rc=$?
  if ! wait_until 10 gone "$reader"; then
    echo "fd 3 is still open after '$*' exited (rc=$rc); held by:"
    local p
    for p in /proc/[0-9]*; do
      [ "${p#/proc/}" = "$reader" ] && continue
      ls -l "$p/fd" 2>/dev/null | grep -qF "$fifo" && echo "  ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"
    done
    kill "$reader" 2>/dev/null
    return 1
  fi
  return "$rc"
}
