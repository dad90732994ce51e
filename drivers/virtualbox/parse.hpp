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
// are unquoted. Quoted names and values are unescaped (VBoxManage writes \" and \\ there) and a
// quoted value may span lines (a description holding newlines). Later duplicates win.
std::map<std::string, std::string> parse_machinereadable(std::string_view text);
// VMState value (every short name VBoxManage 6.1 and 7.x print) -> State: running and the online
// snapshot/teleport states -> Running; paused ones -> Paused; saved -> Saved; poweroff, aborted,
// teleported, aborted-saved (7.0) and the offline snapshot states -> Stopped; gurumeditation ->
// Error; starting/restoring/teleportingin -> Starting; stopping/saving -> Stopping; others -> None.
State vm_state(std::string_view vmstate);
// A state VirtualBox leaves by itself (starting, saving, snapshotting, ...): wait, then act.
bool vm_state_transient(std::string_view vmstate);

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
// One "Individual Config:" of a DHCP server in `list dhcpservers` (6.1+):
//   Individual Config:    VM NIC: <machine uuid> slot <NIC number - 1>, MAC <08:00:27:..>
//   Individual Config:    MAC <08:00:27:..>
// followed by "    Fixed Address:    <ip>" or "dynamic".
struct DhcpIndividualConfig {
  std::string machine_uuid; // VM NIC configs only
  int slot = -1;            // VM NIC configs: the NIC number - 1
  std::string mac;          // as listed (an error code when VirtualBox could not tell)
  std::string address;      // "" when dynamic
};
// The individual configs of the server for `network_name`. A "Fixed Address:" line without a
// config line above it (an unknown layout) still yields an entry with its address.
std::vector<DhcpIndividualConfig> parse_dhcp_individual_configs(std::string_view text,
                                                                std::string_view network_name);

// The result code VBoxManage prints on stderr for a failed API call,
// "VBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component ..." ->
// "VBOX_E_OBJECT_NOT_FOUND"; nullopt without such a line. Unlike the message above it (which
// VBoxSVC may translate), this line is not translated.
std::optional<std::string> vbox_result_code(std::string_view err);

// `list runningvms` / `list vms`: "name" {uuid} lines -> names and uuids.
struct VmRef {
  std::string name, uuid;
};
std::vector<VmRef> parse_vm_list(std::string_view text);

// A decimal number at the start of `s` (after blanks): "2252 MBytes" -> 2252; nullopt otherwise.
std::optional<long long> leading_number(std::string_view s);

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

// The header of a qcow2 image (QEMU's docs/interop/qcow2.txt, big-endian): nullopt when `head`
// (the file's first 104 bytes or more) has no "QFI\xfb" magic.
struct Qcow2Header {
  uint32_t version = 0;
  uint32_t crypt_method = 0;
  uint32_t nb_snapshots = 0;
  uint64_t backing_file_offset = 0;
  uint64_t incompatible_features = 0; // version 3 only
};
std::optional<Qcow2Header> parse_qcow2_header(std::string_view head);
// Why VirtualBox's qcow2 reader (Storage/QCow.cpp) cannot be trusted with this image, "" when it
// can (version 1 or 2, no encryption, snapshots or backing file). Version 3 (qemu-img's default,
// compat=1.1): older VirtualBox releases read versions 1 and 2 only ("uses version 3 which is
// not supported"); 7.x refuses it as soon as one incompatible feature bit is set.
std::string qcow2_problem(const Qcow2Header &h);

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
