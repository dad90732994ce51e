#!/usr/bin/env bash
# End to end, virtualbox driver, WITHOUT VirtualBox: tests/e2e/virtualbox/VBoxManage is a
# stand-in (python) put first on PATH. It speaks VBoxManage's command syntax and output formats
# and keeps its registry in a JSON file; its "VMs" are local-driver namespace hosts booted at the
# address the DHCP server fixed for NIC 2, with 127.0.0.1:<natpf port> forwarded to their sshd and
# the key taken from the boot2docker userdata disk. So this checks swarmctl's side for real:
# every VBoxManage call it makes (logged and asserted below), the userdata disk format, the SSH
# endpoint through the NAT forward, provisioning over SSH as "docker", TLS certs for the fixed
# host-only IP, `env` + `docker info` over TLS, stop/start keeping the IP (certs stay valid), rm.
# It does not check VirtualBox itself (real boot2docker, NAT, DHCP): see drivers/virtualbox/README.md.
#
# SWARMCTL_E2E_DRIVER=virtualbox with a real VBoxManage on PATH runs the same steps against
# VirtualBox instead of the stand-in (the ISO from VIRTUALBOX_BOOT2DOCKER_URL, default: the last
# boot2docker release, downloaded once into the store's cache).
source "$(dirname "$0")/lib.sh"
e2e_setup 210 scvb210
HERE=$(cd "$(dirname "$0")" && pwd)
REAL=false
if [ "${SWARMCTL_E2E_DRIVER:-}" = virtualbox ]; then
  e2e_require "a real VBoxManage on PATH (SWARMCTL_E2E_DRIVER=virtualbox)" bash -c \
    "command -v VBoxManage && [ \"\$(readlink -f \"\$(command -v VBoxManage)\")\" != '$HERE/virtualbox/VBoxManage' ]"
  REAL=true
fi
e2e_require python3 command -v python3
$REAL || e2e_require "isoinfo (genisoimage: the stand-in reads the NoCloud seed with it)" command -v isoinfo

export FAKE_VBOX_DIR="$E2E_TMP/vbox" FAKE_VBOX_SWARMCTL="$SWARMCTL_BIN" FAKE_VBOX_IFPREFIX=scvbnet
VB_CIDR=192.168.$E2E_OCTET.1/24
CREATE_ARGS=(--virtualbox-no-share)
if ! $REAL; then
  mkdir -p "$E2E_TMP/bin" "$FAKE_VBOX_DIR"
  ln -s "$HERE/virtualbox/VBoxManage" "$E2E_TMP/bin/VBoxManage"
  export PATH="$E2E_TMP/bin:$PATH"
  # An ISO9660 header with boot2docker's volume id is all the stand-in needs; served by file://.
  python3 -c '
import sys
iso = bytearray(0x9000); iso[0x8000] = 1; iso[0x8001:0x8006] = b"CD001"
iso[0x8028:0x8048] = b"boot2docker-v19.03.12".ljust(32)
open(sys.argv[1], "wb").write(iso)' "$E2E_TMP/boot2docker.iso"
  # Served over loopback HTTP (never the Internet): the download path with Content-Length checks.
  HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "$E2E_TMP" "$HTTP_PORT" >/dev/null 2>&1 &
  HTTP_PID=$!
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/boot2docker.iso" && break; sleep 0.1; done
  CREATE_ARGS+=(--virtualbox-boot2docker-url "http://127.0.0.1:$HTTP_PORT/boot2docker.iso" --virtualbox-hostonly-cidr "$VB_CIDR"
                --virtualbox-disk-size 64 --virtualbox-no-vtx-check)  # this machine may lack VT-x: the stand-in needs none
fi

