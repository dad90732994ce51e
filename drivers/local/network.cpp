#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <drivers/local/local.hpp>
#include <fmt/format.h>
#include <fstream>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/number.hpp>
#include <provision/util/process.hpp>
#include <sstream>

namespace sc::local {

namespace {
uint32_t to_u32(const std::string &ip) {
  in_addr a{};
  inet_pton(AF_INET, ip.c_str(), &a);
  return ntohl(a.s_addr);
}
std::string from_u32(uint32_t v) {
  in_addr a{};
  a.s_addr = htonl(v);
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}
uint32_t mask(int prefix) {
  return prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
}
fs::path lease_dir(const Net &n) {
  return k_runtime / "leases" / n.bridge;
}

Status run(const std::vector<std::string> &argv) {
  ProcessOptions o;
  o.timeout = std::chrono::seconds(30);
  auto r = run_checked(argv, o);
  if (!r) return fail(r.error());
  return ok();
}

bool is_mountpoint(const fs::path &p) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string a, b, c, d, mnt;
    l >> a >> b >> c >> d >> mnt;
    if (mnt == p.string()) return true;
  }
  return false;
}

std::vector<std::string> nat_rule(const Net &n) {
  return {"POSTROUTING", "-s",         fmt::format("{}/{}", n.network, n.prefix),
          "!",           "-o",         n.bridge,
          "-j",          "MASQUERADE", "-m",
          "comment",     "--comment",  "swarmctl:" + n.bridge};
}
std::vector<std::string> fwd_rule(const Net &n, const char *dir) {
  return {"FORWARD", dir,         n.bridge,
          "-j",      "ACCEPT",    "-m",
          "comment", "--comment", "swarmctl:" + n.bridge};
}
std::vector<std::string> ipt(const std::string &table, const std::string &op,
                             std::vector<std::string> rule) {
  std::vector<std::string> a = {"iptables", "-w", "5", "-t", table, op};
  a.insert(a.end(), rule.begin(), rule.end());
  return a;
}
bool rule_exists(const std::string &table, const std::vector<std::string> &rule) {
  auto r = run_process(ipt(table, "-C", rule));
  return r && r->exit_code == 0;
}
const char *k_ip_forward = "/proc/sys/net/ipv4/ip_forward";
// Outside k_runtime, which is unmounted with the last host.
const char *k_ip_forward_marker = "/run/swarmctl.ip_forward-was-off";

Status write_ip_forward(const char *value) {
  std::ofstream f(k_ip_forward);
  f << value << "\n";
  f.close();
  if (!f) return fail(Errc::io, fmt::format("cannot write {} to {}", value, k_ip_forward));
  return ok();
}

// Hosts reach the outside through the machine: forwarding on. When it was off, a marker records
// that swarmctl turned it on, so that removing the last host turns it off again.
Status enable_ip_forward() {
  auto now = read_file(k_ip_forward);
  if (now && now->rfind('1', 0) == 0) return ok();
  if (now) SC_TRY(atomic_write(k_ip_forward_marker, "0\n", 0600));
  return write_ip_forward("1");
}

Status restore_ip_forward() {
  std::error_code ec;
  if (!fs::exists(k_ip_forward_marker, ec)) return ok();
  SC_TRY(write_ip_forward("0"));
  fs::remove(k_ip_forward_marker, ec);
  return ok();
}
} // namespace

Result<Net> parse_cidr(const std::string &bridge, const std::string &cidr) {
  auto slash = cidr.find('/');
  Net n;
  n.bridge = bridge;
  if (bridge.empty() || bridge.size() > 15)
    return fail(Errc::usage,
                fmt::format("--local-bridge: '{}' is not a valid interface name", bridge));
  std::string ip = cidr.substr(0, slash);
  in_addr a{};
  if (slash == std::string::npos || inet_pton(AF_INET, ip.c_str(), &a) != 1)
    return fail(
        Errc::usage,
        fmt::format("--local-cidr: '{}' is not an IPv4 CIDR such as 192.168.99.1/24", cidr));
  n.prefix = parse_number<int>(std::string_view(cidr).substr(slash + 1)).value_or(-1);
  if (n.prefix < 8 || n.prefix > 29)
    return fail(Errc::usage,
                fmt::format("--local-cidr: prefix of '{}' must be between /8 and /29", cidr));
  uint32_t v = to_u32(ip), m = mask(n.prefix);
  if ((v & ~m) == 0)
    return fail(Errc::usage,
                "--local-cidr must be specified with a host address, not a network address");
  if ((v & ~m) == ~m) return fail(Errc::usage, "--local-cidr must not be the broadcast address");
  n.gateway = ip;
  n.network = from_u32(v & m);
  return n;
}

