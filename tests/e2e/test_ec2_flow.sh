#!/usr/bin/env bash
# End to end, amazonec2 driver, the whole flow create -> SSH -> Docker -> env against moto's EC2
# server on 127.0.0.1. moto only emulates the API: the "instance" is a local namespace host that
# this test brings up at the private address moto assigns, in a VPC/subnet whose CIDR is the
# test's own bridge network (192.168.208.0/24). Network rule: nothing but 127.0.0.1 (moto) and
# that namespace host is contacted (--amazonec2-use-private-address; moto's public 54.x
# addresses are never used).
source "$(dirname "$0")/lib.sh"
e2e_setup 208 sce2e208

PY=""
for c in "${SC_PYTHON:-}" python3 /root/.pyenv/shims/python3 /usr/bin/python3; do
  [ -n "$c" ] && "$c" -c 'import moto, botocore' 2>/dev/null && { PY=$c; break; }
done
e2e_require "python with moto and botocore" test -n "$PY"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PY" -m moto.server -H 127.0.0.1 -p "$PORT" > "$E2E_TMP/moto.log" 2>&1 &
MOTO_PID=$!
e2e_after_cleanup() { kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; }
for _ in $(seq 100); do  # deadline 20 s
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null && break
  sleep 0.2
done
must "moto answers on 127.0.0.1:$PORT" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
ids=$("$PY" - "$PORT" <<'PY'
import sys, botocore.session
ec2 = botocore.session.get_session().create_client(
    "ec2", region_name="us-east-1", endpoint_url="http://127.0.0.1:%s" % sys.argv[1])
vpc = ec2.create_vpc(CidrBlock="192.168.208.0/24")["Vpc"]["VpcId"]
sub = ec2.create_subnet(VpcId=vpc, CidrBlock="192.168.208.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
print(vpc, sub, ami)
PY
) || { e2e_log "FAIL: preparing the VPC in moto"; exit 1; }
read -r VPC SUBNET AMI <<< "$ids"
e2e_log "moto: vpc $VPC subnet $SUBNET ami $AMI"

must "create -d amazonec2 --no-provision in the test's subnet" sc create -d amazonec2 --no-provision \
  --amazonec2-endpoint "http://127.0.0.1:$PORT" --amazonec2-ami "$AMI" --amazonec2-vpc-id "$VPC" \
  --amazonec2-subnet-id "$SUBNET" --amazonec2-use-private-address --amazonec2-ssh-user root \
  --amazonec2-instance-type t3.micro --swarm-discovery etcd://192.168.208.1:2379 e1
IP=$(sc ip e1)
# A KV discovery URL makes swarmctl set cluster-store and cluster-advertise. Before the instance is
# seen, the interface comes from the instance type (t3 is a Nitro type: ens5); provisioning asks
# the host which interface holds the private address and puts that one in (the namespace host
# has eth0; dockerd refuses to start with an interface that does not exist).
eq "cluster-advertise guessed from the instance type" "cluster-advertise=ens5:2376" \
  "$(sc inspect -f '{{json .HostOptions.EngineOptions.ArbitraryFlags}}' e1 | grep -o 'cluster-advertise=[^"]*')"
check "the machine's address is moto's private address in our subnet ($IP)" bash -c "[[ '$IP' == 192.168.208.* ]]"
eq "state from EC2 is Running" "Running" "$(sc status e1)"

# The host behind the instance: a namespace host at that address that accepts e1's key.
must "a namespace host at $IP" sc create -q -d local --no-provision --local-ip "$IP" vm-e1
KEY=$(sc inspect -f '{{.Driver.SSHKeyPath}}' e1)
must "authorise e1's key on it" bash -c "'$SWARMCTL_BIN' ssh vm-e1 -- 'cat >> /etc/swarmctl/authorized_keys' < '$KEY.pub'"

PROV_OUT=$(sc provision e1 2>&1)
check "provision e1 over SSH (Docker + TLS)" test $? = 0
echo "$PROV_OUT" | tail -n 5 >&2
check "provision reports the interface it found" grep -q "cluster-advertise: eth0 holds $IP on the host (not ens5)" <<< "$PROV_OUT"
eq "cluster-advertise now names the interface that holds the address" "cluster-advertise=eth0:2376" \
  "$(sc inspect -f '{{json .HostOptions.EngineOptions.ArbitraryFlags}}' e1 | grep -o 'cluster-advertise=[^"]*')"
check "docker over TLS through env" dk e1 info
eq "the engine advertises the private address" "$IP:2376" "$(info_field e1 ClusterAdvertise)"
check "engine label provider=amazonec2" bash -c "$(declare -f dk); SWARMCTL_BIN='$SWARMCTL_BIN' dk e1 info -f '{{.Labels}}' | grep -q provider=amazonec2"
check "ls shows e1 Running with its Docker version" bash -c \
  "'$SWARMCTL_BIN' ls --filter name=e1 --format '{{.Name}} {{.DriverName}} {{.State}} {{.DockerVersion}}' | grep -qE '^e1 amazonec2 Running v[0-9]'"
eq "env URL is the private address" "tcp://$IP:2376" "$(sc url e1)"
must "rm e1 terminates the instance" sc rm -y e1
state=$("$PY" - "$PORT" <<'PY'
import sys, botocore.session
ec2 = botocore.session.get_session().create_client(
    "ec2", region_name="us-east-1", endpoint_url="http://127.0.0.1:%s" % sys.argv[1])
r = ec2.describe_instances()["Reservations"]
print(" ".join(i["State"]["Name"] for x in r for i in x["Instances"]))
PY
)
eq "the instance is terminated in moto" "terminated" "$state"
must "rm the namespace host" sc rm -y vm-e1
eq "nothing left in the store" "" "$(sc ls -q)"
