#!/usr/bin/env bats
# docker-machine's CLI contract, from its own suites (test/integration/cli/*.bats before they were
# rewritten in Go, and its/cli/*_test.go at v0.16.2): help, exit codes, name checks, errors that
# scripts grep (the ls filters are in ls.bats). Every assertion is written here, not copied; the
# binary is run under the name in $MACHINE_NAME, so help and errors must name it. No root needed.
load helpers

setup_file() {
  load helpers
  export MACHINE_STORAGE_PATH=$COMPAT_TMP/store-cli-$MACHINE_NAME
}

teardown_file() {
  load helpers
  local names
  names=$(machine ls -q)
  [ -z "$names" ] || machine rm -y $names >/dev/null
}

# --- help (help.bats, help_test.go) ------------------------------------------------------------

@test "cli: bare invocation shows info, exit 0" {
  run machine
  show
  [ "$status" -eq 0 ]
  [[ ${lines[0]} =~ "Usage:" ]]
  [[ ${lines[1]} =~ "Create and manage machines running Docker" ]]
  [ "${lines[0]}" = "Usage: $MACHINE_NAME [OPTIONS] COMMAND [arg...]" ]
  [ "${lines[-1]}" = "Run '$MACHINE_NAME COMMAND --help' for more information on a command." ]
}

@test "cli: --help and -h show the usage, exit 0" {
  for h in --help -h; do
    run machine $h
    [ "$status" -eq 0 ]
    [[ ${lines[0]} =~ "Usage:" ]]
  done
}

@test "cli: -v shows the version, exit 0" {
  run machine -v
  show
  [ "$status" -eq 0 ]
  [[ ${lines[0]} =~ "version" ]]
  [[ ${lines[0]} =~ ^$MACHINE_NAME\ version\ [0-9]+\.[0-9]+\.[0-9]+,\ build\ [0-9a-z-]+$ ]]
  [ "${#lines[@]}" -eq 1 ]
}

@test "cli: every command's -h starts with 'Usage: NAME CMD', then the description, exit 0" {
  for cmd in active config create env inspect ip kill ls regenerate-certs restart rm scp ssh \
    start status stop upgrade url; do
    run machine "$cmd" -h
    [ "$status" -eq 0 ] || { show; return 1; }
    # docker-machine's assertion (its binary is called docker-machine)...
    if [ "$MACHINE_NAME" = docker-machine ]; then
      [[ ${lines[0]} =~ "machine $cmd" ]] || { show; return 1; }
    fi
    # ...and under any name:
    [[ ${lines[0]} == "Usage: $MACHINE_NAME $cmd "* ]] || { show; return 1; }
    [ -n "${lines[1]}" ] || { show; return 1; }
  done
}

@test "cli: --help after a command is that command's help" {
  run machine ls --help
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Usage: $MACHINE_NAME ls [OPTIONS] [arg...]" ]
  [ "${lines[1]}" = "List machines" ]
  [ "${lines[2]}" = "Options:" ]
}

@test "cli: ssh -h prints help (ssh parses no flags of its own)" {
  run machine ssh -h
  show
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Usage: $MACHINE_NAME ssh [arg...]" ]
}

@test "cli: help TOPIC is the command's help; an unknown topic is an error" {
  run machine help url
  [ "$status" -eq 0 ]
  [ "$output" = "$(machine url -h)" ]
  run machine help nosuch
  [ "$status" -eq 1 ]
  [ "$output" = "$MACHINE_NAME: 'nosuch' is not a $MACHINE_NAME command. See '$MACHINE_NAME --help'." ]
}

# --- driver help (driver_help.bats, driver_help_test.go) ---------------------------------------

@test "driver help: 'create -d none' without a name shows create's help with the driver's flags" {
  run machine create -d none
  show
  [ "$status" -eq 1 ]
  [[ $(grep -c none <<<"$output") -gt 0 ]]
  grep -q -- '^   --url ' <<<"$output"
  [ "${lines[-1]}" = "Error: No machine name specified" ]
}

