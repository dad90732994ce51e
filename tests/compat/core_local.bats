#!/usr/bin/env bats
# docker-machine's core suites that need a real host (test/integration/core at v0.16.2), on local
# hosts: core-commands.bats (docker run, ssh, the stop/upgrade/start/kill/restart lifecycle),
# ssh-backends.bats, scp.bats, regenerate-certs.bats, certs-extra-san.bats, engine-options.bats.
# Each start of a host also checks that no descriptor of the caller survives swarmctl (issue 12):
# bats itself would hang on its fd 3 otherwise.
load helpers

setup_file() {
  export SECOND_MACHINE="$NAME-2"
}

# --- core-commands.bats, first half --------------------------------------------------------

@test "$DRIVER: run busybox container" {
  run docker $(machine config "$NAME") run --rm busybox echo hello world
  show
  [ "$status" -eq 0 ]
  [ "$output" = "hello world" ]
}

@test "$DRIVER: ssh" {
  run machine ssh "$NAME" -- ls -lah /
  [ "$status" -eq 0 ]
  [[ ${lines[0]} =~ "total" ]]
}

@test "$DRIVER: the host's MAC address, before its restarts" {
  machine ssh "$NAME" cat /sys/class/net/eth0/address >"$BATS_FILE_TMPDIR/mac"
  [[ $(cat "$BATS_FILE_TMPDIR/mac") =~ ^02:5c(:[0-9a-f]{2}){4}$ ]]
}

@test "$DRIVER: docker commands with the socket should work" {
  run machine ssh "$NAME" -- docker version
  [ "$status" -eq 0 ]
}

# --- ssh-backends.bats -------------------------------------------------------------------------

@test "$DRIVER: test external ssh backend" {
  run machine ssh "$NAME" df -h
  [ "$status" -eq 0 ]
}

@test "$DRIVER: test command did what it purported to -- external ssh" {
  run machine ssh "$NAME" echo foo
  [ "$output" = "foo" ]
}

@test "$DRIVER: test native ssh backend" {
  run machine --native-ssh ssh "$NAME" df -h
  [ "$status" -eq 0 ]
}

@test "$DRIVER: test command did what it purported to -- native ssh" {
  run machine --native-ssh ssh "$NAME" echo foo
  [[ $output =~ "foo" ]]
}

@test "$DRIVER: ensure that ssh extra arguments work" {
  # -C must be taken as ssh's "use compression", not as part of the command.
  run machine ssh "$NAME" -C echo foo
  show
  [ "$status" -eq 0 ]
  [ "$output" = "foo" ]
}

@test "$DRIVER: ssh returns the remote command's exit status" {
  run machine ssh "$NAME" -- exit 3
  [ "$status" -eq 3 ]
}

# --- scp.bats ----------------------------------------------------------------------------------

@test "$DRIVER: test machine scp command from remote to host" {
  cd "$BATS_TEST_TMPDIR"
  machine ssh "$NAME" 'echo A file created remotely! >/tmp/foo.txt'
  machine scp "$NAME:/tmp/foo.txt" .
  [ "$(cat foo.txt)" = "A file created remotely!" ]
}

@test "$DRIVER: test machine scp command from host to remote" {
  cd "$BATS_TEST_TMPDIR"
  echo A file created locally! >foo.txt
  machine scp foo.txt "$NAME:/tmp/foo.txt"
  [ "$(machine ssh "$NAME" cat /tmp/foo.txt)" = "A file created locally!" ]
}

@test "$DRIVER: create machine to test transferring files from machine to machine" {
  # Also certs-extra-san.bats and engine-options.bats' machine (one host instead of three), and
  # a create with a pipe on fd 3 whose reader must see EOF.
  fd3_reaches_eof machine create -d "$DRIVER" --preload-image "$IMAGES/busybox.tar" \
    --tls-san foo.bar.tld --tls-san 10.42.42.42 \
    --engine-label spam=eggs --engine-storage-driver overlay \
    --engine-insecure-registry registry.myco.com \
    --engine-env=TEST=VALUE --engine-opt log-driver=none "$SECOND_MACHINE" ||
    { cat "$FD3_LOG"; return 1; }
}

@test "$DRIVER: scp from one machine to another" {
  run machine ssh "$NAME" 'echo A file hopping around! >/tmp/foo.txt'
  run machine scp "$NAME:/tmp/foo.txt" "$SECOND_MACHINE:/tmp/foo.txt"
  [ "$(machine ssh "$SECOND_MACHINE" cat /tmp/foo.txt)" = "A file hopping around!" ]
}

# --- certs-extra-san.bats ----------------------------------------------------------------------

@test "$DRIVER: verify that server cert contains the extra SANs" {
  machine ssh "$SECOND_MACHINE" -- openssl x509 -in /etc/docker/server.pem -text | grep 'DNS:foo.bar.tld'
  machine ssh "$SECOND_MACHINE" -- openssl x509 -in /etc/docker/server.pem -text | grep 'IP Address:10.42.42.42'
}

