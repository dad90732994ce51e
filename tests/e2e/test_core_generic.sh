#!/usr/bin/env bash
# End to end, core issue: `swarmctl create -d generic` adopts an existing Linux host over SSH,
# installs/configures Docker with TLS, and the docker client drives it through `env`.
# The "existing hosts" are local namespace hosts created bare (--no-provision): a real sshd and,
# for one of them, NO Docker (purged inside the host) so the apt install path runs for real.
source "$(dirname "$0")/lib.sh"
e2e_setup 201 sce2e201

must "create a bare host with Docker preinstalled (local, not provisioned)" sc create -q -d local --no-provision bare1
must "create a bare host without Docker (local, not provisioned)" sc create -q -d local --local-no-docker --no-provision bare2
IP1=$(sc ip bare1)
IP2=$(sc ip bare2)
KEY1=$(sc inspect -f '{{.Driver.SSHKeyPath}}' bare1)
KEY2=$(sc inspect -f '{{.Driver.SSHKeyPath}}' bare2)

# Hostile values must arrive verbatim and never run.
must "generic create on a host that has Docker" \
  sc create -d generic --generic-ip-address "$IP1" --generic-ssh-key "$KEY1" \
  --engine-label 'x=$(touch /tmp/pwned)' --engine-label 'quote=it'"'"'s "a b" `id`' \
  --engine-env 'HOSTILE=$(touch /tmp/pwned-env) and spaces' gen1
check "docker info works over TLS through env" dk gen1 info
labels=$(dk gen1 info --format '{{json .Labels}}')
check "label with \$() arrives verbatim" grep -qF 'x=$(touch /tmp/pwned)' <<<"$labels"
check "label with quotes/backticks arrives verbatim" grep -qF 'quote=it'"'"'s \"a b\" `id`' <<<"$labels"
check "provider label added" grep -qF 'provider=generic' <<<"$labels"
check "nothing ran on the host (no /tmp/pwned*)" sc ssh gen1 -- 'test ! -e /tmp/pwned && test ! -e /tmp/pwned-env'
check "nothing ran on the machine" test ! -e /tmp/pwned
check "engine env arrives verbatim" sc ssh gen1 -- 'tr "\0" "\n" < /proc/$(cat /run/swarmctl-docker.pid)/environ | grep -qxF "HOSTILE=\$(touch /tmp/pwned-env) and spaces"'
ls_line=$(sc ls --filter name=gen1 --format '{{.Name}} {{.DriverName}} {{.State}} {{.URL}} {{.DockerVersion}}')
check "ls shows Running and the Docker version" grep -qE "^gen1 generic Running tcp://$IP1:2376 v20\.10\." <<<"$ls_line"
eq "url" "tcp://$IP1:2376" "$(sc url gen1)"
eq "status" "Running" "$(sc status gen1)"
# env keeps the session dockerd hands out and resumes it: with the client key made unreadable
# (same inode, size and mtime, other bytes) env still works only if nothing was re-read.
d1="$SWARMCTL_STORAGE_PATH/machines/gen1"
rm -f "$d1/tls-session"
check "env keeps dockerd's TLS session (mode 0600)" bash -c "sc() { \"$SWARMCTL_BIN\" \"\$@\"; }; sc env gen1 >/dev/null && test \"\$(stat -c %a '$d1/tls-session')\" = 600"
cp -p "$d1/key.pem" "$E2E_TMP/key.bak"
head -c "$(stat -c %s "$d1/key.pem")" /dev/zero | tr '\0' x | dd of="$d1/key.pem" conv=notrunc status=none
touch -r "$E2E_TMP/key.bak" "$d1/key.pem"
check "a second env resumes it without reading the key" sc env gen1
dd if="$E2E_TMP/key.bak" of="$d1/key.pem" conv=notrunc status=none
touch -r "$E2E_TMP/key.bak" "$d1/key.pem"
check "env still checks a changed engine in full" bash -c "sc() { \"$SWARMCTL_BIN\" \"\$@\"; }; touch '$d1/ca.pem' && sc env gen1 >/dev/null"
check "server key is 0600 on the host" sc ssh gen1 -- 'test "$(stat -c %a /etc/docker/server-key.pem)" = 600'
check "ssh passes the exit code through" bash -c "sc() { \"$SWARMCTL_BIN\" \"\$@\"; }; sc ssh gen1 -- exit 7; test \$? -eq 7"
check "provision is idempotent" sc provision gen1
check "docker still answers after provision" dk gen1 version
check "regenerate-certs -f keeps TLS working" bash -c "\"$SWARMCTL_BIN\" regenerate-certs -f gen1 && eval \"\$(\"$SWARMCTL_BIN\" env --shell bash gen1)\" && docker version >/dev/null"

must "generic create on a host WITHOUT Docker installs it (apt inside the host)" \
  sc create -d generic --generic-ip-address "$IP2" --generic-ssh-key "$KEY2" gen2
check "docker info on the freshly installed engine" dk gen2 info
check "the machine's own docker.io was not touched" dpkg -s docker.io

# Bad input: one clear line, non-zero exit, nothing created.
out=$(sc create -d generic --generic-ssh-key "$KEY1" 'bad_name!' 2>&1); rc=$?
eq "bad machine name exits 1" 1 "$rc"
eq "bad machine name is one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check "no record for the bad name" test ! -e "$SWARMCTL_STORAGE_PATH/machines/bad_name!"
out=$(sc create -d generic --generic-ip-address 192.168.201.250 --generic-ssh-key /nonexistent g3 2>&1); rc=$?
eq "missing key is a pre-create error (exit 3)" 3 "$rc"
check "nothing left of g3" test ! -e "$SWARMCTL_STORAGE_PATH/machines/g3"

must "rm -y removes the generic machines" sc rm -y gen1 gen2
check "ls no longer lists them" bash -c "! \"$SWARMCTL_BIN\" ls -q | grep -q gen"
must "rm -y removes the bare hosts" sc rm -y bare1 bare2
