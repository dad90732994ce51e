#include <algorithm>
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <drivers/virtualbox/network.hpp>
#include <fmt/format.h>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/poll.hpp>
#include <set>
#include <sstream>

namespace sc::vbox {

std::vector<HostIface> host_interfaces() {
  std::vector<HostIface> out;
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs *i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask) continue;
    HostIface h;
    h.name = i->ifa_name;
    h.addr = ntohl(reinterpret_cast<sockaddr_in *>(i->ifa_addr)->sin_addr.s_addr);
    uint32_t m = ntohl(reinterpret_cast<sockaddr_in *>(i->ifa_netmask)->sin_addr.s_addr);
    h.prefix = __builtin_popcount(m);
    h.up = (i->ifa_flags & IFF_UP) != 0;
    h.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    out.push_back(h);
  }
  freeifaddrs(list);
  return out;
}

Status check_hostonly_duplicates(const std::vector<HostOnlyIf> &ifs) {
  std::set<std::string> names, ips;
  for (const auto &i : ifs) {
    if (!names.insert(i.name).second)
      return fail(Errc::precreate,
                  fmt::format("VirtualBox is configured with multiple host-only adapters with the "
                              "same name \"{}\". Please remove one.",
                              i.name));
    if (!i.ip.empty() && !ips.insert(i.ip).second)
      return fail(Errc::precreate,
                  fmt::format("VirtualBox is configured with multiple host-only adapters with the "
                              "same IP \"{}\". Please remove one.",
                              i.ip));
  }
  return ok();
}

Status check_cidr_collision(const Cidr &c, const std::vector<HostOnlyIf> &ifs,
                            const std::vector<HostIface> &host) {
  std::set<std::string> vbox;
  for (const auto &i : ifs)
    vbox.insert(i.name);
  for (const auto &h : host) {
    if (!h.up || h.loopback || vbox.count(h.name)) continue;
    // A host network equal to the host-only one or inside it (a /25 within the /24) takes its
    // addresses. A wider one around it (a 192.168.0.0/16 LAN, Docker's 192.168.96.0/20 pool) is
    // no clash: the host-only /24 route is more specific and wins.
    if (h.prefix >= c.prefix && (h.addr & c.mask()) == c.network())
      return fail(Errc::precreate,
                  fmt::format("host-only cidr conflicts with the network address of a host "
                              "interface ({} has {}/{}); choose another --virtualbox-hostonly-cidr",
                              h.name, format_ipv4(h.addr), h.prefix));
  }
  return ok();
}

Status check_networks_conf(const Version &v, const Cidr &c, const fs::path &conf) {
  if (!v.at_least(6, 1, 28)) return ok();
  std::vector<std::pair<uint32_t, int>> allowed;
  auto text = read_file(conf);
  if (!text) {
    allowed.push_back({*parse_ipv4("192.168.56.0"), 21});
  } else {
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream l(line);
      std::string star, range;
      if (!(l >> star) || star != "*") continue;
      while (l >> range) {
        auto slash = range.find('/');
        auto ip = parse_ipv4(range.substr(0, slash));
        if (!ip || slash == std::string::npos) continue;
        if (auto prefix = leading_number(range.substr(slash + 1)))
          allowed.push_back({*ip, static_cast<int>(*prefix)});
      }
    }
  }
  for (auto [net, prefix] : allowed)
    if (prefix <= c.prefix && (c.network() & prefix_mask(prefix)) == (net & prefix_mask(prefix)))
      return ok();
  return fail(Errc::precreate,
              fmt::format("VirtualBox {}.{}.{} only allows host-only networks listed in {} "
                          "(default 192.168.56.0/21): add the line "
                          "\"* {}/{}\" to it, or use --virtualbox-hostonly-cidr 192.168.56.1/24",
                          v.major, v.minor, v.patch, conf.string(), format_ipv4(c.network()),
                          c.prefix));
}

HostOnlyNet dhcp_plan(const Cidr &c) {
  HostOnlyNet n;
  // Deterministic server address (docker-machine used a random .2-.25): .2, or .3 when the host is
  // .2.
  n.server_ip = c.network() + 2 == c.host ? c.network() + 3 : c.network() + 2;
  if (c.prefix <= 24) {
    uint32_t base = c.host & 0xffffff00u;
    n.lower = base | 100;
    n.upper = base | 254;
  } else {
    n.lower = n.server_ip + 1;
    n.upper = c.broadcast() - 1;
  }
  return n;
}

