#!/usr/bin/env bash
# Fault injection on local hosts: `create` killed (SIGKILL, or SIGINT to its process group like a
# Ctrl-C) before the host is up, once it boots, during provisioning and during the image load;
# a create observed while it runs; dockerd killed inside a host; a record whose PID proves nothing;
# two stores on one bridge; `up` killed half way, `up` again, `down` after a partial `up`. Each
# point is reached by polling for a marker (the record, a file the provisioning writes, a status)
# or, for steps too short to catch from outside, by $SWARMCTL_FAILPOINT (the process stops itself
# there); never by a fixed sleep. The process is frozen (SIGSTOP) at the point, then killed. After
# each: `ls` tells the truth, `rm -y -f` or `provision` recovers, and nothing is left (processes,
# netns mount, veth, lease, upper layer; lib.sh's snapshot diff checks links, mounts, iptables and
# daemons at the end).
source "$(dirname "$0")/lib.sh"
e2e_setup 216 sce2e216
IMAGES=$("$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: building test images"; exit 1; }
STORE=$SWARMCTL_STORAGE_PATH
LEASES=/run/swarmctl/leases/$E2E_BRIDGE
# Two more stores (case 7), the second one's path full of shell syntax.
A=$E2E_TMP/A
B="$E2E_TMP/B \$(touch $E2E_TMP/pwned) \`touch $E2E_TMP/pwned\` \"q\""
e2e_after_cleanup() {  # machines of the other stores, should the test stop half way
  local st names
  for st in "$A" "$B"; do
    names=$(ls "$st/machines" 2>/dev/null)
    [ -z "$names" ] || "$SWARMCTL_BIN" -s "$st" rm -f -y $names >/dev/null 2>&1
  done
}

