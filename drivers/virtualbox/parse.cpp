#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <drivers/virtualbox/parse.hpp>
#include <fmt/format.h>
#include <provision/util/printable.hpp>
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
// The blocks of `text` that have `key`, each made into a T by `make`.
template <class T, class Make>
std::vector<T> blocks_with(std::string_view text, const char *key, Make make) {
  std::vector<T> out;
  for (auto &b : key_blocks(text))
    if (b.count(key)) out.push_back(make(b));
  return out;
}

// Reads a VBoxManage machine-readable string starting after its opening quote at `pos`:
// VBoxManage escapes only '"' and '\' (with a backslash). Returns false when the closing quote is
// not on this line (the value goes on on the next one).
bool read_quoted(std::string_view line, size_t &pos, std::string &out) {
  while (pos < line.size()) {
    char c = line[pos++];
    if (c == '"') return true;
    if (c == '\\' && pos < line.size()) c = line[pos++];
    out += c;
  }
  return false;
}
} // namespace

std::map<std::string, std::string> parse_machinereadable(std::string_view text) {
  std::map<std::string, std::string> m;
  std::istringstream in{std::string(text)};
  std::string line, key, value;
  bool open = false; // a quoted value that goes on on the next line
  while (std::getline(in, line)) {
    if (open) {
      value += '\n';
      size_t pos = 0;
      if ((open = !read_quoted(line, pos, value))) continue;
      m[key] = value;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    key.clear();
    value.clear();
    size_t pos = 0;
    if (!line.empty() && line[0] == '"') { // "SATA-0-0"="..."
      pos = 1;
      if (!read_quoted(line, pos, key) || pos >= line.size() || line[pos] != '=') continue;
    } else {
      pos = line.find('=');
      if (pos == std::string::npos || pos == 0) continue;
      key = line.substr(0, pos);
    }
    ++pos; // '='
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      if ((open = !read_quoted(line, pos, value))) continue;
    } else {
      value = line.substr(pos);
    }
    m[key] = value;
  }
  return m;
}

namespace {
struct StateName {
  std::string_view name;
  State state;
  bool transient;
};
// VBoxManageInfo.cpp machineStateToName(…, fShort = true) of VirtualBox 7.x (6.1 prints the same
// names, without aborted-saved).
constexpr StateName k_states[] = {
    {"poweroff", State::Stopped, false},
    {"saved", State::Saved, false},
    {"teleported", State::Stopped, false},
    {"aborted", State::Stopped, false},
    {"aborted-saved", State::Stopped, false},
    {"running", State::Running, false},
    {"paused", State::Paused, false},
    {"gurumeditation", State::Error, false},
    {"teleporting", State::Running, true},
    {"livesnapshotting", State::Running, true},
    {"starting", State::Starting, true},
    {"stopping", State::Stopping, true},
    {"saving", State::Stopping, true},
    {"restoring", State::Starting, true},
    {"teleportingpausedvm", State::Paused, true},
    {"teleportingin", State::Starting, true},
    {"deletingsnapshotlive", State::Running, true},
    {"deletingsnapshotlivepaused", State::Paused, true},
    {"onlinesnapshotting", State::Running, true},
    {"restoringsnapshot", State::Stopped, true},
    {"deletingsnapshot", State::Stopped, true},
    {"settingup", State::Stopped, true},
    {"snapshotting", State::Stopped, true},
};
const StateName *find_state(std::string_view s) {
  for (const auto &n : k_states)
    if (n.name == s) return &n;
  return nullptr;
}
} // namespace

State vm_state(std::string_view s) {
  auto *n = find_state(s);
  return n ? n->state : State::None;
}

bool vm_state_transient(std::string_view s) {
  auto *n = find_state(s);
  return n && n->transient;
}

std::vector<HostOnlyIf> parse_hostonlyifs(std::string_view text) {
  return blocks_with<HostOnlyIf>(text, "name", [](auto &b) {
    return HostOnlyIf{.name = b["name"],
                      .guid = b["guid"],
                      .ip = b["ipaddress"],
                      .netmask = b["networkmask"],
                      .hwaddr = b["hardwareaddress"],
                      .status = b["status"],
                      .network_name = b["vboxnetworkname"],
                      .dhcp = lower(b["dhcp"]) == "enabled"};
  });
}

std::vector<DhcpServer> parse_dhcpservers(std::string_view text) {
  return blocks_with<DhcpServer>(text, "networkname", [](auto &b) {
    return DhcpServer{.network_name = b["networkname"],
                      .ip = b.count("dhcpd ip") ? b["dhcpd ip"] : b["ip"],
                      .netmask = b["networkmask"],
                      .lower = b["loweripaddress"],
                      .upper = b["upperipaddress"],
                      .enabled = lower(b["enabled"]) == "yes"};
  });
}