@test "driver help: -h and --help list the driver's flags and no other driver's" {
  for h in -h --help; do
    run machine create -d none $h
    [ "$status" -eq 0 ]
    grep -q -- '^   --url ' <<<"$output"
    ! grep -q -- '--local-\|--virtualbox-\|--amazonec2-' <<<"$output"
  done
  run machine create -d local -h
  grep -q -- '--local-bridge' <<<"$output"
}

# --- create / rm (create-rm.bats, create_rm_test.go) -------------------------------------------

@test "bogus: non-existent driver fails 'machine create -d bogus bogus'" {
  run machine create -d bogus bogus
  show
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = 'Driver "bogus" not found. Do you have the plugin binary "docker-machine-driver-bogus" accessible in your PATH?' ]
  [[ ${lines[1]} == "Available drivers: "*none* ]]
}

@test "none: create with no name fails 'machine create -d none'" {
  run machine create -d none
  [ "$status" -eq 1 ]
  [ "${lines[-1]}" = "Error: No machine name specified" ]
}

@test "none: create with invalid names fails (∞ - . ..)" {
  for n in ∞ - . ..; do
    run machine create -d none --url none "$n"
    [ "$status" -eq 1 ] || { show; return 1; }
    [ "${lines[-1]}" = "Error creating machine: Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . -" ] || { show; return 1; }
  done
}

@test "none: create with weird but valid name succeeds 'machine create -d none --url none a'" {
  run machine create -d none --url none a
  show
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: $MACHINE_NAME env a" ]
}

@test "none: fail with extra argument 'machine create -d none --url none a extra'" {
  run machine create -d none --url none a extra
  show
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "Invalid command line. Found extra arguments [extra]" ]
  run machine ls -q --filter name=extra
  [ -z "$output" ]
}

@test "none: create with weird but valid name succeeds 'machine create -d none --url none 0'" {
  run machine create -d none --url none 0
  [ "$status" -eq 0 ]
}

@test "none: rm with no name fails 'machine rm -y' (help, then the error)" {
  run machine rm -y
  show
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "Usage: $MACHINE_NAME rm [OPTIONS] [arg...]" ]
  [ "${lines[-1]}" = "Error: Expected to get one or more machine names as arguments" ]
}

@test "none: rm non existent machine fails 'machine rm ∞ -y'" {
  run machine rm ∞ -y
  show
  [ "$status" -eq 1 ]
  [[ $output == *'Error removing host "∞": Docker machine "∞" does not exist.'* ]]
}

@test "none: rm is successful 'machine rm 0 -y'" {
  run machine rm 0 -y
  [ "$status" -eq 0 ]
  [ -z "$(machine ls -q --filter name=^0$)" ]
}

@test "none: rm asks for confirmation without -y: 'echo y | machine rm ba' removes" {
  run machine create -d none --url none ba
  [ "$status" -eq 0 ]
  run bash -c "echo y | $MACHINE_NAME rm ba"
  [ "$status" -eq 0 ]
  [ -z "$(machine ls -q --filter name=^ba$)" ]
}

@test "none: rm denied: 'echo n | machine rm ab' keeps the machine, exit 0" {
  run machine create -d none --url none ab
  [ "$status" -eq 0 ]
  run bash -c "echo n | $MACHINE_NAME rm ab"
  [ "$status" -eq 0 ]
  [ "$(machine ls -q --filter name=^ab$)" = ab ]
  machine rm -y ab
}

@test "none: rm -f never prompts 'machine rm -f c'" {
  run machine create -d none --url none c
  [ "$status" -eq 0 ]
  run bash -c "$MACHINE_NAME rm -f c </dev/null"
  [ "$status" -eq 0 ]
  [ "${lines[2]}" = "Successfully removed c" ]
}

@test "none: rm -f of a machine that does not exist reports it and succeeds" {
  run machine rm -f nosuchmachine
  show
  [ "$status" -eq 0 ]
  [[ $output == *'Error removing host "nosuchmachine"'* ]]
}

