#!/usr/bin/env python3
"""Builds the test images as docker-archive tarballs (what `docker save` writes), without a
Docker engine: no registry is reachable here, so tests `docker load` these into their hosts
(swarmctl create --preload-image / cluster file `images:`).

Images (from Debian packages of this machine, and the classic Swarm built from source):
  busybox:latest                 busybox-static, PATH=/bin
  swarmctl/hello:latest          busybox + tiny HTTP services on :8080 (nc -ll -e), the seed
  swarmctl/world:latest            walkthrough's three services: serve-word answers $WORD (Hello,
  swarmctl/hello-world:latest      World), serve-hello-world asks hello and world BY NAME and
                                   answers "Hello World"; one archive, one shared layer
  quay.io/coreos/etcd:v3.4.23    Debian's etcd 3.4 binary (+ its libc) — a REAL etcd
  swarm:latest                   the REAL classic Swarm 1.2.9 (/swarm, built from source by
                                 build_swarm.sh; $SWARM_BINARY), laid out like the public image
  progrium/consul:latest         STAND-IN for Consul (no source can be built here): records argv,
                                 answers GET /v1/status/leader on 8500. Checks command line and
                                 health probe only.
  zookeeper:3.8                  STAND-IN for ZooKeeper (no source can be built here): records
                                 argv and env, answers the four-letter words `ruok` (imok) and
                                 `stat` on 2181.
usage: build.py OUTDIR   (prints OUTDIR; writes <name>.tar files)
"""
import hashlib, io, json, os, subprocess, sys, tarfile, time

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
MTIME = 1700000000


def add_file(tar, path, data, mode=0o755):
    ti = tarfile.TarInfo(path)
    ti.size, ti.mode, ti.mtime = len(data), mode, MTIME
    tar.addfile(ti, io.BytesIO(data))


def add_dir(tar, path, mode=0o755):
    ti = tarfile.TarInfo(path)
    ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, mode, MTIME
    tar.addfile(ti)


def add_link(tar, path, target):
    ti = tarfile.TarInfo(path)
    ti.type, ti.linkname, ti.mtime, ti.mode = tarfile.SYMTYPE, target, MTIME, 0o777
    tar.addfile(ti)


def busybox_layer(tar):
    for d in ["bin", "etc", "tmp", "root", "var", "srv", "proc", "sys", "dev"]:
        add_dir(tar, d, 0o1777 if d == "tmp" else 0o755)
    add_file(tar, "bin/busybox", open("/bin/busybox", "rb").read())
    applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True, check=True).stdout.split()
    for a in applets:
        if a != "busybox":
            add_link(tar, "bin/" + a, "busybox")
    # busybox-static is linked against glibc: its getaddrinfo loads glibc's NSS modules at run
    # time, so DNS names (Docker's embedded DNS on overlay networks) only resolve with them.
    for d in ["lib", "lib/x86_64-linux-gnu", "lib64"]:
        add_dir(tar, d)
    for lib in ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libnss_dns.so.2",
                "/lib/x86_64-linux-gnu/libnss_files.so.2", "/lib/x86_64-linux-gnu/libresolv.so.2",
                "/lib64/ld-linux-x86-64.so.2"]:
        add_file(tar, lib.lstrip("/"), open(os.path.realpath(lib), "rb").read())
    add_file(tar, "etc/nsswitch.conf", b"hosts: files dns\n", 0o644)
    add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n", 0o644)
    add_file(tar, "etc/group", b"root:x:0:\n", 0o644)


def image(name, tag, build, env=None, cmd=None, entrypoint=None, more=()):
    """Writes <name>.tar holding name:tag and every (name, tag, env, cmd, entrypoint) of `more`,
    all on the one layer that `build` writes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        build(t)
    layer = buf.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    layer_dir = hashlib.sha256(layer).hexdigest()
    configs, manifest = [], []
    for n, tg, e, c, ep in [(name, tag, env, cmd, entrypoint)] + list(more):
        config = {
            "architecture": "amd64", "os": "linux", "created": "2023-11-14T22:13:20Z",
            "config": {"Env": e or ["PATH=/bin:/usr/local/bin"], "Cmd": c, "Entrypoint": ep},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "swarmctl tests/e2e/images/build.py"}],
        }
        cfg = json.dumps(config, sort_keys=True).encode()
        cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
        configs.append((cfg_name, cfg))
        manifest.append({"Config": cfg_name, "RepoTags": [f"{n}:{tg}"], "Layers": [layer_dir + "/layer.tar"]})
    file = os.path.join(OUT, name.replace("/", "_").replace(".", "_") + ".tar")
    with tarfile.open(file + ".tmp", "w") as t:
        for cfg_name, cfg in configs:
            add_file(t, cfg_name, cfg, 0o644)
        add_dir(t, layer_dir)
        add_file(t, layer_dir + "/layer.tar", layer, 0o644)
        add_file(t, layer_dir + "/VERSION", b"1.0", 0o644)
        add_file(t, "manifest.json", json.dumps(manifest).encode(), 0o644)
    os.replace(file + ".tmp", file)
    return file


# Each handler reads the whole request (up to the empty line) before answering: closing a socket
# with unread bytes makes the kernel send a reset, and the client would lose the answer.
READ_REQUEST = b"""CR=$(printf '\\r')
while read -r line; do
  case "$line" in "" | "$CR") break ;; esac
