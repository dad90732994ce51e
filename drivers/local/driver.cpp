#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drivers/local/driver.hpp>
#include <drivers/local/local.hpp>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <provision/util/process.hpp>
#include <thread>

namespace sc {
namespace {

using namespace local;

std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("/proc/self/exe");
}

bool alive(pid_t pid, unsigned long long start) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0) return false;
  return start == 0 || process_start_time(pid) == start;
}

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

class LocalDriver : public Driver {
public:
  std::string driver_name() const override { return "local"; }

  std::vector<FlagSpec> create_flags() const override {
    using K = FlagSpec::Kind;
    return {
        {"local-cidr", K::String, "192.168.99.1/24", "LOCAL_CIDR",
         "Address of the bridge and network of the local hosts"},
        {"local-bridge", K::String, "swarmctl0", "LOCAL_BRIDGE",
         "Bridge the local hosts are attached to"},
        {"local-rootfs", K::String, "", "LOCAL_ROOTFS",
         "Root filesystem of the host (lower overlay layer; default: this machine's /)"},
        {"local-ip", K::String, "", "LOCAL_IP",
         "Address of the host (default: the lowest free one)"},
        {"local-no-docker", K::Bool, "false", "LOCAL_NO_DOCKER",
         "Start the host without Docker (purged at first boot) so that provisioning installs it"},
        {"local-ssh-key-type", K::String, "ed25519", "LOCAL_SSH_KEY_TYPE",
         "Type of the machine's SSH key: ed25519 or rsa"},
    };
  }

  Status configure(const DriverContext &ctx, const FlagValues &f) override {
    bind(ctx);
    m_cidr = f.str("local-cidr", "192.168.99.1/24");
    m_bridge = f.str("local-bridge", "swarmctl0");
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(net.error());
    m_lower = f.str("local-rootfs", "/");
    if (m_lower.empty()) m_lower = "/";
    std::error_code ec;
    m_lower = fs::absolute(m_lower, ec).lexically_normal().string();
    if (ec) return fail(Errc::io, fmt::format("--local-rootfs: {}", ec.message()));
    if (m_lower.size() > 1 && m_lower.back() == '/') m_lower.pop_back();
    m_wanted_ip = f.str("local-ip");
    if (!m_wanted_ip.empty() && !is_ip_address(m_wanted_ip))
      return fail(Errc::usage, fmt::format("--local-ip: '{}' is not an address", m_wanted_ip));
    m_no_docker = f.boolean("local-no-docker");
    auto kt = parse_key_type(f.str("local-ssh-key-type", "ed25519"));
    if (!kt) return fail(kt.error());
    m_key_type = f.str("local-ssh-key-type", "ed25519");
    return ok();
  }

  void bind(const DriverContext &ctx) override {
    m_name = ctx.machine_name;
    m_dir = ctx.machine_dir;
    m_store = ctx.store_path;
    m_id = fmt::format("{:08x}", static_cast<uint32_t>(
                                     std::hash<std::string>{}(absolute_or_same(m_dir).string())));
  }

  Status pre_create_check() override {
    if (geteuid() != 0)
      return fail(
          Errc::precreate,
          "the local driver needs root (it creates network namespaces, mounts and a bridge)");
    auto fsys = read_file("/proc/filesystems");
    if (!fsys || fsys->find("overlay") == std::string::npos)
      return fail(Errc::precreate, "the kernel has no overlayfs (modprobe overlay)");
    for (const char *tool : {"ip", "nsenter", "unshare", "iptables"})
      if (find_in_path(tool).empty())
        return fail(Errc::precreate,
                    fmt::format("{} is missing (install iproute2, util-linux and iptables)", tool));
    std::error_code ec;
    if (!fs::is_directory(m_lower, ec))
      return fail(Errc::precreate, fmt::format("--local-rootfs {} is not a directory", m_lower));
    if (!fs::exists(fs::path(m_lower) / "usr/sbin/sshd", ec))
      return fail(Errc::precreate,
                  fmt::format("{} has no /usr/sbin/sshd (install openssh-server there)", m_lower));
    if (fs::exists(spec().runtime, ec))
      return fail(Errc::precreate, fmt::format("a local host with the id {} already exists ({})",
                                               m_id, spec().runtime.string()));
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(Errc::precreate, net.error().message);
    return check_cidr_free(*net);
  }

