#pragma once
// Host-only network of the VMs (docker-machine's setupHostOnlyNetwork) and the fixed addresses
// swarmctl gives each VM through VirtualBox's DHCP server (so the IP survives restarts and the
// certificates stay valid; docker-machine #531/#1709); the loopback port of the SSH forward.
#include <chrono>
#include <drivers/virtualbox/parse.hpp>
#include <drivers/virtualbox/vboxmanage.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace sc::vbox {
namespace fs = std::filesystem;

struct HostIface {
  std::string name;
  uint32_t addr = 0;
  int prefix = 0;
  bool up = true;
  bool loopback = false;
};
// IPv4 addresses of this machine's interfaces (getifaddrs).
std::vector<HostIface> host_interfaces();

// Duplicate adapter names/IPs in `list hostonlyifs` (docker-machine's messages).
Status check_hostonly_duplicates(const std::vector<HostOnlyIf> &ifs);
// A host interface that is up, not loopback and not a VirtualBox host-only adapter, whose network
// is the host-only network or lies inside it (docker-machine only caught equal network addresses).
Status check_cidr_collision(const Cidr &c, const std::vector<HostOnlyIf> &ifs,
                            const std::vector<HostIface> &host);
// VirtualBox >= 6.1.28 on Linux/macOS only allows host-only addresses listed in
// /etc/vbox/networks.conf ("* 10.0.0.0/8 192.168.0.0/16"), 192.168.56.0/21 when the file is
// missing.
Status check_networks_conf(const Version &v, const Cidr &c, const fs::path &conf);

struct HostOnlyNet {
  std::string ifname;  // vboxnet0
  std::string netname; // HostInterfaceNetworking-vboxnet0
  uint32_t server_ip = 0, lower = 0, upper = 0;
  // Addresses the DHCP server already fixes for some NIC (other VMs, maybe of another store or
  // user): a new machine does not take them.
  std::set<std::string> fixed;
};
// DHCP server address and dynamic range for a network (docker-machine: .100-.254 for /24 and
// wider).
HostOnlyNet dhcp_plan(const Cidr &c);

// Finds the adapter with the CIDR's address (creating and configuring it when missing), removes
// DHCP servers of adapters that no longer exist and adds/updates the adapter's DHCP server.
Result<HostOnlyNet>
setup_hostonly_network(VBoxManage &v, const Cidr &c, const std::vector<HostIface> &host,
                       std::chrono::milliseconds appear_timeout = std::chrono::seconds(10));

// `VBoxManage dhcpserver restart`: a running DHCP server reads fixed addresses added since it
// started only when restarted. not_running: no VM on the network runs it (it starts with the new
// configuration); unsupported: this VBoxManage has no such subcommand (some 6.1 releases).
struct DhcpRestart {
  enum Outcome { restarted, not_running, unsupported, failed } outcome;
  std::string detail; // VBoxManage's first error line
};
DhcpRestart restart_dhcp_server(VBoxManage &v, const std::string &netname);

// Leases a fixed address for `owner` outside the DHCP range: `wanted` when given (kept across
// restarts), else the lowest free one from .10 up that the DHCP server does not already fix for
// another NIC. Leases are files STORE/virtualbox/leases/<ip>.
Result<std::string> lease_fixed_ip(const fs::path &lease_dir, const Cidr &c, const HostOnlyNet &n,
                                   const std::string &wanted, const std::string &owner);
// The lease file for `ip`, created exclusively for `owner`; true when it is (now or already)
// owner's.
bool take_fixed_ip(const fs::path &lease_dir, const std::string &ip, const std::string &owner);
void release_fixed_ip(const fs::path &lease_dir, const std::string &ip, const std::string &owner);

// A TCP port on 127.0.0.1 for the SSH port forward: `wanted` when it is free, else one the kernel
// picks.
Result<int> pick_port(int wanted);
// The peer at 127.0.0.1:PORT speaks SSH (its first bytes are "SSH-", within 3 s): a VirtualBox
// NAT forward accepts connections before the guest's sshd runs.
Status ssh_banner(int port);

} // namespace sc::vbox