# Cleanup, also on failure: machines of the test store (through the driver), then whatever the
# stand-in still runs (port forwarders by PID, namespace hosts of its private store).
vbox_cleanup() {
  set +e
  [ -n "${HTTP_PID:-}" ] && kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID" 2>/dev/null
  local names
  names=$(ls "$E2E_TMP/store/machines" 2>/dev/null)
  [ -n "$names" ] && "$SWARMCTL_BIN" rm -f -y $names >/dev/null 2>&1
  if [ -f "$FAKE_VBOX_DIR/state.json" ]; then
    for pid in $(python3 -c 'import json,sys; print(" ".join(str(v.get("forwarder_pid", 0)) for v in json.load(open(sys.argv[1]))["vms"].values()))' "$FAKE_VBOX_DIR/state.json"); do
      [ "$pid" != 0 ] && kill -9 "$pid" 2>/dev/null
    done
  fi
  names=$(ls "$FAKE_VBOX_DIR/hosts/machines" 2>/dev/null)
  [ -n "$names" ] && "$SWARMCTL_BIN" -s "$FAKE_VBOX_DIR/hosts" rm -f -y $names >/dev/null 2>&1
}
trap 'rc=$?; vbox_cleanup; (exit $rc); e2e_teardown' EXIT

calls() { cat "$FAKE_VBOX_DIR/calls.log" 2>/dev/null; }
mark_calls() { : > "$FAKE_VBOX_DIR/calls.log"; }

must "create -d virtualbox vb1 (pre-create, VM, boot, provisioning)" sc create -d virtualbox "${CREATE_ARGS[@]}" vb1
$REAL || e2e_log "FIGURE create (first VM, new adapter): $(calls | wc -l) VBoxManage calls"
if ! $REAL; then
  check "ISO downloaded over HTTP into STORE/cache" cmp "$E2E_TMP/boot2docker.iso" "$(ls $E2E_TMP/store/cache/boot2docker-*.iso)"
  for c in "--version" "convertfromraw $E2E_TMP/store/machines/vb1/userdata.raw $E2E_TMP/store/machines/vb1/disk.vmdk --format VMDK" \
           "createvm --basefolder $E2E_TMP/store/machines/vb1 --name vb1 --register" "hostonlyif create" \
           "dhcpserver modify --netname HostInterfaceNetworking-scvbnet0 --vm vb1 --nic 2 --fixed-address 192.168.$E2E_OCTET.10" \
           "startvm vb1 --type headless"; do
    check "VBoxManage $c" grep -qxF -- "$c" "$FAKE_VBOX_DIR/calls.log"
  done
  eq "fixed host-only address" "192.168.$E2E_OCTET.10" "$(sc ip vb1)"
fi
IP=$(sc ip vb1)
eq "status Running" Running "$(sc status vb1)"
eq "SSH user is docker (through the NAT port forward)" docker "$(sc ssh vb1 -- 'echo $USER')"
check "ssh endpoint is 127.0.0.1" bash -c "sc() { \"$SWARMCTL_BIN\" \"\$@\"; }; sc inspect -f '{{.Driver.SSHPort}}' vb1 | grep -qE '^[0-9]+$'"
eq "url" "tcp://$IP:2376" "$(sc url vb1)"
must "docker info over TLS (env)" dk vb1 info
eq "env names the machine" "export DOCKER_MACHINE_NAME=\"vb1\"" "$(sc env --shell bash vb1 | grep DOCKER_MACHINE_NAME)"

mark_calls
t0=$(date +%s%N)
row=$(sc ls --filter name=vb1 --format '{{.Name}} {{.DriverName}} {{.State}} {{.URL}}')
t1=$(date +%s%N)
eq "ls row" "vb1 virtualbox Running tcp://$IP:2376" "$row"
e2e_log "ls: $(( (t1 - t0) / 1000000 )) ms, VBoxManage calls: $(calls | wc -l) ($(calls | tr '\n' ';'))"

# ls with 50 more machines (records cloned from vb1, "running" in the stand-in's registry, same
# engine address): one `list runningvms` for all of them, whatever their number.
if ! $REAL; then
  python3 - "$E2E_TMP/store/machines" "$FAKE_VBOX_DIR/state.json" <<'PY'
