#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <drivers/local/local.hpp>
#include <fmt/format.h>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>

namespace sc::local {
namespace {

// Writes a file into the host's upper layer (creating parent dirs).
Status put(const fs::path &upper, const std::string &path, const std::string &data, unsigned mode) {
  fs::path p = upper / path.substr(1);
  SC_TRY(ensure_dir(p.parent_path(), 0755));
  return atomic_write(p, data, mode);
}

// Hides a file of the lower layer inside the host (overlayfs whiteout).
Status whiteout(const fs::path &upper, const std::string &path) {
  fs::path p = upper / path.substr(1);
  SC_TRY(ensure_dir(p.parent_path(), 0755));
  std::error_code ec;
  if (fs::exists(fs::symlink_status(p, ec))) return ok();
  if (::mknod(p.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0)
    return fail(Errc::io, fmt::format("whiteout {}: {}", p.string(), std::strerror(errno)));
  return ok();
}

const char *k_sshd_config =
    "# swarmctl local host\nPort 22\nListenAddress 0.0.0.0\nHostKey "
    "/etc/swarmctl/ssh_host_ed25519_key\n"
    "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
    "KbdInteractiveAuthentication no\nAuthorizedKeysFile /etc/swarmctl/authorized_keys\nUsePAM no\n"
    "PidFile /run/sshd.pid\nSubsystem sftp internal-sftp\nAcceptEnv LANG LC_*\nPrintMotd no\n";

const char *k_purge_docker =
    "#!/bin/sh\n# swarmctl: first boot of a host created with --local-no-docker: no Docker here.\n"
    "[ \"$1\" = start ] || exit 0\nexport DEBIAN_FRONTEND=noninteractive\n"
    "printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d\n"
    "apt-get purge -y -q docker.io containerd runc > /var/log/swarmctl-purge.log 2>&1\n"
    "rm -f /usr/sbin/policy-rc.d \"$0\"\n";

} // namespace

Status prepare_upper(const HostSpec &h, const UpperOptions &o) {
  fs::path up = h.runtime / "upper";
  SC_TRY(ensure_dir(up, 0755));
  SC_TRY(ensure_dir(h.runtime / "work", 0700));
  SC_TRY(ensure_dir(h.docker_dir, 0711));
  auto kt = parse_key_type(o.key_type);
  SC_TRY(generate_ssh_key(o.key_path, kt ? *kt : KeyType::Ed25519));
  auto pub = read_public_key(o.key_path);
  if (!pub) return fail(pub.error());
  fs::path hostkey = h.runtime / "hostkey";
  SC_TRY(generate_ssh_key(hostkey, KeyType::Ed25519));
  auto hk = read_file(hostkey), hkp = read_file(hostkey.string() + ".pub");
  if (!hk || !hkp) return fail(Errc::io, "host key");
  SC_TRY(put(up, "/etc/swarmctl/ssh_host_ed25519_key", *hk, 0600));
  SC_TRY(put(up, "/etc/swarmctl/ssh_host_ed25519_key.pub", *hkp, 0644));
  std::error_code ec;
  fs::remove(hostkey, ec);
  fs::remove(hostkey.string() + ".pub", ec);
  SC_TRY(put(up, "/etc/swarmctl/sshd_config", k_sshd_config, 0644));
  SC_TRY(put(up, "/etc/swarmctl/authorized_keys", *pub + "\n", 0600));
  SC_TRY(put(up, "/etc/hostname", h.name + "\n", 0644));
  SC_TRY(put(up, "/etc/hosts",
             fmt::format(
                 "127.0.0.1\tlocalhost\n127.0.1.1\t{}\n::1\tlocalhost ip6-localhost ip6-loopback\n",
                 h.name),
             0644));
  SC_TRY(ensure_dir(up / "etc/swarmctl/boot.d", 0755));
  // Nothing of the machine's own Docker or swarmctl configuration leaks into the host.
  std::string lower = h.lower.string();
  for (const char *p :
       {"/etc/docker/key.json", "/etc/docker/daemon.json", "/etc/default/swarmctl-docker",
        "/etc/init.d/swarmctl-docker", "/var/log/swarmctl-docker.log"})
    if (fs::exists(h.lower / (p + 1), ec)) SC_TRY(whiteout(up, p));
  // Nor the store (CA key, machine keys) when it lives inside the lower layer.
  auto store = absolute_or_same(o.store).lexically_normal().string();
  if (lower == "/" && store.rfind("/tmp/", 0) != 0 && store != "/") SC_TRY(whiteout(up, store));
  if (o.no_docker) SC_TRY(put(up, "/etc/swarmctl/boot.d/10-purge-docker", k_purge_docker, 0755));
  return ok();
}

} // namespace sc::local