@test "none: rm is successful 'machine rm a'" {
  run machine rm a -y
  [ "$status" -eq 0 ]
}

# --- no name, extra arguments (inspect.bats, status.bats, url.bats, commands/*.go) -------------

@test "inspect/status/url/env/config/ip without a name and no default machine fail" {
  for cmd in inspect status url env config ip; do
    run machine "$cmd"
    [ "$status" -eq 1 ] || { show; return 1; }
    [[ $output == *'Error: No machine name(s) specified and no "default" machine exists'* ]] || { show; return 1; }
  done
}

@test "one-name commands refuse a second name (docker-machine's message for each)" {
  for cmd in inspect status url env config version; do
    run machine "$cmd" testmachine testmachine2
    [ "$status" -eq 1 ] || { show; return 1; }
    [ "${lines[-1]}" = "Error: Expected one machine name as an argument" ] || { show; return 1; }
  done
  for cmd in active ls; do
    run machine "$cmd" extra
    [ "$status" -eq 1 ] || { show; return 1; }
    [ "$output" = "Error: Too many arguments given" ] || { show; return 1; }
  done
  run machine scp onlyone
  [ "$status" -eq 1 ]
  [ "${lines[-1]}" = "Improper number of arguments" ]
}

@test "exit codes: 1 for every usage error, unknown command and unknown flag" {
  run machine nosuchcommand
  [ "$status" -eq 1 ]
  [ "$output" = "$MACHINE_NAME: 'nosuchcommand' is not a $MACHINE_NAME command. See '$MACHINE_NAME --help'." ]
  run machine ls --nosuchflag
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"flag provided but not defined: --nosuchflag"* ]]
  run machine env -u testmachine
  [ "$status" -eq 1 ]
  [ "$output" = "Error: Expected no machine name when the -u flag is present" ]
  run machine ls --timeout notanumber
  [ "$status" -eq 1 ]
  run machine create -d none nourl
  [ "$status" -eq 1 ]
}

@test "a command group without one of its commands shows its help and fails" {
  run machine network bogus
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "Usage: $MACHINE_NAME network COMMAND [arg...]" ]
  [ "${lines[-1]}" = "Error: Expected one of the commands of '$MACHINE_NAME network'" ]
}

@test "exit codes: 3 only when a pre-create check fails" {
  run machine create -d generic --generic-ip-address 127.0.0.1 \
    --generic-ssh-key "$COMPAT_TMP/no-such-key" precheck
  show
  [ "$status" -eq 3 ]
  [[ $output == *"Error with pre-create check"* ]]
  [ -z "$(machine ls -q --filter name=precheck)" ]
}

@test "errors name the program: a missing machine" {
  run machine inspect UNKNOWN
  [ "$status" -eq 1 ]
  [ "$output" = "Docker machine \"UNKNOWN\" does not exist. Use \"$MACHINE_NAME ls\" to list machines. Use \"$MACHINE_NAME create\" to add a new one." ]
}

# --- version, man pages (issue 15) ----------------------------------------------------------

@test "version: docker-machine's first line, then the commit and the libraries" {
  run machine version
  show
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(machine -v)" ]
  [[ $output == *"Git commit:"* && $output == *"libssh:"* && $output == *"OpenSSL:"* ]]
}

@test "man pages: 'help --man DIR' writes NAME.1 and one page per command from the same tables" {
  run machine help --man "$BATS_TEST_TMPDIR/man"
  [ "$status" -eq 0 ]
  [ -s "$BATS_TEST_TMPDIR/man/$MACHINE_NAME.1" ]
  for cmd in create ls env ssh; do
    page="$BATS_TEST_TMPDIR/man/$MACHINE_NAME-$cmd.1"
    [ -s "$page" ]
    # Every flag that -h shows is documented in the page.
    for f in $(machine "$cmd" -h | grep -o -- '^   --[a-z0-9-]*'); do
      grep -q -- "\\\\fB$(sed 's/-/\\\\-/g' <<<"$f")\\\\fR" "$page" || { echo "# $f missing in $page" >&3; return 1; }
    done
  done
}
