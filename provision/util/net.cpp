#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <provision/util/fd.hpp>
#include <provision/util/net.hpp>
#include <provision/util/number.hpp>
#include <string>

namespace sc {

bool is_ip_address(std::string_view s) {
  std::string str(s);
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, str.c_str(), &a4) == 1 || inet_pton(AF_INET6, str.c_str(), &a6) == 1;
}

Status check_engine_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return fail(Errc::usage,
                fmt::format("engine URL \"{}\" is not tcp://HOST:PORT ({})", url, why));
  };
  constexpr std::string_view scheme = "tcp://";
  if (url.substr(0, scheme.size()) != scheme) return bad("it must start with tcp://");
  auto rest = url.substr(scheme.size());
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  auto host = rest.substr(0, colon), port = rest.substr(colon + 1);
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
    return bad("the port must be a number from 1 to 65535");
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    std::string v6(host.substr(1, host.size() - 2));
    in6_addr a6{};
    if (inet_pton(AF_INET6, v6.c_str(), &a6) != 1) return bad("not an IPv6 address");
    return ok();
  }
  if (host.empty() || host.size() > 253) return bad("no host");
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_')
      return bad("the host may hold only letters, digits, '-', '.' and '_'");
  if (host.front() == '-' || host.front() == '.') return bad("the host starts with '-' or '.'");
  return ok();
}

bool ipv4_in_network(std::string_view addr, std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  auto prefix = parse_number_in<int>(cidr.substr(slash + 1), 0, 32);
  if (!prefix) return false;
  in_addr a{}, n{};
  if (inet_pton(AF_INET, std::string(addr).c_str(), &a) != 1 ||
      inet_pton(AF_INET, std::string(cidr.substr(0, slash)).c_str(), &n) != 1)
    return false;
  uint32_t mask = *prefix == 0 ? 0 : ~uint32_t(0) << (32 - *prefix);
  return (ntohl(a.s_addr) & mask) == (ntohl(n.s_addr) & mask);
}

Result<Fd> tcp_connect(const std::string &host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *res = nullptr;
  auto port_s = std::to_string(port);
  if (getaddrinfo(host.c_str(), port_s.c_str(), &hints, &res) != 0 || !res)
    return fail(Errc::unreachable,
                fmt::format("dial tcp {}:{}: lookup {}: no such host", host, port, host));
  Fd fd(socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) {
    freeaddrinfo(res);
    return fail(Errc::io, fmt::format("socket: {}", std::strerror(errno)));
  }
  int rc = connect(fd.get(), res->ai_addr, res->ai_addrlen);
  int connect_errno = errno;
  freeaddrinfo(res);
  if (rc != 0 && connect_errno != EINPROGRESS)
    return fail(Errc::unreachable, fmt::format("dial tcp {}:{}: connect: {}", host, port,
                                               std::strerror(connect_errno)));
  if (rc != 0) {
    pollfd p{fd.get(), POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(timeout.count()));
    if (n <= 0) return fail(Errc::timeout, fmt::format("dial tcp {}:{}: i/o timeout", host, port));
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0)
      return fail(Errc::unreachable,
                  fmt::format("dial tcp {}:{}: connect: {}", host, port, std::strerror(err)));
  }
  return Result<Fd>(std::move(fd));
}

Status tcp_probe(const std::string &host, int port, std::chrono::milliseconds timeout) {
  auto fd = tcp_connect(host, port, timeout);
  if (!fd) return fail(fd.error());
  return ok();
}

Result<HostPort> parse_host_port(std::string_view url, int default_port) {
  std::string s(url);
  auto scheme = s.find("://");
  if (scheme != std::string::npos) s = s.substr(scheme + 3);
  auto slash = s.find('/');
  if (slash != std::string::npos) s = s.substr(0, slash);
  HostPort hp;
  if (!s.empty() && s[0] == '[') {
    auto close_b = s.find(']');
    if (close_b == std::string::npos) return fail(Errc::usage, fmt::format("bad address: {}", url));
    hp.host = s.substr(1, close_b - 1);
    s = s.substr(close_b + 1);
    if (!s.empty() && s[0] == ':')
      s = s.substr(1);
    else
      s.clear();
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) {
      hp.host = s;
      s.clear();
    } else {
      hp.host = s.substr(0, colon);
      s = s.substr(colon + 1);
    }
  }
  if (s.empty()) {
    hp.port = default_port;
  } else {
    auto port = parse_port(s);
    if (!port) return fail(Errc::usage, fmt::format("bad port in address: {}", url));
    hp.port = *port;
  }
  if (hp.host.empty()) return fail(Errc::usage, fmt::format("bad address: {}", url));
  return hp;
}
} // namespace sc