  Status create() override {
    auto st = do_create();
    if (!st) {
      // Leave nothing half-created behind; the record is removed by the caller.
      (void)remove();
    }
    return st;
  }

  Status remove() override {
    if (alive(m_pid, m_start)) {
      ::kill(m_pid, SIGKILL);
      (void)wait_gone(std::chrono::seconds(20));
    }
    SC_TRY(delete_netns(spec()));
    auto net = parse_cidr(m_bridge, m_cidr);
    auto lk = lock_net();
    if (!lk) return fail(lk.error());
    if (net) release_ip(*net, m_ip);
    std::error_code ec;
    fs::remove_all(spec().runtime, ec);
    Status st = net ? cleanup_bridge_if_unused(*net) : ok();
    unlock_net(*lk);
    fs::remove_all(m_dir / "local", ec);
    m_pid = 0;
    return st;
  }

  Status start() override {
    if (alive(m_pid, m_start)) return ok();
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(net.error());
    {
      auto lk = lock_net();
      if (!lk) return fail(lk.error());
      Status st = ensure_runtime();
      if (st) st = ensure_bridge(*net);
      std::error_code ec;
      if (st && !fs::exists(k_runtime / "leases" / m_bridge / m_ip, ec)) {
        auto ip = lease_ip(*net, m_ip, m_dir.string()); // after a reboot of the machine
        if (!ip) st = fail(ip.error());
      }
      unlock_net(*lk);
      SC_TRY(st);
    }
    std::error_code ec;
    if (!fs::exists(spec().runtime / "upper", ec))
      return fail(Errc::generic, fmt::format("the host's filesystem is gone ({} was cleared, e.g. "
                                             "by a reboot): remove and re-create {}",
                                             spec().runtime.string(), m_name));
    SC_TRY(create_netns(spec(), *net, m_ip));
    auto pid = boot(spec(), self_exe());
    if (!pid) return fail(pid.error());
    m_pid = *pid;
    m_start = process_start_time(m_pid);
    return ok();
  }

  Status stop() override {
    if (!alive(m_pid, m_start)) return ok();
    ::kill(m_pid, SIGTERM);
    if (!wait_gone(std::chrono::seconds(45))) {
      ::kill(m_pid, SIGKILL);
      (void)wait_gone(std::chrono::seconds(10));
    }
    return ok();
  }

  Status kill() override {
    if (alive(m_pid, m_start)) ::kill(m_pid, SIGKILL);
    (void)wait_gone(std::chrono::seconds(10));
    return ok();
  }

  Status restart() override {
    SC_TRY(stop());
    return start();
  }

  Result<State> state() override {
    if (!alive(m_pid, m_start)) return State::Stopped;
    auto st = tcp_probe(m_ip, 22, std::chrono::milliseconds(300));
    if (!st)
      return fail(Errc::generic,
                  fmt::format("the host runs but its sshd does not answer on {}:22", m_ip));
    return State::Running;
  }

  Result<std::string> ip() override {
    if (m_ip.empty()) return fail(Errc::generic, "the host has no address yet");
    return m_ip;
  }

  Result<SshEndpoint> ssh_endpoint() override { return SshEndpoint{m_ip, 22, "root", key_path()}; }
  InitStyle init_style() const override { return InitStyle::Sysvinit; }
  std::string cluster_interface() const override { return "eth0"; }

  nlohmann::json to_json() const override {
    return {{"IPAddress", m_ip},
            {"MachineName", m_name},
            {"SSHUser", "root"},
            {"SSHPort", 22},
            {"SSHKeyPath", key_path().string()},
            {"StorePath", m_store.string()},
            {"SwarmMaster", false},
            {"SwarmHost", ""},
            {"SwarmDiscovery", ""},
            {"Bridge", m_bridge},
            {"CIDR", m_cidr},
            {"RootFS", m_lower},
            {"NoDocker", m_no_docker},
            {"SSHKeyType", m_key_type},
            {"Pid", m_pid},
            {"PidStartTime", m_start},
            {"HostID", m_id}};
  }

