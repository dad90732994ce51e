#include <signal.h>
#include <unistd.h>

#include <drivers/driver_base.hpp>
#include <drivers/local/driver.hpp>
#include <drivers/local/local.hpp>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <provision/ssh/keys.hpp>
#include <provision/util/failpoint.hpp>
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

class LocalDriver : public RecordDriver<LocalDriver> {
public:
  LocalDriver() : RecordDriver("local") {}

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
    DriverBase::bind(ctx);
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

  // Each resource is findable from the record before it exists (remove() sweeps them by the
  // machine's id and directory): the lease (holding the machine directory) comes first, then the
  // bridge, the upper layer, the netns and veth named after the id, the init (its netns). A failed
  // create leaves what it made for the flow's remove().
  Status create() override {
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(net.error());
    SC_TRY(ensure_dir(m_dir / "local", 0700));
    {
      auto lk = lock_net(); // released at the end of this block, whichever step fails
      if (!lk) return fail(lk.error());
      SC_TRY(ensure_runtime());
      auto ip = lease_ip(*net, m_wanted_ip, owner());
      if (!ip) return fail(ip.error());
      m_ip = *ip;
      SC_TRY(ensure_bridge(*net));
      SC_TRY(ensure_dir(spec().runtime, 0700));
    }
    UpperOptions uo{key_path(), m_key_type, m_store, m_no_docker};
    SC_TRY(prepare_upper(spec(), uo));
    SC_TRY(create_netns(spec(), *net, m_ip));
    SC_TRY(boot_init());
    failpoint("local-booted"); // the host runs; its record does not name its init yet
    return ok();
  }

  // Everything the record names goes, also after a create that died at any point: the host's
  // processes (proven by its namespace), veth, netns mount, lease, upper layer, and the bridge with
  // its NAT rules when no lease of any store remains on it.
  Status remove() override {
    auto h = spec();
    SC_TRY(kill_host(std::chrono::seconds(20)));
    SC_TRY(delete_netns(h));
    auto net = parse_cidr(m_bridge, m_cidr);
    std::error_code ec;
    Status st = ok();
    {
      auto lk = lock_net();
      if (!lk) return fail(lk.error());
      if (net) {
        release_ip(*net, m_ip);
        release_leases_of(*net, owner());
      }
      fs::remove_all(h.runtime, ec);
      st = net ? cleanup_bridge_if_unused(*net) : ok();
    }
    fs::remove_all(m_dir / "local", ec);
    m_pid = 0;
    m_start = 0;
    return st;
  }

  Status start() override {
    if (init_pid() > 0) return ok();
    auto net = parse_cidr(m_bridge, m_cidr);
    if (!net) return fail(net.error());
    {
      auto lk = lock_net();
      if (!lk) return fail(lk.error());
      SC_TRY(ensure_runtime());
      std::error_code ec;
      if (!fs::exists(k_runtime / "leases" / m_bridge / m_ip, ec)) {
        auto ip = lease_ip(*net, m_ip, owner()); // after a reboot of the machine
        if (!ip) return fail(ip.error());
      }
      SC_TRY(ensure_bridge(*net));
    }
    std::error_code ec;
    if (!fs::exists(spec().runtime / "upper", ec))
      return fail(Errc::generic, fmt::format("the host's filesystem is gone ({} was cleared, e.g. "
                                             "by a reboot): remove and re-create {}",
                                             spec().runtime.string(), m_name));
    SC_TRY(create_netns(spec(), *net, m_ip));
    return boot_init();
  }

  Status stop() override {
    pid_t init = init_pid();
    if (init <= 0) return ok();
    ::kill(init, SIGTERM);
    if (!wait_gone(std::chrono::seconds(45))) return kill_host(std::chrono::seconds(10));
    return ok();
  }

  Status kill() override { return kill_host(std::chrono::seconds(10)); }

  Status restart() override {
    SC_TRY(stop());
    return start();
  }

  Result<State> state() override {
    if (init_pid() <= 0) return State::Stopped;
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

private:
  friend class RecordDriver<LocalDriver>;
  nlohmann::json unread_keys() const override {
    // HostID is derived from the machine directory.
    return base_json({.ssh_user = "root", .ssh_port = 22, .ssh_key_path = key_path().string()},
                     {{"HostID", m_id}});
  }
  // The record's keys read back (driver_base.hpp RecordDriver).
  template <class Self, class Field> static void record_fields(Self &d, Field &&f) {
    f("IPAddress", d.m_ip, "");
    f("Bridge", d.m_bridge, "swarmctl0");
    f("CIDR", d.m_cidr, "192.168.99.1/24");
    f("RootFS", d.m_lower, "/");
    f("NoDocker", d.m_no_docker, false);
    f("SSHKeyType", d.m_key_type, "ed25519");
    f("Pid", d.m_pid, 0);
    f("PidStartTime", d.m_start, 0ULL);
  }

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

  // The lease file names the machine directory absolutely: a relative store path would make
  // another process's stale-lease check look in its own working directory.
  std::string owner() const { return absolute_or_same(m_dir).lexically_normal().string(); }

  // The host's init, only when its identity is proven: the recorded PID with its recorded start
  // time, or the pair the init wrote at boot. A PID without a start time proves nothing (the
  // number may belong to any process by now): 0.
  pid_t init_pid() const {
    if (m_pid > 0 && m_start != 0 && process_start_time(m_pid) == m_start) return m_pid;
    auto [pid, start] = read_init_pidfile(spec());
    if (pid > 0 && start != 0 && process_start_time(pid) == start) return pid;
    return 0;
  }

  bool wait_gone(std::chrono::milliseconds limit) {
    auto st = poll_until(
        "host stop", limit,
        [&]() -> Status {
          return init_pid() > 0 || !netns_pids(spec()).empty()
                     ? Status(fail(Errc::generic, "still running"))
                     : ok();
        },
        std::chrono::milliseconds(20), std::chrono::milliseconds(200));
    return static_cast<bool>(st);
  }

  // SIGKILL to the proven init and to every process in the host's network namespace.
  Status kill_host(std::chrono::milliseconds limit) {
    if (pid_t init = init_pid(); init > 0) ::kill(init, SIGKILL);
    for (pid_t p : netns_pids(spec()))
      ::kill(p, SIGKILL);
    if (!wait_gone(limit))
      return fail(Errc::generic, fmt::format("the processes of {} did not end", m_name));
    return ok();
  }

  Status boot_init() {
    auto pid = boot(spec(), self_exe());
    if (!pid) return fail(pid.error());
    m_pid = *pid;
    m_start = read_init_pidfile(spec()).second;
    return ok();
  }

  std::string m_id, m_ip, m_wanted_ip, m_bridge = "swarmctl0", m_cidr = "192.168.99.1/24",
                                       m_lower = "/";
  std::string m_key_type = "ed25519";
  bool m_no_docker = false;
  pid_t m_pid = 0;
  unsigned long long m_start = 0;
};

} // namespace

std::unique_ptr<Driver> make_local_driver() {
  return std::make_unique<LocalDriver>();
}

} // namespace sc