import json, os, shutil, sys, uuid
machines, state = sys.argv[1], sys.argv[2]
rec = json.load(open(os.path.join(machines, "vb1", "config.json")))
st = json.load(open(state))
for i in range(50):
    n = "many%02d" % i
    r = json.loads(json.dumps(rec)); r["Name"] = n; r["Driver"]["MachineName"] = n
    u = str(uuid.uuid4()); r["Driver"]["UUID"] = u
    os.makedirs(os.path.join(machines, n), mode=0o700)
    json.dump(r, open(os.path.join(machines, n, "config.json"), "w"))
    st["vms"][n] = {"uuid": u, "cfgfile": "/nonexistent/%s.vbox" % n, "state": "running", "media": []}
json.dump(st, open(state, "w"))
PY
  mark_calls
  t0=$(date +%s%N)
  n=$(sc ls --format '{{.Name}} {{.State}}' | grep -c ' Running$')
  t1=$(date +%s%N)
  eq "ls of 51 VMs: all Running" 51 "$n"
  eq "ls of 51 VMs: one VBoxManage call" "list runningvms" "$(calls | tr '\n' ';' | sed 's/;$//')"
  e2e_log "FIGURE ls (51 VMs, Docker version of each over TLS): $(( (t1 - t0) / 1000000 )) ms, VBoxManage calls: $(calls | wc -l)"
  t0=$(date +%s%N); sc ls -q >/dev/null; t1=$(date +%s%N)
  e2e_log "FIGURE ls -q (51 VMs): $(( (t1 - t0) / 1000000 )) ms"
  python3 - "$E2E_TMP/store/machines" "$FAKE_VBOX_DIR/state.json" <<'PY'
import json, os, shutil, sys
machines, state = sys.argv[1], sys.argv[2]
st = json.load(open(state))
for i in range(50):
    n = "many%02d" % i
    shutil.rmtree(os.path.join(machines, n)); del st["vms"][n]
json.dump(st, open(state, "w"))
PY
fi

# A second VM from a cloud image (--virtualbox-image): clonemedium + NoCloud seed ISO; the
# stand-in reads the key from the seed's user-data and checks network-config names NIC 2 eth1.
IMAGE=${VIRTUALBOX_E2E_IMAGE:-}
if ! $REAL; then IMAGE="$E2E_TMP/cloud.qcow2"; printf 'QFI\373 stand-in cloud image\n' > "$IMAGE"; fi
if [ -n "$IMAGE" ]; then
  if $REAL; then
    must "create -d virtualbox --virtualbox-image vb2" sc create -d virtualbox "${CREATE_ARGS[@]}" --virtualbox-image "$IMAGE" vb2
  else
    # A 6.1 VBoxManage without `dhcpserver restart` while vb1 runs: create goes on, with one warning.
    VB2_OUT=$(FAKE_VBOX_NO_DHCP_RESTART=1 sc create -d virtualbox "${CREATE_ARGS[@]}" --virtualbox-image "$IMAGE" vb2 2>&1)
    check "create -d virtualbox --virtualbox-image vb2 (no dhcpserver restart)" test $? = 0
    printf '%s\n' "$VB2_OUT" | sed 's/^/  create vb2: /' >&2
    check "vb2: the missing dhcpserver restart is one warning" grep -q "this VirtualBox has no \`dhcpserver restart\` (Unknown subcommand: restart)" <<< "$VB2_OUT"
  fi
  $REAL || eq "vb2: next fixed address on the same adapter" "192.168.$E2E_OCTET.11" "$(sc ip vb2)"
  $REAL || check "vb2: one host-only adapter for both VMs" bash -c "! grep -qx 'hostonlyif create' <(sed -n '/createvm.*vb2/,\$p' $FAKE_VBOX_DIR/calls.log)"
  eq "vb2: SSH user is docker" docker "$(sc ssh vb2 -- 'echo $USER')"
  check "vb2: docker info over TLS" dk vb2 info
  mark_calls
  t0=$(date +%s%N)
  rows=$(sc ls --format '{{.Name}} {{.State}}' | tr '\n' ' ')
  t1=$(date +%s%N)
  eq "ls of two VMs" "vb1 Running vb2 Running " "$rows"
  $REAL || eq "ls of two VMs: one VBoxManage call" "list runningvms" "$(calls | tr '\n' ';' | sed 's/;$//')"
  e2e_log "ls (2 VMs): $(( (t1 - t0) / 1000000 )) ms, VBoxManage calls: $(calls | wc -l)"
  must "rm vb2" sc rm -y vb2
