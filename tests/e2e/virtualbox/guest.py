"""The stand-in VBoxManage's guests: the NAT port forward to a namespace host's sshd, and the SSH
key a VM's cloud-init NoCloud seed ISO hands to the "docker" user."""
import os, socket, subprocess, threading

from vboxfmt import error as die


def forwarder(port, ip):
    """Detached child: 127.0.0.1:port -> ip:22 (VirtualBox's NAT port forward)."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)

    def pump(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    while True:
        c, _ = ls.accept()
        try:
            u = socket.create_connection((ip, 22), timeout=5)
            u.settimeout(None)
        except OSError:
            c.close()  # like VirtualBox NAT: accepted, then closed while the guest boots
            continue
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()


def seed_files(path):
    """Label and files of an ISO9660 image (the cloud-init NoCloud seed), read with isoinfo:
    the Joliet volume id and the Rock Ridge names, as Linux shows them to cloud-init."""
    def isoinfo(*args):
        return subprocess.run(["isoinfo", "-i", path, *args], capture_output=True, check=True).stdout.decode()
    try:
        info = isoinfo("-d", "-J")
    except (OSError, subprocess.CalledProcessError) as e:
        die("fake: cannot read %s with isoinfo: %s" % (path, e))
    label = next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("Volume id:")), "")
    names = [n.strip("/") for n in isoinfo("-R", "-f").split()]
    return label, {n: isoinfo("-R", "-x", "/" + n) for n in names}


def seed_key(vm):
    for m in vm["media"]:
        if m.endswith(".iso") and os.path.basename(m) != "boot2docker.iso":
            label, files = seed_files(m)
            # cloud-init's NoCloud looks for a filesystem labelled cidata or CIDATA.
            if label.lower() != "cidata" or "user-data" not in files or "meta-data" not in files:
                die("fake: %s is not a NoCloud seed (label %r, files %s)" % (m, label, sorted(files)))
            ud = files["user-data"]
            if not ud.startswith("#cloud-config") or "name: docker" not in ud:
                die("fake: user-data does not create the docker user")
            mac2 = vm.get("mac2", "")
            net = files.get("network-config", "")
            if mac2 and '"%s"' % ":".join(mac2[i:i + 2] for i in range(0, 12, 2)).lower() not in net:
                die("fake: network-config does not name NIC 2 (%s) eth1" % mac2)
            lines = ud.splitlines()
            i = next(n for n, l in enumerate(lines) if l.strip() == "ssh_authorized_keys:")
            return lines[i + 1].strip()[2:]
    return None
