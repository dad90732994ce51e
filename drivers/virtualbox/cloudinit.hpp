#pragma once
// --virtualbox-image: a cloud image (VMDK, VDI, qcow2) booted with a cloud-init NoCloud seed ISO
// (volume "cidata": user-data with the "docker" user and the SSH key, meta-data, network-config
// naming the NAT NIC eth0 and the host-only NIC eth1 by MAC address, both on DHCP).
#include <provision/util/result.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sc::vbox {

// An ISO9660 image (libarchive) with Rock Ridge names: the files, in the root directory.
Result<std::string> iso9660_image(const std::string &volume_id,
                                  const std::vector<std::pair<std::string, std::string>> &files);

struct SeedConfig {
  std::string hostname, instance_id, pubkey, mac_nat, mac_hostonly; // MACs as 080027xxxxxx
};
std::string nocloud_user_data(const SeedConfig &c);
std::string nocloud_meta_data(const SeedConfig &c);
std::string nocloud_network_config(const SeedConfig &c);
// The seed ISO (volume "cidata") with the three files.
Result<std::string> nocloud_seed_iso(const SeedConfig &c);
// "0800271a2b3c" -> "08:00:27:1a:2b:3c"
std::string mac_colons(const std::string &mac12);
// A VirtualBox-range MAC (08:00:27 prefix) derived from a seed string, as 12 hex digits.
std::string mac_for(const std::string &seed);

} // namespace sc::vbox