fi

if ! $REAL; then
  # A create that fails once its VM exists (startvm refused): the create flow removes the VM, its
  # fixed address and the record (the driver does not roll back itself: drivers/driver.hpp).
  VB3_OUT=$(FAKE_VBOX_FAIL="startvm vb3" sc create -d virtualbox "${CREATE_ARGS[@]}" vb3 2>&1)
  check "create vb3 with a failing startvm exits 1" test $? = 1
  check "vb3: the VM was created before the failure" grep -qx "createvm --basefolder $E2E_TMP/store/machines/vb3 --name vb3 --register" "$FAKE_VBOX_DIR/calls.log"
  check "vb3: the failure is reported" grep -q "injected failure of: startvm vb3" <<< "$VB3_OUT"
  eq "vb3: no record left" "vb1" "$(sc ls -q | tr '\n' ' ' | sed 's/ $//')"
  check "vb3: no machine directory left" test ! -e "$E2E_TMP/store/machines/vb3"
  eq "vb3: no VM left in the stand-in's registry" "False" "$(python3 -c 'import json,sys; print("vb3" in json.load(open(sys.argv[1]))["vms"])' "$FAKE_VBOX_DIR/state.json")"
fi

mark_calls
must "stop vb1 (ACPI power button)" sc stop vb1
$REAL || e2e_log "FIGURE stop: $(calls | wc -l) VBoxManage calls ($(calls | cut -d' ' -f1-3 | tr '\n' ';'))"
eq "status Stopped" Stopped "$(sc status vb1)"
mark_calls
must "start vb1" sc start vb1
$REAL || e2e_log "FIGURE start: $(calls | wc -l) VBoxManage calls ($(calls | cut -d' ' -f1-3 | tr '\n' ';'))"
eq "same IP after stop/start" "$IP" "$(sc ip vb1)"
check "docker over TLS after restart, certificates unchanged" dk vb1 info
must "restart vb1" sc restart vb1
eq "same IP after restart" "$IP" "$(sc ip vb1)"
if ! $REAL; then
  # The guest comes back with another host-only address (the stand-in's DHCP ignores the fixed
  # lease this once): start asks the guest, records the address and regenerates the certificate.
  NEWIP=192.168.$E2E_OCTET.50
  must "stop vb1 before the address change" sc stop vb1
  echo "$NEWIP" > "$FAKE_VBOX_DIR/dhcp-override-vb1"
  START_OUT=$(sc start vb1 2>&1)
  check "start with a changed guest address" test $? = 0
  printf '%s\n' "$START_OUT" | sed 's/^/  start: /' >&2
  rm -f "$FAKE_VBOX_DIR/dhcp-override-vb1"
  check "start notices the guest's address" grep -q "vb1 has $NEWIP in .*, not $IP" <<< "$START_OUT"
  check "start regenerates the TLS certificate" grep -q "regenerating its TLS certificate" <<< "$START_OUT"
  eq "ip is the guest's address" "$NEWIP" "$(sc ip vb1)"
  check "docker over TLS at the new address" dk vb1 info
  IP=$NEWIP
fi
must "kill vb1" sc kill vb1
eq "status Stopped after kill" Stopped "$(sc status vb1)"

mark_calls
must "rm vb1" sc rm -y vb1
check "rm: unregistervm --delete" grep -qx "unregistervm --delete vb1" "$FAKE_VBOX_DIR/calls.log"
$REAL || e2e_log "FIGURE rm: $(calls | wc -l) VBoxManage calls ($(calls | cut -d' ' -f1-3 | tr '\n' ';'))"
eq "ls is empty" "" "$(sc ls -q)"
if ! $REAL; then
  eq "no VM left in the stand-in's registry" "0" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vms"]))' "$FAKE_VBOX_DIR/state.json")"
  eq "no namespace host left" "" "$(ls "$FAKE_VBOX_DIR/hosts/machines" 2>/dev/null)"
fi