# wait_for WHAT SECONDS cmd... : polls cmd every 20 ms until it succeeds (deadline SECONDS).
wait_for() {
  local what=$1 end=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $end ]; then e2e_log "FAIL (fatal): timed out waiting for $what"; exit 1; fi
    sleep 0.02
  done
}
field() {  # store machine key: a key of the record (Swarmctl.Status or Driver.HostID)
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]+"/machines/"+sys.argv[2]+"/config.json")); print(d["Swarmctl"]["Status"] if sys.argv[3]=="Status" else d["Driver"][sys.argv[3]])' "$@" 2>/dev/null
}
row() { sc ls --filter "name=$1" --format '{{.State}}|{{.Error}}'; }
# start_create NAME LOG args... : `create` as the leader of its own process group (PID = PGID),
# SIGINT at its default (bash starts background commands with it ignored); $FAILPOINT, when set,
# names the step where it stops itself.
start_create() {
  local name=$1 log=$2
  shift 2
  SWARMCTL_FAILPOINT=${FAILPOINT:-} setsid env --default-signal=INT "$SWARMCTL_BIN" create -d local \
    "$@" "$name" > "$log" 2>&1 &
  CREATE_PID=$!
}
stopped() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]; }
# freeze_and KILL|INT : stops the create's group where it is, then sends the signal to all of it.
freeze_and() {
  kill -STOP -- -"$CREATE_PID" 2>/dev/null
  kill -"$1" -- -"$CREATE_PID" 2>/dev/null
  kill -CONT -- -"$CREATE_PID" 2>/dev/null
  wait "$CREATE_PID" 2>/dev/null
}
# nothing_left HOSTID MACHINE_DIR : every resource a record names is gone.
nothing_left() {
  local id=$1 dir=$2 left=""
  [ -e "/run/swarmctl/hosts/$id" ] && left+=" upper-layer"
  grep -q " /run/swarmctl/netns/$id " /proc/self/mountinfo && left+=" netns-mount"
  ip link show "scv$id" >/dev/null 2>&1 && left+=" veth"
  grep -qxF "$dir" "$LEASES"/* 2>/dev/null && left+=" lease"
  pgrep -f "__local-host-init /run/swarmctl/hosts/$id/" >/dev/null && left+=" init"
  [ -z "$left" ] || { echo "left behind:$left"; return 1; }
}
interrupted_then_rm() {  # label name : ls says interrupted, rm -y -f cleans up everything
  local label=$1 name=$2 id state
  id=$(field "$STORE" "$name" HostID)
  state=$(row "$name")
  check "$label: ls says Error, the create was interrupted ($state)" \
    bash -c "[[ '$state' == Error\|*'create was interrupted'* ]]"
  must "$label: rm -y -f" sc rm -y -f "$name"
  check "$label: nothing left" nothing_left "$id" "$STORE/machines/$name"
}

# 1. SIGKILL as soon as the record exists (before the host is up).
start_create k1 "$E2E_TMP/k1.log" --no-provision
wait_for "k1's record" 20 test -e "$STORE/machines/k1/config.json"
freeze_and KILL
interrupted_then_rm "SIGKILL before the host is up" k1

# 2. SIGINT to the group once the host runs but before its record names its init: the orphan
#    host of the issue (init, sshd, lease, bridge, NAT).
FAILPOINT=local-booted start_create k2 "$E2E_TMP/k2.log" --no-provision
wait_for "k2 at local-booted" 30 stopped "$CREATE_PID"
id2=$(field "$STORE" k2 HostID)
check "the host runs (its init wrote its PID)" test -s "/run/swarmctl/hosts/$id2/init.pid"
freeze_and INT
eq "SIGINT after the boot: the record is still 'creating'" creating "$(field "$STORE" k2 Status)"
eq "SIGINT after the boot: the record names no PID" 0 "$(field "$STORE" k2 Pid)"
interrupted_then_rm "SIGINT once the host runs" k2

# 3. During provisioning (the engine's certificate is on the host): while frozen, ls says
#    Creating and rm refuses; after SIGKILL, ls says interrupted and `provision` finishes it.
start_create p1 "$E2E_TMP/p1.log"
wait_for "p1's record" 20 test -e "$STORE/machines/p1/config.json"
idp=$(field "$STORE" p1 HostID)
wait_for "p1's engine configuration" 120 test -e "/run/swarmctl/hosts/$idp/upper/etc/docker/server.pem"
kill -STOP -- -"$CREATE_PID"
state=$(row p1)
eq "a create in progress: ls says Creating, no error" "Creating|" "$state"
check "a create in progress: ls suggests nothing" bash -c "! sc ls 2>&1 | grep -q 'rm -f'"
out=$(sc rm -y -f p1 2>&1); rc=$?
check "a create in progress: rm -f refuses ($rc: $out)" bash -c "[ $rc -ne 0 ] && grep -q 'being created' <<< '$out'"
freeze_and KILL
state=$(row p1)
check "SIGKILL during provisioning: ls says so ($state)" bash -c "[[ '$state' == *'interrupted while provisioning'* ]]"
must "SIGKILL during provisioning: provision recovers" sc provision p1
eq "after provision: Running, no error" "Running|" "$(row p1)"
check "after provision: docker answers" dk p1 version

# 4. SIGINT during the image load (stopped after the first of two archives).
cp "$IMAGES/busybox.tar" "$E2E_TMP/bb2.tar"
FAILPOINT=image-loaded start_create l1 "$E2E_TMP/l1.log" \
  --preload-image "$IMAGES/busybox.tar" --preload-image "$E2E_TMP/bb2.tar"
wait_for "l1 at image-loaded" 180 stopped "$CREATE_PID"
freeze_and INT
eq "SIGINT during the image load: the record says provisioning" provisioning "$(field "$STORE" l1 Status)"
idl=$(field "$STORE" l1 HostID)
state=$(row l1)
check "SIGINT during the image load: ls says so ($state)" bash -c "[[ '$state' == *'interrupted while provisioning'* ]]"
must "SIGINT during the image load: rm -y -f" sc rm -y -f l1
check "SIGINT during the image load: nothing left" nothing_left "$idl" "$STORE/machines/l1"

# 5. dockerd killed inside a host: ls shows it; provision, then restart, bring it back.
sc ssh p1 -- 'kill -9 $(cat /run/swarmctl-docker.pid)' >/dev/null 2>&1
wait_for "ls to report p1's dead engine" 20 bash -c "'$SWARMCTL_BIN' ls --filter name=p1 --format '{{.Error}}' | grep -q ."
must "dead dockerd: provision brings it back" sc provision p1
eq "dead dockerd: after provision, no error" "Running|" "$(row p1)"
sc ssh p1 -- 'kill -9 $(cat /run/swarmctl-docker.pid)' >/dev/null 2>&1
wait_for "ls to report p1's dead engine again" 20 bash -c "'$SWARMCTL_BIN' ls --filter name=p1 --format '{{.Error}}' | grep -q ."
must "dead dockerd: restart brings it back" sc restart p1
eq "dead dockerd: after restart, no error" "Running|" "$(row p1)"

# 6. A record whose PID proves nothing (PidStartTime 0) names an unrelated process: kill/rm never
#    signal it; the host's own init is still found through the PID file it wrote at boot.
sleep 600 &
bystander=$!
python3 - "$STORE/machines/p1/config.json" "$bystander" <<'EOF'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["Driver"]["Pid"] = int(sys.argv[2]); d["Driver"]["PidStartTime"] = 0
open(p, "w").write(json.dumps(d, indent=4))
EOF
must "unproven PID: kill" sc kill p1
eq "unproven PID: the host is stopped" Stopped "$(sc status p1)"
check "unproven PID: the unrelated process lives" kill -0 "$bystander"
must "unproven PID: rm -y" sc rm -y p1
check "unproven PID: the unrelated process still lives" kill -0 "$bystander"
kill "$bystander"; wait "$bystander" 2>/dev/null
check "unproven PID: nothing left" nothing_left "$idp" "$STORE/machines/p1"

# 7. Two stores on one bridge, B's path full of shell syntax: removing all of A leaves B's host
#    working; `env` of B evaluates in bash, fish and tcsh without running anything.
must "store A: a1" sc -s "$A" create -q -d local --no-provision a1
must "store B: b1" sc -s "$B" create -q -d local b1
must "store A: rm a1 (the last host of A)" sc -s "$A" rm -y a1
check "store B: b1 still answers over SSH" sc -s "$B" ssh b1 -- true
check "store B: the bridge is still there" ip link show "$E2E_BRIDGE"
check "store B: b1 reaches its gateway" sc -s "$B" ssh b1 -- "timeout 3 bash -c '</dev/tcp/${E2E_CIDR%/*}/9 2>/dev/null; [ \$? -ne 124 ]'"
check "store B: env evaluates in bash, docker answers" bash -c "eval \"\$('$SWARMCTL_BIN' -s \"\$1\" env --shell bash b1)\" && docker version" _ "$B"
for shell in fish tcsh; do
  if command -v $shell >/dev/null; then
    out=$(sc -s "$B" env --shell $shell b1 > "$E2E_TMP/env.$shell" && $shell -c "source $E2E_TMP/env.$shell; printenv DOCKER_CERT_PATH" 2>&1)
    eq "store B: env for $shell gives the store path back" "$B/machines/b1" "$out"
  else
    check "$shell is installed" false
  fi
done
check "store B: no code ran from the store path" test ! -e "$E2E_TMP/pwned"
must "store B: rm b1" sc -s "$B" rm -y b1
check "the bridge went with the last host of both stores" bash -c "! ip link show '$E2E_BRIDGE' 2>/dev/null"
eq "no lease left" "" "$(ls "$LEASES" 2>/dev/null)"

# 8. `up` killed half way (the master provisioned, the node being made), then `up` again
#    converges; `down` after a partial `up` removes what there is.
cat > "$E2E_TMP/ft.yml" <<EOF
cluster: ft
driver: local
swarm: {mode: swarm-mode, master: ftm}
nodes: {prefix: ftn, count: 1}
EOF
start_up() {
  setsid env --default-signal=INT "$SWARMCTL_BIN" up -f "$E2E_TMP/ft.yml" > "$E2E_TMP/up.log" 2>&1 &
  CREATE_PID=$!
}
master_done_node_started() {
  [ "$(field "$STORE" ftm Status)" = provisioned ] && [ -e "$STORE/machines/ftn0/config.json" ]
}
start_up
wait_for "the master provisioned and the node's record" 180 master_done_node_started
freeze_and KILL
state=$(row ftn0)
check "up killed half way: ls tells ($state)" bash -c "[[ '$state' == *interrupted* ]]"
must "up again converges" sc up -f "$E2E_TMP/ft.yml"
eq "up again: every machine Running without error" "Running|,Running|," \
  "$(sc ls --format '{{.State}}|{{.Error}}' --filter label=swarmctl.cluster=ft | tr '\n' ',')"
eq "up again: the swarm has both nodes Ready" 2 \
  "$(dk ftm node ls --format '{{.Hostname}} {{.Status}}' | grep -c ' Ready$')"
must "down" sc down -f "$E2E_TMP/ft.yml"
eq "down: nothing left in the store" "" "$(sc ls -q)"
start_up
wait_for "the node's record" 180 test -e "$STORE/machines/ftn0/config.json"
freeze_and KILL
must "down after a partial up" sc down -f "$E2E_TMP/ft.yml"
eq "down after a partial up: nothing left in the store" "" "$(sc ls -q)"
eq "down after a partial up: no lease left" "" "$(ls "$LEASES" 2>/dev/null)"