// Creates a host-only adapter with the CIDR's address: its name once VirtualBox lists it.
static Result<std::string> create_hostonly_adapter(VBoxManage &v, const Cidr &c,
                                                   const std::vector<HostOnlyIf> &ifs,
                                                   std::chrono::milliseconds appear_timeout) {
  auto created = v.run({"hostonlyif", "create"}); // errors tolerated (VirtualBox ticket #14040)
  if (created && created->exit_code == 2)         // a syntax error: no host-only adapters at all
    return fail(Errc::unsupported,
                fmt::format("VBoxManage hostonlyif create: {}: this VirtualBox has no host-only "
                            "adapters, only host-only networks (`hostonlynet`, macOS), whose "
                            "DHCP server cannot give a VM a fixed address; use VirtualBox on a "
                            "Linux host",
                            first_error_line(*created)));
  std::set<std::string> before;
  for (const auto &i : ifs)
    before.insert(i.name);
  std::string ifname;
  auto st = poll_until(
      "host-only adapter", appear_timeout,
      [&]() -> Status {
        auto l = vbm_out(v, {"list", "hostonlyifs"});
        if (!l) return fail(l.error());
        for (const auto &i : parse_hostonlyifs(*l))
          if (!before.count(i.name)) {
            ifname = i.name;
            return ok();
          }
        return fail(Errc::generic, "not visible yet");
      },
      std::chrono::milliseconds(100), std::chrono::seconds(1));
  if (!st)
    return fail(Errc::generic,
                "The host-only adapter we just created is not visible. This is a well known "
                "VirtualBox bug. You might want to uninstall it and reinstall at least version "
                "5.0.12 that is is supposed to fix this issue");
  SC_TRY(vbm(v, {"hostonlyif", "ipconfig", ifname, "--ip", format_ipv4(c.host), "--netmask",
                 format_ipv4(c.mask())}));
  return ifname;
}

// Removes DHCP servers of adapters that no longer exist, then adds or updates n.netname's (left
// alone when it already serves the plan); n.fixed gets the addresses it fixes for VMs.
static Status setup_dhcp_server(VBoxManage &v, const Cidr &c, const std::vector<HostOnlyIf> &ifs,
                                HostOnlyNet &n) {
  std::string mask = format_ipv4(c.mask());
  auto dl = vbm_out(v, {"list", "dhcpservers"});
  if (!dl) return fail(dl.error());
  std::set<std::string> live;
  for (const auto &i : ifs)
    live.insert("HostInterfaceNetworking-" + i.name);
  live.insert(n.netname);
  const DhcpServer *existing = nullptr;
  auto servers = parse_dhcpservers(*dl);
  for (const auto &fc : parse_dhcp_individual_configs(*dl, n.netname))
    if (!fc.address.empty()) n.fixed.insert(fc.address);
  for (const auto &s : servers) {
    if (s.network_name == n.netname)
      existing = &s;
    else if (s.network_name.rfind("HostInterfaceNetworking-", 0) == 0 &&
             !live.count(s.network_name))
      SC_TRY(vbm(v, {"dhcpserver", "remove", "--netname", s.network_name}));
  }
  if (existing && existing->enabled && existing->netmask == mask &&
      existing->lower == format_ipv4(n.lower) && existing->upper == format_ipv4(n.upper)) {
    auto sip = parse_ipv4(existing->ip);
    if (sip && (*sip & c.mask()) == c.network() && *sip != c.host) {
      n.server_ip = *sip;
      return ok(); // nothing to change
    }
  }
  return vbm(v, {"dhcpserver", existing ? "modify" : "add", "--netname", n.netname, "--ip",
                 format_ipv4(n.server_ip), "--netmask", mask, "--lowerip", format_ipv4(n.lower),
                 "--upperip", format_ipv4(n.upper), "--enable"});
}

Result<HostOnlyNet> setup_hostonly_network(VBoxManage &v, const Cidr &c,
                                           const std::vector<HostIface> &host,
                                           std::chrono::milliseconds appear_timeout) {
  auto out = vbm_out(v, {"list", "hostonlyifs"});
  if (!out) return fail(out.error());
  auto ifs = parse_hostonlyifs(*out);
  SC_TRY(check_hostonly_duplicates(ifs));
  SC_TRY(check_cidr_collision(c, ifs, host));
  std::string mask = format_ipv4(c.mask());
  HostOnlyNet n = dhcp_plan(c);
  for (const auto &i : ifs)
    // A VirtualBox race reports the mask 0x0f000000 (listed as 15.0.0.0; docker-machine saw it
    // through Go as "0f000000") for a correctly configured adapter.
    if (i.ip == format_ipv4(c.host) &&
        (i.netmask == mask || i.netmask == "15.0.0.0" || i.netmask == "0f000000"))
      n.ifname = i.name;
  if (n.ifname.empty()) {
    auto created = create_hostonly_adapter(v, c, ifs, appear_timeout);
    if (!created) return fail(created.error());
    n.ifname = *created;
  }
  n.netname = "HostInterfaceNetworking-" + n.ifname;
  SC_TRY(setup_dhcp_server(v, c, ifs, n));
  return n;
}

