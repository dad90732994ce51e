#pragma once
// What a host is: OS (/etc/os-release), init, privileges, Docker — gathered in one round trip.
#include <provision/ssh/runner.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sc {

struct OsRelease {
  std::string id, id_like, version_id, version_codename, pretty_name;
};
// KEY=VALUE lines, one pair of surrounding quotes stripped, junk lines skipped.
Result<OsRelease> parse_os_release(std::string_view text);

struct HostFacts {
  OsRelease os;
  std::string pid1;     // comm of PID 1 ("systemd", "swarmctl-init", "sshd", ...)
  bool systemd = false; // systemd is the running init
  bool is_root = false;
  bool has_sudo = false;
  bool has_docker = false;
  std::string docker_version; // "20.10.24+dfsg1" when installed
  std::string arch;
  // IPv4 addresses configured on the host: {interface, address} (from `ip -o -4 addr show`;
  // empty when the host has no `ip`).
  std::vector<std::pair<std::string, std::string>> ipv4;
};

Result<HostFacts> gather_facts(CommandRunner &r);
// Lines of `ip -o -4 addr show` ("2: eth0    inet 10.0.0.5/24 brd ... scope global eth0\ ...").
std::vector<std::pair<std::string, std::string>> parse_ipv4_addrs(std::string_view text);
// `ip -o -4 addr show` on the host, parsed (the facts carry the same list from their round trip).
Result<std::vector<std::pair<std::string, std::string>>> read_ipv4_addrs(CommandRunner &r);
// The interface that holds `address` on the host, "" when none does (e.g. a NAT'ed public IP) or
// when it is loopback (a host reached through a port forward).
std::string interface_with_address(const HostFacts &f, std::string_view address);
// Parses the output of templates/engine/facts.sh.
Result<HostFacts> parse_facts(std::string_view out);
// Wraps a script so that it runs from a private temp file with stdin closed (as root: sudo -n
// when the SSH user is not root); the script itself is sent on stdin, never on a command line.
std::string script_command(const HostFacts &f);

} // namespace sc