@test "$DRIVER: verify that server cert SANs are still there after 'regenerate-certs'" {
  machine regenerate-certs -f "$SECOND_MACHINE"
  machine ssh "$SECOND_MACHINE" -- openssl x509 -in /etc/docker/server.pem -text | grep 'DNS:foo.bar.tld'
  machine ssh "$SECOND_MACHINE" -- openssl x509 -in /etc/docker/server.pem -text | grep 'IP Address:10.42.42.42'
}

# --- engine-options.bats -----------------------------------------------------------------------

@test "$DRIVER: check for engine label" {
  spamlabel=$(docker $(machine config "$SECOND_MACHINE") info | grep spam)
  [[ $spamlabel =~ "spam=eggs" ]]
}

@test "$DRIVER: check for engine storage driver" {
  storage_driver_info=$(docker $(machine config "$SECOND_MACHINE") info | grep "Storage Driver")
  [[ $storage_driver_info =~ "overlay" ]]
}

@test "$DRIVER: check for engine insecure registry" {
  docker $(machine config "$SECOND_MACHINE") info | grep -A3 'Insecure Registries' | grep -q registry.myco.com
}

@test "$DRIVER: test docker process envs" {
  run machine ssh "$SECOND_MACHINE" 'cat /proc/$(pgrep -f $(which dockerd))/environ'
  [ "$status" -eq 0 ]
  [[ $output =~ "TEST=VALUE" ]]
}

@test "$DRIVER: check created engine option (log driver)" {
  docker $(machine config "$SECOND_MACHINE") run --name nolog busybox echo this should not be logged
  run docker $(machine config "$SECOND_MACHINE") inspect -f '{{.HostConfig.LogConfig.Type}}' nolog
  [ "$output" = "none" ]
}

# --- regenerate-certs.bats ---------------------------------------------------------------------

@test "$DRIVER: regenerate the certs" {
  run machine regenerate-certs -f "$NAME"
  [ "$status" -eq 0 ]
}

@test "$DRIVER: make sure docker still works" {
  run docker $(machine config "$NAME") version
  [ "$status" -eq 0 ]
}

# --- core-commands.bats, the lifecycle ---------------------------------------------------------

@test "$DRIVER: stop" {
  run machine stop "$NAME"
  [ "$status" -eq 0 ]
}

@test "$DRIVER: machine should show stopped after stop" {
  run machine ls
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *"Stopped"* ]]
}

@test "$DRIVER: url should show an error when machine is stopped" {
  run machine url "$NAME"
  [ "$status" -eq 1 ]
  [[ ${output} == *"Host is not running"* ]]
}

@test "$DRIVER: env should show an error when machine is stopped" {
  run machine env "$NAME"
  [ "$status" -eq 1 ]
  [[ ${output} == *"Host is not running"* ]]
}

@test "$DRIVER: version should show an error when machine is stopped" {
  run machine version "$NAME"
  show
  [ "$status" -eq 1 ]
  [[ ${output} == *"Host is not running"* ]]
}

@test "$DRIVER: machine should upgrade even when machine is stopped" {
  # It starts the host: a pipe on fd 3 must see EOF as soon as upgrade returns.
  SECONDS=0
  fd3_reaches_eof machine upgrade "$NAME" || { cat "$FD3_LOG"; return 1; }
  echo "# upgrade took ${SECONDS}s" >&3
}

@test "$DRIVER: start should show an error after upgrade" {
  run machine start "$NAME"
  [ "$status" -eq 1 ]
  [[ $output == *"Machine \"$NAME\" is already running."* ]]
}

@test "$DRIVER: machine should show running after start" {
  run machine ls --timeout 20
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *"Running"* ]]
}

@test "$DRIVER: kill" {
  run machine kill "$NAME"
  [ "$status" -eq 0 ]
}

@test "$DRIVER: machine should show stopped after kill" {
  run machine ls
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *"Stopped"* ]]
}

@test "$DRIVER: restart" {
  fd3_reaches_eof machine restart "$NAME" || { cat "$FD3_LOG"; return 1; }
  grep -q "Restarted machines may have new IP addresses. You may need to re-run the \`$MACHINE_NAME env\` command." "$FD3_LOG"
}

@test "$DRIVER: machine should show running after restart" {
  run machine ls --timeout 20
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *"Running"* ]]
}

@test "$DRIVER: start after stop leaves no descriptor behind" {
  machine stop "$NAME" >/dev/null
  fd3_reaches_eof machine start "$NAME" || { cat "$FD3_LOG"; return 1; }
}

@test "$DRIVER: the host keeps its MAC address across stop, kill, start and restart" {
  # A new one at every boot left the neighbours sending to the old one for up to ~45 s.
  [ "$(machine ssh "$NAME" cat /sys/class/net/eth0/address)" = "$(cat "$BATS_FILE_TMPDIR/mac")" ]
}

@test "$DRIVER: status" {
  run machine status "$NAME"
  [ "$status" -eq 0 ]
  [[ ${output} == *"Running"* ]]
}
