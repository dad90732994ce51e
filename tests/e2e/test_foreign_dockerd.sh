#!/usr/bin/env bash
# A generic create on a host whose dockerd was started outside the service manager (by hand, no
# init script of swarmctl's): the engine is stopped and restarted with TLS without waiting on a
# pid file dockerd already removed (it took 13 s of the 14 s create), and --debug shows each
# step's duration. Then a Docker CLI context for the machine drives the real engine
# (`docker --context gen1 info`) and `rm` removes it. The host is a bare local namespace host
# (real sshd, Debian's dockerd).
source "$(dirname "$0")/lib.sh"
e2e_setup 214 sce2e214

must "create a bare host with Docker installed (local, not provisioned)" \
  sc create -q -d local --no-provision bare1
IP=$(sc ip bare1)
KEY=$(sc inspect -f '{{.Driver.SSHKeyPath}}' bare1)
must "start dockerd by hand on the host (no init script)" sc ssh bare1 -- \
  'setsid dockerd >/var/log/hand-dockerd.log 2>&1 </dev/null & for i in $(seq 1 300); do docker version >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1'
HAND_PID=$(sc ssh bare1 -- cat /var/run/docker.pid)

IMAGES=$(bash "$(dirname "$0")/images/build.sh" "$E2E_TMP/images") || { e2e_log "FAIL: test images"; exit 1; }

# On a terminal (a pseudo-terminal from `script`), with --debug: the image load shows its bytes
# and rate, and every step its duration.
t0=$(date +%s%N)
script -qfec "$(printf '%q ' "$SWARMCTL_BIN" --debug create -d generic --generic-ip-address "$IP" \
  --generic-ssh-key "$KEY" --preload-image "$IMAGES/busybox.tar" gen1; echo '; echo "rc=$?"')" \
  /dev/null > "$E2E_TMP/create.out" 2>&1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
out=$(tr -d '\r' < "$E2E_TMP/create.out")
eq "generic create succeeds" "rc=0" "$(tail -n1 <<<"$out")"
grep -q '^rc=0$' <<<"$out" || printf '%s\n' "$out" | tail -n 30 >&2
e2e_log "generic create over a hand-started dockerd: ${ms} ms"
check "the image load shows bytes and rate on a TTY" \
  grep -qE 'Loading busybox\.tar: [0-9.]+ MiB / [0-9.]+ MiB, [0-9.]+ MiB/s' <<<"$out"
check "the image was loaded" dk gen1 image inspect busybox:latest
cfg=$(grep -oE 'step "Setting Docker configuration on the remote daemon" took [0-9.]+s' <<<"$out" | grep -oE '[0-9.]+s$')
check "--debug shows the configure step's duration" test -n "$cfg"
e2e_log "configure step: ${cfg:-?}"
check "configure step under 6 s (was 13.2 s: a wait on a removed pid file)" \
  python3 -c "import sys; sys.exit(0 if float('${cfg%s}' or 99) < 6 else 1)"
check "every step's duration is shown" test "$(grep -c 'step ".*" took' <<<"$out")" -ge 5
check "the hand-started dockerd is gone" sc ssh gen1 -- "test ! -e /proc/$HAND_PID"
check "the engine answers over TLS" dk gen1 info
check "it runs under swarmctl's init script" sc ssh gen1 -- /etc/init.d/swarmctl-docker status

export DOCKER_CONFIG=$E2E_TMP/docker-config
unset DOCKER_CONTEXT
must "swarmctl context writes a docker context" sc context gen1
check "docker --context gen1 info (real engine, TLS)" docker --context gen1 info
eq "the context's engine is the machine's" "tcp://$IP:2376" \
  "$(docker context inspect gen1 --format '{{.Endpoints.docker.Host}}')"
check "docker context use gen1 + docker ps" bash -c 'docker context use gen1 >/dev/null && docker ps'

must "rm -y removes the machines" sc rm -y gen1 bare1
check "rm removed the context" bash -c '! docker context inspect gen1 >/dev/null 2>&1'
eq "the current context is reset" default "$(docker context ls --format '{{if .Current}}{{.Name}}{{end}}' | grep -v '^$')"
