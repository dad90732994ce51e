#!/usr/bin/env bats
# docker-machine's ls suite (test/integration/cli/ls.bats before its rewrite in Go): filters on
# label, driver, state, name (regexp) and swarm, alone and combined, and --format, over five
# none-driver machines. Assertions written here, not copied.
load helpers

setup_file() {
  load helpers
  # A store of its own: the suite counts every machine in it.
  export MACHINE_STORAGE_PATH=$COMPAT_TMP/store-ls-$MACHINE_NAME
  machine create -d none --url none --engine-label app=1 testmachine5 >/dev/null
  machine create -d none --url none --engine-label foo=bar --engine-label app=1 testmachine4 >/dev/null
  machine create -d none --url none testmachine3 >/dev/null
  machine create -d none --url none testmachine2 >/dev/null
  machine create -d none --url none testmachine >/dev/null
}

teardown_file() {
  load helpers
  machine rm -y $(machine ls -q) >/dev/null
}

bootstrap_swarm() {
  local m
  for m in testswarm testswarm2 testswarm3; do
    machine ls -q --filter "name=^$m\$" | grep -q . && continue
    local master=()
    [ "$m" = testswarm ] && master=(--swarm-master)
    machine create -d none --url tcp://127.0.0.1:2375 --swarm "${master[@]}" \
      --swarm-discovery token://deadbeef "$m" >/dev/null
  done
}


@test "ls: filter on label 'machine ls --filter label=foo=bar'" {
  run machine ls --filter label=foo=bar
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[1]} =~ "testmachine4" ]]
}

@test "ls: multiple filters on label are OR'ed" {
  run machine ls --filter label=foo=bar --filter label=app=1
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [[ ${lines[1]} =~ "testmachine4" ]]
  [[ ${lines[2]} =~ "testmachine5" ]]
}

@test "ls: non-existing filter on label 'machine ls --filter label=invalid=filter'" {
  run machine ls --filter label=invalid=filter
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
}

@test "ls: filter on driver 'machine ls --filter driver=none'" {
  run machine ls --filter driver=none
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  for i in 1 2 3 4 5; do
    [[ ${lines[$i]} =~ "testmachine" ]]
  done
  [[ ${lines[2]} =~ "testmachine2" ]]
}

@test "ls: filter on driver 'machine ls -q --filter driver=none'" {
  run machine ls -q --filter driver=none
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "testmachine testmachine2 testmachine3 testmachine4 testmachine5" ]
}

@test "ls: filter on state 'machine ls --filter state=\"Running\"', and every other state" {
  run machine ls --filter state="Running"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  [[ ${lines[3]} =~ "testmachine3" ]]
  for st in None Paused Saved Stopped Stopping Starting Error; do
    run machine ls --filter state="$st"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ] || { show; return 1; }
  done
}

@test "ls: filter on state 'machine ls -q --filter state=\"Running\"'" {
  run machine ls -q --filter state="Running"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 5 ]
  [ "${lines[0]}" = testmachine ]
  [ "${lines[2]}" = testmachine3 ]
}

@test "ls: filter on name 'machine ls --filter name=\"testmachine2\"'" {
  run machine ls --filter name="testmachine2"
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[1]} =~ "testmachine2" ]]
  run machine ls -q --filter name="testmachine2"
  [ "$output" = testmachine2 ]
}

@test "ls: filter on name with regex 'machine ls --filter name=\"^t.*e\"'" {
  run machine ls --filter name="^t.*e"
  [ "${#lines[@]}" -eq 6 ]
  run machine ls -q --filter name="^t.*e"
  [ "${#lines[@]}" -eq 5 ]
  [ "${lines[0]}" = testmachine ]
}

@test "ls: filter on swarm 'machine ls --filter swarm=testswarm'" {
  bootstrap_swarm
  run machine ls --filter swarm=testswarm
  show
  [ "${#lines[@]}" -eq 4 ]
  [[ ${lines[1]} =~ "testswarm" ]]
  [[ ${lines[3]} =~ "testswarm3" ]]
  run machine ls -q --filter swarm=testswarm
  [ "${lines[*]}" = "testswarm testswarm2 testswarm3" ]
}

@test "ls: multi filter (swarm, name, driver, state) are AND'ed" {
  bootstrap_swarm
  run machine ls -q --filter swarm=testswarm --filter name="^t.*e" --filter driver=none --filter state="Running"
  [ "$status" -eq 0 ]
  [ "${lines[*]}" = "testswarm testswarm2 testswarm3" ]
  machine rm -y testswarm testswarm2 testswarm3 >/dev/null
}

@test "ls: format on driver 'machine ls --format {{ .DriverName }}'" {
  run machine ls --format '{{ .DriverName }}'
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 5 ]
  for l in "${lines[@]}"; do [ "$l" = none ]; done
}

@test "ls: format 'table {{ .Name}}: {{ .DriverName }}' has a header" {
  run machine ls --format 'table {{ .Name}}: {{ .DriverName }}'
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  [ "${lines[1]}" = "testmachine: none" ]
  [ "${lines[5]}" = "testmachine5: none" ]
}

@test "ls: a machine whose URL is no tcp:// URL ('--url none') is not looked up" {
  run machine ls --filter name=^testmachine$ --format '{{.State}} {{.DockerVersion}} {{.Error}}'
  [ "$status" -eq 0 ]
  [ "$output" = 'Running Unknown Unable to query docker version: "none" is not a tcp:// URL' ]
}

