#include <arpa/inet.h>

#include <algorithm>
#include <drivers/virtualbox/parse.hpp>
#include <fmt/format.h>
#include <regex>
#include <sstream>

namespace sc::vbox {
namespace {
std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
    ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
    --b;
  return std::string(s.substr(a, b - a));
}
std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
// Blocks of "Key: value" lines separated by blank lines; indented lines (6.1 DHCP option
// details) belong to no key we read and are skipped.
std::vector<std::map<std::string, std::string>> key_blocks(std::string_view text) {
  std::vector<std::map<std::string, std::string>> out;
  std::map<std::string, std::string> cur;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (trim(line).empty()) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;
    auto c = line.find(':');
    if (c == std::string::npos) continue;
    auto key = lower(trim(line.substr(0, c)));
    if (!cur.count(key)) cur[key] = trim(line.substr(c + 1));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}
} // namespace

std::map<std::string, std::string> parse_machinereadable(std::string_view text) {
  std::map<std::string, std::string> m;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t eq;
    if (!line.empty() && line[0] == '"') { // "SATA-0-0"="..."
      auto close = line.find('"', 1);
      if (close == std::string::npos || close + 1 >= line.size() || line[close + 1] != '=')
        continue;
      eq = close + 1;
    } else {
      eq = line.find('=');
      if (eq == std::string::npos || eq == 0) continue;
    }
    m[unquote(line.substr(0, eq))] = unquote(line.substr(eq + 1));
  }
  return m;
}

State vm_state(std::string_view s) {
  if (s == "running") return State::Running;
  if (s == "paused") return State::Paused;
  if (s == "saved") return State::Saved;
  if (s == "poweroff" || s == "aborted") return State::Stopped;
  if (s == "starting" || s == "restoring") return State::Starting;
  if (s == "stopping" || s == "saving") return State::Stopping;
  return State::None;
}

std::vector<HostOnlyIf> parse_hostonlyifs(std::string_view text) {
  std::vector<HostOnlyIf> out;
  for (auto &b : key_blocks(text)) {
    if (!b.count("name")) continue;
    HostOnlyIf h;
    h.name = b["name"];
    h.guid = b["guid"];
    h.dhcp = lower(b["dhcp"]) == "enabled";
    h.ip = b["ipaddress"];
    h.netmask = b["networkmask"];
    h.hwaddr = b["hardwareaddress"];
    h.status = b["status"];
    h.network_name = b["vboxnetworkname"];
    out.push_back(h);
  }
  return out;
}

std::vector<DhcpServer> parse_dhcpservers(std::string_view text) {
  std::vector<DhcpServer> out;
  for (auto &b : key_blocks(text)) {
    if (!b.count("networkname")) continue;
    DhcpServer d;
    d.network_name = b["networkname"];
    d.ip = b.count("dhcpd ip") ? b["dhcpd ip"] : b["ip"];
    d.netmask = b["networkmask"];
    d.lower = b["loweripaddress"];
    d.upper = b["upperipaddress"];
    d.enabled = lower(b["enabled"]) == "yes";
    out.push_back(d);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>>
parse_dhcp_fixed_addresses(std::string_view text, std::string_view network_name) {
  static const std::regex fixed(R"(^(\s*)Fixed Address:\s*([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\s*$)",
                                std::regex::icase);
  static const std::regex name(R"(^NetworkName:\s*(.*?)\s*$)");
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> block; // lines of the current server's block so far
  bool in = false;
  std::istringstream lines{std::string(text)};
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_match(line, m, name)) {
      in = m[1].str() == network_name;
      block.clear();
      continue;
    }
    if (!in) continue;
    if (std::regex_match(line, m, fixed)) {
      size_t indent = m[1].length();
      std::string label;
      for (auto it = block.rbegin(); it != block.rend(); ++it) {
        size_t ind = it->find_first_not_of(" \t");
        if (ind != std::string::npos && ind < indent) {
          label = trim(*it);
          break;
        }
      }
      out.emplace_back(label, m[2].str());
    }
    block.push_back(line);
  }
  return out;
}

std::vector<VmRef> parse_vm_list(std::string_view text) {
  static const std::regex re(R"re(^"(.*)" \{([0-9a-fA-F-]+)\}\s*$)re");
  std::vector<VmRef> out;
  std::istringstream in{std::string(text)};
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_match(line, m, re)) out.push_back({m[1].str(), m[2].str()});
  return out;
}

Result<Version> parse_version(std::string_view text) {
  static const std::regex re(R"((\d+)\.(\d+)\.(\d+))");
  std::string s = trim(text);
  std::smatch m;
  if (!std::regex_search(s, m, re))
    return fail(Errc::parse, fmt::format("unrecognised VirtualBox version \"{}\"", s));
  return Version{std::stoi(m[1].str()), std::stoi(m[2].str()), std::stoi(m[3].str())};
}

std::optional<std::string> parse_created_interface(std::string_view text) {
  static const std::regex re("Interface '(.+)' was successfully created");
  std::string s(text);
  std::smatch m;
  if (std::regex_search(s, m, re)) return m[1].str();
  return std::nullopt;
}

std::optional<std::string> parse_created_uuid(std::string_view text) {
  static const std::regex re(R"(UUID:\s*([0-9a-fA-F-]{36}))");
  std::string s(text);
  std::smatch m;
  if (std::regex_search(s, m, re)) return m[1].str();
  return std::nullopt;
}

std::optional<uint32_t> parse_ipv4(std::string_view s) {
  in_addr a{};
  std::string str(s);
  if (inet_pton(AF_INET, str.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string format_ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

uint32_t prefix_mask(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

Result<Cidr> parse_cidr(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos)
    return fail(
        Errc::usage,
        fmt::format(
            "--virtualbox-hostonly-cidr: '{}' is not an address/prefix such as 192.168.99.1/24",
            s));
  auto ip = parse_ipv4(s.substr(0, slash));
  int prefix = -1;
  try {
    size_t pos = 0;
    std::string p(s.substr(slash + 1));
    prefix = std::stoi(p, &pos);
    if (pos != p.size()) prefix = -1;
  } catch (...) {
  }
  if (!ip || prefix < 8 || prefix > 30)
    return fail(Errc::usage, fmt::format("--virtualbox-hostonly-cidr: '{}' is not an "
                                         "address/prefix (prefix 8 to 30) such as 192.168.99.1/24",
                                         s));
  Cidr c{*ip, prefix};
  if (c.host == c.network())
    return fail(Errc::usage,
                "host-only cidr must be specified with a host address, not a network address");
  if (c.host == c.broadcast())
    return fail(Errc::usage,
                "host-only cidr must be specified with a host address, not the broadcast address");
  return c;
}

} // namespace sc::vbox
