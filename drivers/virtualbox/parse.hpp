#pragma once
// Parsers for VBoxManage output (the formats of VirtualBox 6.1 and 7.x; 5.x spellings accepted).
#include <cstdint>
#include <drivers/driver.hpp>
#include <map>
#include <optional>
#include <provision/util/result.hpp>
#include <set>
#include <string>
#include <vector>

namespace sc::vbox {

// `showvminfo NAME --machinereadable`: key="value" or key=value lines; quoted keys ("SATA-0-0")
// are unquoted. Later duplicates win.
std::map<std::string, std::string> parse_machinereadable(std::string_view text);
// VMState value -> State: running, paused, saved, poweroff/aborted -> Stopped, starting,
// stopping, others -> None.
State vm_state(std::string_view vmstate);

struct HostOnlyIf {
  std::string name, guid, ip, netmask, hwaddr, status, network_name;
  bool dhcp = false;
};
// `list hostonlyifs`: blocks of "Key:   value" separated by blank lines.
std::vector<HostOnlyIf> parse_hostonlyifs(std::string_view text);

struct DhcpServer {
  std::string network_name, ip, netmask, lower, upper;
  bool enabled = false;
};
// `list dhcpservers` (6.1+: "Dhcpd IP", "LowerIPAddress"; 5.x: "IP", "lowerIPAddress").
std::vector<DhcpServer> parse_dhcpservers(std::string_view text);
// The fixed addresses in `list dhcpservers`' "Individual Configs" of the server for
// `network_name`: {label of the config (the less indented line above, naming the VM/NIC or MAC),
// address}. Tolerant of the layout: any "Fixed Address: a.b.c.d" line in that server's block.
std::vector<std::pair<std::string, std::string>>
parse_dhcp_fixed_addresses(std::string_view text, std::string_view network_name);

// `list runningvms` / `list vms`: "name" {uuid} lines -> names and uuids.
struct VmRef {
  std::string name, uuid;
};
std::vector<VmRef> parse_vm_list(std::string_view text);

// "7.0.14r161095" -> {7, 0, 14}
struct Version {
  int major = 0, minor = 0, patch = 0;
  bool at_least(int a, int b, int c = 0) const {
    if (major != a) return major > a;
    if (minor != b) return minor > b;
    return patch >= c;
  }
};
Result<Version> parse_version(std::string_view text);

// "Interface 'vboxnet1' was successfully created" -> vboxnet1
std::optional<std::string> parse_created_interface(std::string_view text);
// createvm output "UUID: ..." -> uuid
std::optional<std::string> parse_created_uuid(std::string_view text);

// IPv4 helpers.
std::optional<uint32_t> parse_ipv4(std::string_view s);
std::string format_ipv4(uint32_t a);
uint32_t prefix_mask(int prefix);
struct Cidr {
  uint32_t host = 0; // 192.168.99.1
  int prefix = 24;
  uint32_t mask() const { return prefix_mask(prefix); }
  uint32_t network() const { return host & mask(); }
  uint32_t broadcast() const { return network() | ~mask(); }
};
// "192.168.99.1/24"; a network address (192.168.99.0/24) fails with docker-machine's message.
Result<Cidr> parse_cidr(std::string_view s);

} // namespace sc::vbox