done
"""
HELLO_WORD = b"#!/bin/sh\n" + READ_REQUEST + b"""printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "$WORD"
"""
# Asks each name up to 5 times: a classic overlay learns a name some time after its container
# starts (the store is watched asynchronously), and a client that fails once is asked again.
HELLO_WORLD = b"#!/bin/sh\n" + READ_REQUEST + b"""get() {
  for i in 1 2 3 4 5; do
    a=$(timeout 5 wget -q -O- "http://$1:8080/" 2>/dev/null) && [ -n "$a" ] && { echo "$a"; return; }
    sleep 0.5
  done
}
printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s %s\\n' "$(get hello)" "$(get world)"
"""
SERVE = b"""#!/bin/sh
# serve-word | serve-hello-world : an HTTP service on :8080
case "$1" in
  serve-word) exec nc -ll -p 8080 -e /srv/word.sh ;;
  serve-hello-world) exec nc -ll -p 8080 -e /srv/hello-world.sh ;;
  *) exec "$@" ;;
esac
"""
CONSUL = b"""#!/bin/sh
# STAND-IN for Consul (see build.py): records argv, answers the leader probe on 8500.
echo "$@" > /tmp/consul-args
exec nc -ll -p 8500 -e /leader.sh
"""
LEADER = b"#!/bin/sh\n" + READ_REQUEST + b"""printf 'HTTP/1.0 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n"127.0.0.1:8300"'
"""

ZOOKEEPER = b"""#!/bin/sh
# STAND-IN for ZooKeeper (see build.py): records argv/env, answers ruok and stat on 2181.
echo "$@" > /tmp/zk-args
env > /tmp/zk-env
exec nc -ll -p 2181 -e /fourletter.sh
"""
FOURLETTER = b"""#!/bin/sh
w=$(dd bs=4 count=1 2>/dev/null)
case "$w" in
  ruok) printf imok ;;
  stat) printf 'Zookeeper version: stand-in\nMode: standalone\n' ;;
esac
"""


def hello(t):
    busybox_layer(t)
    add_file(t, "srv/word.sh", HELLO_WORD)
    add_file(t, "srv/hello-world.sh", HELLO_WORLD)
    add_file(t, "srv/serve", SERVE)


def swarm(t):
    # Like the public image: the static binary at /swarm, a /tmp, nothing else.
    for d in ["etc", "tmp", ".swarm"]:
        add_dir(t, d, 0o1777 if d == "tmp" else 0o755)
    add_file(t, "swarm", open(os.environ["SWARM_BINARY"], "rb").read())


def consul(t):
    busybox_layer(t)
    add_file(t, "consul", CONSUL)
    add_file(t, "leader.sh", LEADER)


def zookeeper(t):
    busybox_layer(t)
    add_file(t, "zookeeper", ZOOKEEPER)
    add_file(t, "fourletter.sh", FOURLETTER)


def etcd(t):
    for d in ["usr", "usr/local", "usr/local/bin", "lib", "lib64", "lib/x86_64-linux-gnu", "tmp", "etcd-data"]:
        add_dir(t, d, 0o1777 if d == "tmp" else 0o755)
    add_file(t, "usr/local/bin/etcd", open("/usr/bin/etcd", "rb").read())
    for lib in ["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]:
        add_file(t, lib.lstrip("/"), open(os.path.realpath(lib), "rb").read())


image("busybox", "latest", busybox_layer, env=["PATH=/bin"], cmd=["sh"])
SERVICES = [("swarmctl/world", "latest", ["PATH=/bin", "WORD=World"], ["serve-word"], ["/srv/serve"]),
            ("swarmctl/hello-world", "latest", ["PATH=/bin"], ["serve-hello-world"], ["/srv/serve"])]
image("swarmctl/hello", "latest", hello, env=["PATH=/bin", "WORD=Hello"], entrypoint=["/srv/serve"],
      cmd=["serve-word"], more=SERVICES)
image("quay.io/coreos/etcd", "v3.4.23", etcd, env=["PATH=/usr/local/bin"], cmd=["etcd"])
image("swarm", "latest", swarm, env=["PATH=/", "SWARM_HOST=:2375"], entrypoint=["/swarm"], cmd=["--help"])
image("progrium/consul", "latest", consul, env=["PATH=/bin"], entrypoint=["/consul"], cmd=["-server", "-bootstrap"])
image("zookeeper", "3.8", zookeeper, env=["PATH=/bin"], entrypoint=["/zookeeper"], cmd=["zkServer.sh", "start-foreground"])
print(OUT)
