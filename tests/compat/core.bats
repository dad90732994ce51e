#!/usr/bin/env bats
# docker-machine's core suites on the shared machine $NAME (test/integration/core at v0.16.2:
# core-commands.bats, env_shell.bats, inspect_format.bats), with either driver: what every machine
# answers. The lifecycle, ssh and scp parts need a real host: core_local.bats.
load helpers

# --- core-commands.bats ------------------------------------------------------------------------

@test "$DRIVER: machine should not exist" {
  run machine inspect UNKNOWN
  [ "$status" -eq 1 ]
  [[ ${lines[0]} =~ "Docker machine \"UNKNOWN\" does not exist" ]]
}

@test "$DRIVER: appears with ls" {
  run machine ls -q
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$NAME" ]
}

@test "$DRIVER: has status 'started' appearing in ls" {
  run machine ls -q --filter state=Running
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$NAME" ]
}

@test "$DRIVER: create with same name again fails" {
  run machine create -d "$DRIVER" $CREATE_ARGS "$NAME"
  show
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "Docker machine \"$NAME\" already exists" ]
}

@test "$DRIVER: url" {
  run machine url "$NAME"
  [ "$status" -eq 0 ]
  [[ $output =~ ^tcp://[0-9.]+:[0-9]+$ ]]
}

@test "$DRIVER: ip" {
  run machine ip "$NAME"
  [ "$status" -eq 0 ]
  [[ $output =~ ^[0-9.]+(:[0-9]+)?$ ]]
}

@test "$DRIVER: version" {
  run machine version "$NAME"
  show
  [ "$status" -eq 0 ]
  [[ $output =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "$DRIVER: status" {
  run machine status "$NAME"
  [ "$status" -eq 0 ]
  [[ ${output} == *"Running"* ]]
}

@test "$DRIVER: config points at the machine's own copies of the certificates" {
  run machine config "$NAME"
  show
  [ "$status" -eq 0 ]
  local dir=$MACHINE_STORAGE_PATH/machines/$NAME
  [ "${lines[0]}" = "--tlsverify" ]
  [ "${lines[1]}" = "--tlscacert=\"$dir/ca.pem\"" ]
  [ "${lines[2]}" = "--tlscert=\"$dir/cert.pem\"" ]
  [ "${lines[3]}" = "--tlskey=\"$dir/key.pem\"" ]
  [ "${lines[4]}" = "-H=$(machine url "$NAME")" ]
  # ...which exist, for every driver (the none driver's too).
  cmp "$dir/ca.pem" "$MACHINE_STORAGE_PATH/certs/ca.pem"
  cmp "$dir/cert.pem" "$MACHINE_STORAGE_PATH/certs/cert.pem"
  cmp "$dir/key.pem" "$MACHINE_STORAGE_PATH/certs/key.pem"
}

@test "$DRIVER: ls shows the engine's version" {
  run machine ls --filter "name=^$NAME\$" --format '{{.State}} {{.DockerVersion}} {{.Error}}'
  show
  [ "$status" -eq 0 ]
  [[ $output =~ ^Running\ v[0-9]+\.[0-9]+ ]]
}

# --- env_shell.bats ----------------------------------------------------------------------------

@test "$DRIVER: test basic bash / zsh notation" {
  run machine env "$NAME"
  show
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "export DOCKER_TLS_VERIFY=\"1\"" ]
  [ "${lines[1]}" = "export DOCKER_HOST=\"$(machine url "$NAME")\"" ]
  [ "${lines[2]}" = "export DOCKER_CERT_PATH=\"$MACHINE_STORAGE_PATH/machines/$NAME\"" ]
  [ "${lines[3]}" = "export DOCKER_MACHINE_NAME=\"$NAME\"" ]
  [ "${lines[5]}" = "# eval \$($MACHINE_NAME env $NAME)" ]
}

@test "$DRIVER: test powershell notation" {
  run machine env --shell powershell --no-proxy "$NAME"
  [ "${lines[0]}" = "\$Env:DOCKER_TLS_VERIFY = \"1\"" ]
  [ "${lines[1]}" = "\$Env:DOCKER_HOST = \"$(machine url "$NAME")\"" ]
  [ "${lines[2]}" = "\$Env:DOCKER_CERT_PATH = \"$MACHINE_STORAGE_PATH/machines/$NAME\"" ]
  [ "${lines[3]}" = "\$Env:DOCKER_MACHINE_NAME = \"$NAME\"" ]
  [ "${lines[4]}" = "\$Env:NO_PROXY = \"$(machine ip "$NAME")\"" ]
}

@test "$DRIVER: test bash / zsh notation with no-proxy" {
  run machine env --no-proxy "$NAME"
  [ "${lines[0]}" = "export DOCKER_TLS_VERIFY=\"1\"" ]
  [ "${lines[1]}" = "export DOCKER_HOST=\"$(machine url "$NAME")\"" ]
  [ "${lines[2]}" = "export DOCKER_CERT_PATH=\"$MACHINE_STORAGE_PATH/machines/$NAME\"" ]
  [ "${lines[3]}" = "export DOCKER_MACHINE_NAME=\"$NAME\"" ]
  [ "${lines[4]}" = "export NO_PROXY=\"$(machine ip "$NAME")\"" ]
}

@test "$DRIVER: test cmd.exe notation" {
  run machine env --shell cmd --no-proxy "$NAME"
  [ "${lines[0]}" = "SET DOCKER_TLS_VERIFY=1" ]
  [ "${lines[1]}" = "SET DOCKER_HOST=$(machine url "$NAME")" ]
  [ "${lines[2]}" = "SET DOCKER_CERT_PATH=$MACHINE_STORAGE_PATH/machines/$NAME" ]
  [ "${lines[3]}" = "SET DOCKER_MACHINE_NAME=$NAME" ]
  [ "${lines[4]}" = "SET NO_PROXY=$(machine ip "$NAME")" ]
}

@test "$DRIVER: test fish notation" {
  run machine env --shell fish --no-proxy "$NAME"
  [ "${lines[0]}" = "set -gx DOCKER_TLS_VERIFY \"1\";" ]
  [ "${lines[1]}" = "set -gx DOCKER_HOST \"$(machine url "$NAME")\";" ]
  [ "${lines[2]}" = "set -gx DOCKER_CERT_PATH \"$MACHINE_STORAGE_PATH/machines/$NAME\";" ]
  [ "${lines[3]}" = "set -gx DOCKER_MACHINE_NAME \"$NAME\";" ]
  [ "${lines[4]}" = "set -gx NO_PROXY \"$(machine ip "$NAME")\";" ]
}

@test "$DRIVER: test emacs notation" {
  run machine env --shell emacs --no-proxy "$NAME"
  [ "${lines[0]}" = "(setenv \"DOCKER_TLS_VERIFY\" \"1\")" ]
  [ "${lines[1]}" = "(setenv \"DOCKER_HOST\" \"$(machine url "$NAME")\")" ]
  [ "${lines[2]}" = "(setenv \"DOCKER_CERT_PATH\" \"$MACHINE_STORAGE_PATH/machines/$NAME\")" ]
  [ "${lines[3]}" = "(setenv \"DOCKER_MACHINE_NAME\" \"$NAME\")" ]
  [ "${lines[4]}" = "(setenv \"NO_PROXY\" \"$(machine ip "$NAME")\")" ]
}

@test "$DRIVER: test no proxy with NO_PROXY already set" {
  export NO_PROXY=localhost
  run machine env --no-proxy "$NAME"
  [ "${lines[4]}" = "export NO_PROXY=\"localhost,$(machine ip "$NAME")\"" ]
}

@test "$DRIVER: test unset with an args should fail" {
  run machine env -u "$NAME"
  [ "$status" -eq 1 ]
  [ "$output" = "Error: Expected no machine name when the -u flag is present" ]
}

@test "$DRIVER: test bash/zsh unset" {
  run machine env -u
  [ "${lines[0]}" = "unset DOCKER_TLS_VERIFY" ]
  [ "${lines[1]}" = "unset DOCKER_HOST" ]
  [ "${lines[2]}" = "unset DOCKER_CERT_PATH" ]
  [ "${lines[3]}" = "unset DOCKER_MACHINE_NAME" ]
}

@test "$DRIVER: test unset killing no proxy" {
  run machine env --no-proxy -u
  [ "${lines[0]}" = "unset DOCKER_TLS_VERIFY" ]
  [ "${lines[3]}" = "unset DOCKER_MACHINE_NAME" ]
  [ "${lines[4]}" = "unset NO_PROXY" ]
}

@test "$DRIVER: unset powershell" {
  run machine env --shell powershell -u
  [ "${lines[0]}" = 'Remove-Item Env:\\DOCKER_TLS_VERIFY' ]
  [ "${lines[1]}" = 'Remove-Item Env:\\DOCKER_HOST' ]
  [ "${lines[2]}" = 'Remove-Item Env:\\DOCKER_CERT_PATH' ]
  [ "${lines[3]}" = 'Remove-Item Env:\\DOCKER_MACHINE_NAME' ]
}

@test "$DRIVER: unset with fish shell" {
  run machine env --shell fish -u
  [ "${lines[0]}" = "set -e DOCKER_TLS_VERIFY;" ]
  [ "${lines[3]}" = "set -e DOCKER_MACHINE_NAME;" ]
}

@test "$DRIVER: unset with cmd shell" {
  run machine env --shell cmd -u
  [ "${lines[0]}" = "SET DOCKER_TLS_VERIFY=" ]
  [ "${lines[3]}" = "SET DOCKER_MACHINE_NAME=" ]
}

@test "$DRIVER: unset with emacs shell" {
  run machine env --shell emacs -u
  [ "${lines[0]}" = "(setenv \"DOCKER_TLS_VERIFY\" nil)" ]
  [ "${lines[3]}" = "(setenv \"DOCKER_MACHINE_NAME\" nil)" ]
}

# --- inspect_format.bats -----------------------------------------------------------------------

@test "$DRIVER: inspect format template" {
  run machine inspect -f '{{.DriverName}}' "$NAME"
  [ "$output" = "$DRIVER" ]
}

@test "$DRIVER: inspect format template json directive" {
  run machine inspect -f '{{json .DriverName}}' "$NAME"
  [ "$output" = "\"$DRIVER\"" ]
}

@test "$DRIVER: inspect format template pretty json directive" {
  linecount=$(machine inspect -f '{{prettyjson .Driver}}' "$NAME" | wc -l)
  [ "$linecount" -gt 1 ]
}

# --- descriptors (issue 12, point 0) -----------------------------------------------------------

@test "$DRIVER: create hands no descriptor beyond 0/1/2 to anything that outlives it" {
  fd3_reaches_eof machine create -d "$DRIVER" $CREATE_ARGS "$NAME-fd" || { cat "$FD3_LOG"; return 1; }
  machine rm -y "$NAME-fd" >/dev/null
}