Result<FileLock> lock_net() {
  SC_TRY(ensure_dir(k_runtime, 0700));
  return FileLock::acquire(k_runtime.string() + ".lock");
}

Status ensure_runtime() {
  SC_TRY(ensure_dir(k_runtime, 0700));
  if (!is_mountpoint(k_runtime)) {
    // The upper layers live here: a tmpfs, because an overlay upper cannot sit inside its lower
    // `/`.
    if (::mount("swarmctl", k_runtime.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") != 0)
      return fail(Errc::io,
                  fmt::format("mount tmpfs on {}: {}", k_runtime.string(), std::strerror(errno)));
  }
  for (auto d : {"hosts", "leases", "netns"})
    SC_TRY(ensure_dir(k_runtime / d, 0700));
  return ok();
}

Status check_cidr_free(const Net &n) {
  auto r = run_process({"ip", "-o", "-4", "addr", "show"});
  if (!r) return fail(r.error());
  std::istringstream in(r->out);
  std::string line;
  uint32_t net = to_u32(n.network), m = mask(n.prefix);
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string idx, ifname, fam, addr;
    l >> idx >> ifname >> fam >> addr;
    if (ifname == n.bridge) continue;
    auto slash = addr.find('/');
    int pfx =
        slash == std::string::npos
            ? 32
            : parse_number_in<int>(std::string_view(addr).substr(slash + 1), 0, 32).value_or(32);
    uint32_t a = to_u32(addr.substr(0, slash));
    uint32_t common = mask(std::min(pfx, n.prefix));
    if ((a & common) == (net & common))
      return fail(Errc::precreate,
                  fmt::format("host-only cidr conflicts with the network address of a host "
                              "interface: {} has {}; choose another --local-cidr",
                              ifname, addr));
  }
  (void)m;
  return ok();
}

Status ensure_bridge(const Net &n) {
  auto show = run_process({"ip", "-o", "-4", "addr", "show", "dev", n.bridge});
  if (!show || show->exit_code != 0) {
    SC_TRY(run({"ip", "link", "add", n.bridge, "type", "bridge"}));
  }
  std::string want = fmt::format("{}/{}", n.gateway, n.prefix);
  if (!show || show->out.find(" " + want + " ") == std::string::npos)
    SC_TRY(run({"ip", "addr", "replace", want, "dev", n.bridge}));
  SC_TRY(run({"ip", "link", "set", n.bridge, "up"}));
  SC_TRY(enable_ip_forward());
  if (!rule_exists("nat", nat_rule(n))) SC_TRY(run(ipt("nat", "-A", nat_rule(n))));
  for (const char *dir : {"-i", "-o"})
    if (!rule_exists("filter", fwd_rule(n, dir)))
      SC_TRY(run(ipt("filter", "-I", fwd_rule(n, dir))));
  return ok();
}

Status cleanup_bridge_if_unused(const Net &n) {
  std::error_code ec;
  bool leases = fs::exists(lease_dir(n), ec) && !fs::is_empty(lease_dir(n), ec);
  if (!leases) {
    while (rule_exists("nat", nat_rule(n)))
      SC_TRY(run(ipt("nat", "-D", nat_rule(n))));
    for (const char *dir : {"-i", "-o"})
      while (rule_exists("filter", fwd_rule(n, dir)))
        SC_TRY(run(ipt("filter", "-D", fwd_rule(n, dir))));
    auto show = run_process({"ip", "link", "show", n.bridge});
    if (show && show->exit_code == 0) SC_TRY(run({"ip", "link", "del", n.bridge}));
    fs::remove(lease_dir(n), ec);
  }
  bool hosts = fs::exists(k_runtime / "hosts", ec) && !fs::is_empty(k_runtime / "hosts", ec);
  bool any_leases = false;
  if (fs::exists(k_runtime / "leases", ec))
    for (const auto &d : fs::directory_iterator(k_runtime / "leases", ec))
      any_leases = any_leases || !fs::is_empty(d.path(), ec);
  if (!hosts && !any_leases) SC_TRY(restore_ip_forward());
  if (!hosts && !any_leases && is_mountpoint(k_runtime)) {
    if (::umount2(k_runtime.c_str(), MNT_DETACH) != 0)
      return fail(Errc::io, fmt::format("umount {}: {}", k_runtime.string(), std::strerror(errno)));
    fs::remove(k_runtime, ec);
  }
  return ok();
}

Result<std::string> lease_ip(const Net &n, const std::string &wanted, const std::string &owner) {
  SC_TRY(ensure_dir(lease_dir(n), 0700));
  uint32_t net = to_u32(n.network), m = mask(n.prefix);
  uint32_t gw = to_u32(n.gateway);
  auto try_one = [&](uint32_t v) -> Result<bool> {
    auto path = lease_dir(n) / from_u32(v);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)); fd) {
        auto w = ::write(fd.get(), owner.data(), owner.size());
        (void)w;
        return true;
      }
      if (errno != EEXIST)
        return fail(Errc::io, fmt::format("lease {}: {}", path.string(), std::strerror(errno)));
      // A lease whose machine directory is gone is stale.
      auto holder = read_file(path);
      std::error_code ec;
      if (holder && !holder->empty() && !fs::exists(*holder, ec) && !ec) {
        fs::remove(path, ec);
        continue;
      }
      return false;
    }
    return false;
  };
  if (!wanted.empty()) {
    uint32_t v = to_u32(wanted);
    if ((v & m) != net || v == gw || (v & ~m) == 0 || (v & ~m) == ~m)
      return fail(Errc::usage, fmt::format("--local-ip {} is not a usable address of {}/{}", wanted,
                                           n.network, n.prefix));
    auto ok_ = try_one(v);
    if (!ok_) return fail(ok_.error());
    if (!*ok_)
      return fail(Errc::precreate,
                  fmt::format("address {} is already used by another local host", wanted));
    return wanted;
  }
  for (uint32_t host = 2; host < (~m); ++host) {
    uint32_t v = net | host;
    if (v == gw) continue;
    auto ok_ = try_one(v);
    if (!ok_) return fail(ok_.error());
    if (*ok_) return from_u32(v);
  }
  return fail(Errc::precreate, fmt::format("no free address left in {}/{}", n.network, n.prefix));
}