DhcpRestart restart_dhcp_server(VBoxManage &v, const std::string &netname) {
  auto r = v.run({"dhcpserver", "restart", "--netname", netname});
  if (!r) return {DhcpRestart::failed, r.error().message};
  if (r->exit_code == 0 && r->err.find("error:") == std::string::npos)
    return {DhcpRestart::restarted, ""};
  std::string line = first_error_line(*r);
  // IDHCPServer::restart of a server that runs for no VM: "not running" (VERR_PROCESS_NOT_FOUND);
  // it reads the new configuration when the first VM on the network starts it.
  if (r->err.find("not running") != std::string::npos ||
      r->err.find("VERR_PROCESS_NOT_FOUND") != std::string::npos)
    return {DhcpRestart::not_running, line};
  // VBoxManage's syntax errors (RTEXITCODE_SYNTAX = 2): "Unknown subcommand: restart".
  if (r->exit_code == 2 || r->err.find("Unknown subcommand") != std::string::npos)
    return {DhcpRestart::unsupported, line};
  return {DhcpRestart::failed, line};
}

Result<int> pick_port(int wanted) {
  for (int attempt = 0; attempt < 12; ++attempt) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return fail(Errc::io, fmt::format("socket: {}", std::strerror(errno)));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(attempt == 0 ? wanted : 0));
    socklen_t len = sizeof a;
    bool bound = ::bind(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
                 ::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&a), &len) == 0;
    if (bound && ntohs(a.sin_port) != 0) return static_cast<int>(ntohs(a.sin_port));
  }
  return fail(Errc::io, "no free TCP port on 127.0.0.1 for the SSH port forward");
}

Status ssh_banner(int port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail(Errc::io, "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
    return fail(Errc::unreachable,
                fmt::format("connect 127.0.0.1:{}: {}", port, std::strerror(errno)));
  pollfd p{fd.get(), POLLIN, 0};
  char buf[8] = {};
  if (::poll(&p, 1, 3000) != 1 || ::recv(fd.get(), buf, 4, 0) != 4 ||
      std::memcmp(buf, "SSH-", 4) != 0)
    return fail(Errc::unreachable, fmt::format("no SSH banner on 127.0.0.1:{}", port));
  return ok();
}

bool take_fixed_ip(const fs::path &lease_dir, const std::string &ip, const std::string &owner) {
  fs::path f = lease_dir / ip;
  Fd fd(::open(f.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) {
    auto cur = read_file(f);
    return cur && *cur == owner; // already ours
  }
  return ::write(fd.get(), owner.data(), owner.size()) == static_cast<ssize_t>(owner.size());
}

Result<std::string> lease_fixed_ip(const fs::path &lease_dir, const Cidr &c, const HostOnlyNet &n,
                                   const std::string &wanted, const std::string &owner) {
  SC_TRY(ensure_dir(lease_dir, 0700));
  auto take = [&](const std::string &ip) { return take_fixed_ip(lease_dir, ip, owner); };
  if (!wanted.empty()) {
    // Kept unless it lies in the DHCP server's dynamic range (an address adopted from a guest
    // whose lease was not honoured): then the machine moves once to a free fixed address.
    auto w = parse_ipv4(wanted);
    if (w && (*w & c.mask()) == c.network() && !(*w >= n.lower && *w <= n.upper) && take(wanted))
      return wanted;
  }
  for (uint32_t a = c.network() + 10; a < c.broadcast(); ++a) {
    if (a == c.host || a == n.server_ip || (a >= n.lower && a <= n.upper)) continue;
    if (n.fixed.count(format_ipv4(a))) continue; // fixed for another VM's NIC
    if (take(format_ipv4(a))) return format_ipv4(a);
  }
  return fail(Errc::generic,
              fmt::format("no free fixed address left in {}/{} outside the DHCP range",
                          format_ipv4(c.network()), c.prefix));
}

void release_fixed_ip(const fs::path &lease_dir, const std::string &ip, const std::string &owner) {
  if (ip.empty()) return;
  auto cur = read_file(lease_dir / ip);
  std::error_code ec;
  if (cur && *cur == owner) fs::remove(lease_dir / ip, ec);
}

} // namespace sc::vbox