std::vector<DhcpIndividualConfig> parse_dhcp_individual_configs(std::string_view text,
                                                                std::string_view network_name) {
  static const std::regex vm_nic(
      R"(^Individual Config:\s+VM NIC:\s+(\S+) slot (\d+), MAC (.*?)\s*$)");
  static const std::regex mac(R"(^Individual Config:\s+MAC (.*?)\s*$)");
  static const std::regex fixed(R"(^\s+Fixed Address:\s*(\S+)\s*$)");
  static const std::regex name(R"(^NetworkName:\s*(.*?)\s*$)");
  std::vector<DhcpIndividualConfig> out;
  bool in = false, open = false; // in the server's block; a config line awaits its address
  std::istringstream lines{std::string(text)};
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_match(line, m, name)) {
      in = m[1].str() == network_name;
      open = false;
    } else if (!in) {
      continue;
    } else if (std::regex_match(line, m, vm_nic)) {
      out.push_back(
          {m[1].str(), static_cast<int>(leading_number(m[2].str()).value_or(-1)), m[3].str(), ""});
      open = true;
    } else if (std::regex_match(line, m, mac)) {
      out.push_back({"", -1, m[1].str(), ""});
      open = true;
    } else if (std::regex_match(line, m, fixed)) {
      if (!open) out.push_back({});
      if (m[1].str() != "dynamic") out.back().address = m[1].str();
      open = false;
    }
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

std::optional<long long> leading_number(std::string_view s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string_view::npos) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data() + a, s.data() + s.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

Result<Version> parse_version(std::string_view text) {
  static const std::regex re(R"((\d+)\.(\d+)\.(\d+))");
  std::string s = trim(text);
  std::smatch m;
  if (!std::regex_search(s, m, re))
    return fail(Errc::parse,
                fmt::format("unrecognised VirtualBox version \"{}\"", printable_line(s)));
  auto num = [&](int i) { return static_cast<int>(leading_number(m[i].str()).value_or(0)); };
  return Version{num(1), num(2), num(3)};
}

namespace {
// The first group of the first match of `re` in `text`.
std::optional<std::string> first_group(std::string_view text, const std::regex &re) {
  std::string s(text);
  std::smatch m;
  if (!std::regex_search(s, m, re)) return std::nullopt;
  return m[1].str();
}
} // namespace

std::optional<std::string> parse_created_interface(std::string_view text) {
  static const std::regex re("Interface '(.+)' was successfully created");
  return first_group(text, re);
}

std::optional<std::string> parse_created_uuid(std::string_view text) {
  static const std::regex re(R"(UUID:\s*([0-9a-fA-F-]{36}))");
  return first_group(text, re);
}

std::optional<std::string> vbox_result_code(std::string_view err) {
  // Main/glue/errorprint.cpp GluePrintErrorInfo: "Details: code %Rhrc (0x%RX32), component ...".
  static const std::regex re(R"(Details: code ([A-Za-z0-9_]+) \((0x[0-9a-fA-F]+)\))");
  return first_group(err, re);
}

std::optional<Qcow2Header> parse_qcow2_header(std::string_view h) {
  if (h.size() < 72 || h.substr(0, 4) != std::string_view("QFI\xfb", 4)) return std::nullopt;
  auto be = [&](size_t off, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
      v = v << 8 | static_cast<unsigned char>(h[off + i]);
    return v;
  };
  Qcow2Header q;
  q.version = static_cast<uint32_t>(be(4, 4));
  q.backing_file_offset = be(8, 8);
  q.crypt_method = static_cast<uint32_t>(be(32, 4));
  q.nb_snapshots = static_cast<uint32_t>(be(60, 4));
  if (q.version >= 3 && h.size() >= 80) q.incompatible_features = be(72, 8);
  return q;
}

std::string qcow2_problem(const Qcow2Header &q) {
  if (q.version >= 3)
    return fmt::format("a qcow2 version {} image (qemu-img's default){}", q.version,
                       q.incompatible_features ? fmt::format(" with incompatible features 0x{:x}",
                                                             q.incompatible_features)
                                               : "");
  if (q.crypt_method) return "an encrypted qcow2 image";
  if (q.nb_snapshots) return "a qcow2 image with internal snapshots";
  if (q.backing_file_offset) return "a qcow2 image with a backing file";
  return "";
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
            printable_line(s)));
  auto ip = parse_ipv4(s.substr(0, slash));
  auto p = s.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (ec != std::errc() || end != p.data() + p.size()) prefix = -1;
  if (!ip || prefix < 8 || prefix > 30)
    return fail(Errc::usage, fmt::format("--virtualbox-hostonly-cidr: '{}' is not an "
                                         "address/prefix (prefix 8 to 30) such as 192.168.99.1/24",
                                         printable_line(s)));
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
