#include <fmt/format.h>
#include <map>
#include <provision/engine/facts.hpp>
#include <provision/templates/render.hpp>
#include <provision/util/printable.hpp>
#include <sstream>

namespace sc {

Result<OsRelease> parse_os_release(std::string_view text) {
  OsRelease o;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    while (!v.empty() && (v.back() == '\r' || v.back() == ' '))
      v.pop_back();
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    if (k == "ID")
      o.id = v;
    else if (k == "ID_LIKE")
      o.id_like = v;
    else if (k == "VERSION_ID")
      o.version_id = v;
    else if (k == "VERSION_CODENAME")
      o.version_codename = v;
    else if (k == "PRETTY_NAME")
      o.pretty_name = v;
  }
  if (o.id.empty()) return fail(Errc::parse, "/etc/os-release has no ID");
  return o;
}

Result<HostFacts> parse_facts(std::string_view out) {
  std::map<std::string, std::string> sec;
  std::string cur;
  std::istringstream in{std::string(out)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("==", 0) == 0) {
      cur = line.substr(2);
      sec[cur];
      continue;
    }
    if (!cur.empty()) sec[cur] += line + "\n";
  }
  auto first = [&](const std::string &k) {
    auto v = sec[k];
    auto nl = v.find('\n');
    return nl == std::string::npos ? v : v.substr(0, nl);
  };
  HostFacts f;
  auto os = parse_os_release(sec["os-release"]);
  if (!os)
    return fail(Errc::unsupported, "OS type not recognized: the host has no /etc/os-release");
  f.os = *os;
  f.pid1 = first("pid1");
  f.is_root = first("uid") == "0";
  f.has_sudo = first("sudo") == "yes";
  f.systemd = first("systemd") == "yes" && f.pid1 == "systemd";
  auto d = first("docker");
  f.has_docker = d != "none" && !d.empty();
  if (f.has_docker) {
    // "Docker version 20.10.24+dfsg1, build 5d6db84"
    auto p = d.find("version ");
    if (p != std::string::npos) {
      auto v = d.substr(p + 8);
      f.docker_version = printable_word(v.substr(0, v.find(',')));
    }
  }
  f.arch = first("arch");
  f.ipv4 = parse_ipv4_addrs(sec["ipv4"]);
  return f;
}

std::vector<std::pair<std::string, std::string>> parse_ipv4_addrs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string index, iface, family, cidr;
    if (!(words >> index >> iface >> family >> cidr) || family != "inet") continue;
    if (auto at = iface.find('@'); at != std::string::npos) iface.resize(at); // "eth0@if12"
    if (!iface.empty() && iface.back() == ':') iface.pop_back();
    auto slash = cidr.find('/');
    if (slash != std::string::npos) cidr.resize(slash);
    if (!iface.empty() && !cidr.empty()) out.emplace_back(iface, cidr);
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> read_ipv4_addrs(CommandRunner &r) {
  auto out = run_ok(r, "read the host's addresses", "ip -o -4 addr show");
  if (!out) return fail(out.error());
  return parse_ipv4_addrs(out->out);
}

std::string interface_with_address(const HostFacts &f, std::string_view address) {
  // A loopback address (a host reached through a port forward) names no cluster interface.
  if (address.rfind("127.", 0) == 0) return "";
  for (const auto &[iface, addr] : f.ipv4)
    if (addr == address && iface != "lo") return iface;
  return "";
}

Result<HostFacts> gather_facts(CommandRunner &r) {
  auto script = render_template("engine/facts.sh", {});
  if (!script) return fail(script.error());
  auto res = run_ok(r, "detect the host", *script);
  if (!res) return fail(res.error());
  return parse_facts(res->out);
}

std::string script_command(const HostFacts &f) {
  std::string body = "umask 077; f=$(mktemp /tmp/swarmctl.XXXXXX) && cat > \"$f\" && bash \"$f\" "
                     "</dev/null; rc=$?; rm -f \"$f\"; exit $rc";
  if (f.is_root) return "sh -c '" + body + "'";
  return "sudo -n sh -c '" + body + "'";
}

} // namespace sc