void release_ip(const Net &n, const std::string &ip) {
  std::error_code ec;
  if (!ip.empty()) fs::remove(lease_dir(n) / ip, ec);
}

void release_leases_of(const Net &n, const std::string &owner) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(lease_dir(n), ec)) {
    auto holder = read_file(e.path());
    if (holder && *holder == owner) fs::remove(e.path(), ec);
  }
}

std::string veth_name(const HostSpec &h) {
  return "scv" + h.id;
}

// eth0's MAC, the same at every boot (from the host id): neighbours (this machine's side of the
// bridge, the other hosts) keep the address they learnt, where a new random MAC had them send to
// the old one for up to ~45 s after a start or restart (neighbour entries expire that slowly).
static std::string host_mac(const HostSpec &h) {
  if (h.id.size() < 8) return "";
  return fmt::format("02:5c:{}:{}:{}:{}", h.id.substr(0, 2), h.id.substr(2, 2), h.id.substr(4, 2),
                     h.id.substr(6, 2));
}

Status create_netns(const HostSpec &h, const Net &n, const std::string &ip) {
  std::error_code ec;
  if (!fs::exists(h.netns_file, ec)) {
    SC_TRY(atomic_write(h.netns_file, "", 0600));
    auto r = run_checked({"unshare", "--net=" + h.netns_file.string(), "true"});
    if (!r) {
      fs::remove(h.netns_file, ec);
      return fail(r.error().context("create network namespace"));
    }
  }
  auto veth = veth_name(h);
  auto exists = run_process({"ip", "link", "show", veth});
  if (exists && exists->exit_code == 0) SC_TRY(run({"ip", "link", "del", veth}));
  // eth0 is created inside the namespace; its peer is sent to this process' (the machine's) netns.
  auto mac = host_mac(h);
  std::string script = fmt::format(
      "set -e; ip link add eth0 {5}type veth peer name {0} netns {1}; ip addr add {2}/{3} dev "
      "eth0; "
      "ip link set lo up; ip link set eth0 up; ip route add default via {4}",
      veth, getpid(), ip, n.prefix, n.gateway, mac.empty() ? "" : "address " + mac + " ");
  auto r = run_checked({"nsenter", "--net=" + h.netns_file.string(), "sh", "-c", script});
  if (!r) return fail(r.error().context("configure eth0"));
  SC_TRY(run({"ip", "link", "set", veth, "master", n.bridge, "up"}));
  return ok();
}

Status delete_netns(const HostSpec &h) {
  std::error_code ec;
  auto veth = veth_name(h);
  auto exists = run_process({"ip", "link", "show", veth});
  if (exists && exists->exit_code == 0) SC_TRY(run({"ip", "link", "del", veth}));
  if (fs::exists(h.netns_file, ec)) {
    if (::umount2(h.netns_file.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
      return fail(Errc::io,
                  fmt::format("umount {}: {}", h.netns_file.string(), std::strerror(errno)));
    fs::remove(h.netns_file, ec);
  }
  return ok();
}

} // namespace sc::local
