#pragma once
// Small network helpers used by drivers and commands.
#include <chrono>
#include <provision/util/fd.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {
// A connected non-blocking, close-on-exec TCP socket to host:port within timeout; errors worded as
// Go's dialer ("dial tcp H:P: ..."), Errc::unreachable / Errc::timeout.
Result<Fd> tcp_connect(const std::string &host, int port, std::chrono::milliseconds timeout);
// TCP connect to host:port within timeout; Errc::unreachable / Errc::timeout otherwise.
Status tcp_probe(const std::string &host, int port, std::chrono::milliseconds timeout);
// Splits "tcp://host:port" (or "host:port") into host and port; Errc::usage when malformed.
struct HostPort {
  std::string host;
  int port = 0;
};
Result<HostPort> parse_host_port(std::string_view url, int default_port = 0);
bool is_ip_address(std::string_view s);
// An engine URL swarmctl prints for shells (`env`, `config`) and accepts from `--url`: exactly
// tcp://HOST:PORT, HOST an IPv4 address, a [bracketed] IPv6 address or a DNS name (letters,
// digits, '-', '.', '_'), PORT 1-65535. Errc::usage naming the URL otherwise.
Status check_engine_url(std::string_view url);
// "192.168.99.10" inside "192.168.99.1/24" (the network of a host address and prefix).
bool ipv4_in_network(std::string_view addr, std::string_view cidr);
} // namespace sc