  Status from_json(const nlohmann::json &j) override {
    try {
      m_ip = j.value("IPAddress", "");
      m_bridge = j.value("Bridge", "swarmctl0");
      m_cidr = j.value("CIDR", "192.168.99.1/24");
      m_lower = j.value("RootFS", "/");
      m_no_docker = j.value("NoDocker", false);
      m_key_type = j.value("SSHKeyType", "ed25519");
      m_pid = j.value("Pid", 0);
      m_start = j.value("PidStartTime", 0ULL);
    } catch (const std::exception &e) {
      return fail(Errc::parse, fmt::format("local driver config: {}", e.what()));
    }
    return ok();
  }

private:
  HostSpec spec() const {
    HostSpec h;
    h.name = m_name;
    h.id = m_id;
    h.lower = m_lower;
    h.runtime = k_runtime / "hosts" / m_id;
    h.docker_dir = m_dir / "local" / "docker";
    h.console = m_dir / "local" / "console.log";
    h.netns_file = k_runtime / "netns" / m_id;
    return h;
  }
  fs::path key_path() const { return m_dir / (m_key_type == "rsa" ? "id_rsa" : "id_ed25519"); }

  bool wait_gone(std::chrono::milliseconds limit) {
    auto st = poll_until(
        "host stop", limit,
        [&]() -> Status {
          return alive(m_pid, m_start) ? Status(fail(Errc::generic, "still running")) : ok();
        },
        std::chrono::milliseconds(20), std::chrono::milliseconds(200));
    return static_cast<bool>(st);
  }

  Status prepare_upper(const HostSpec &h) {
    fs::path up = h.runtime / "upper";
    SC_TRY(ensure_dir(up, 0755));
    SC_TRY(ensure_dir(h.runtime / "work", 0700));
    SC_TRY(ensure_dir(h.docker_dir, 0711));
    auto kt = parse_key_type(m_key_type);
    SC_TRY(generate_ssh_key(key_path(), kt ? *kt : KeyType::Ed25519));
    auto pub = read_public_key(key_path());
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
    SC_TRY(put(up, "/etc/hostname", m_name + "\n", 0644));
    SC_TRY(
        put(up, "/etc/hosts",
            fmt::format(
                "127.0.0.1\tlocalhost\n127.0.1.1\t{}\n::1\tlocalhost ip6-localhost ip6-loopback\n",
                m_name),
            0644));
    SC_TRY(ensure_dir(up / "etc/swarmctl/boot.d", 0755));
    // Nothing of the machine's own Docker or swarmctl configuration leaks into the host.
    for (const char *p :
         {"/etc/docker/key.json", "/etc/docker/daemon.json", "/etc/default/swarmctl-docker",
          "/etc/init.d/swarmctl-docker", "/var/log/swarmctl-docker.log"})
      if (fs::exists(fs::path(m_lower) / (p + 1), ec)) SC_TRY(whiteout(up, p));
    // Nor the store (CA key, machine keys) when it lives inside the lower layer.
    auto store = absolute_or_same(m_store).lexically_normal().string();
    if (m_lower == "/" && store.rfind("/tmp/", 0) != 0 && store != "/") SC_TRY(whiteout(up, store));
    if (m_no_docker) SC_TRY(put(up, "/etc/swarmctl/boot.d/10-purge-docker", k_purge_docker, 0755));
    return ok();
  }

  Status do_create() {
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(net.error());
    SC_TRY(ensure_dir(m_dir / "local", 0700));
    {
      auto lk = lock_net();
      if (!lk) return fail(lk.error());
      Status st = ensure_runtime();
      if (st) st = ensure_bridge(*net);
      if (st) {
        auto ip = lease_ip(*net, m_wanted_ip, m_dir.string());
        if (ip)
          m_ip = *ip;
        else
          st = fail(ip.error());
      }
      if (st) st = ensure_dir(spec().runtime, 0700);
      unlock_net(*lk);
      SC_TRY(st);
    }
    SC_TRY(prepare_upper(spec()));
    SC_TRY(create_netns(spec(), *net, m_ip));
    auto pid = boot(spec(), self_exe());
    if (!pid) return fail(pid.error());
    m_pid = *pid;
    m_start = process_start_time(m_pid);
    return ok();
  }

  std::string m_name, m_id, m_ip, m_wanted_ip, m_bridge = "swarmctl0", m_cidr = "192.168.99.1/24",
                                               m_lower = "/";
  std::string m_key_type = "ed25519";
  bool m_no_docker = false;
  pid_t m_pid = 0;
  unsigned long long m_start = 0;
  fs::path m_dir, m_store;
};

} // namespace

std::unique_ptr<Driver> make_local_driver() {
  return std::make_unique<LocalDriver>();
}

} // namespace sc
