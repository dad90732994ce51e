#include <algorithm>
#include <cstdint>
#include <drivers/virtualbox/archive_writer.hpp>
#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/cloudinit.hpp>
#include <fmt/format.h>

namespace sc::vbox {
Result<std::string> iso9660_image(const std::string &volume_id,
                                  const std::vector<std::pair<std::string, std::string>> &files) {
  std::vector<ArchiveEntry> entries;
  for (const auto &[name, data] : files)
    entries.push_back({name, 0644, data});
  // Rock Ridge (libarchive's default) keeps the names as written ("user-data"); the plain
  // ISO9660 names are libarchive's 8.3 forms. The primary volume id is ISO9660's upper case
  // ("CIDATA"), the Joliet one (what blkid reports) as given: cloud-init accepts both.
  return write_archive("iso9660", {{"volume-id", volume_id}, {"rockridge", "1"}}, entries);
}

std::string mac_colons(const std::string &m) {
  std::string out;
  for (size_t i = 0; i < m.size(); i += 2)
    out += (i ? ":" : "") + m.substr(i, 2);
  return out;
}

std::string mac_for(const std::string &seed) {
  return "080027" + sha256_hex(seed).substr(0, 6);
}

std::string nocloud_user_data(const SeedConfig &c) {
  return fmt::format("#cloud-config\n"
                     "# swarmctl: the SSH user of docker-machine's VirtualBox VMs\n"
                     "users:\n"
                     "  - name: docker\n"
                     "    shell: /bin/bash\n"
                     "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
                     "    lock_passwd: true\n"
                     "    ssh_authorized_keys:\n"
                     "      - {}\n"
                     "ssh_pwauth: false\n"
                     "growpart:\n"
                     "  mode: auto\n"
                     "  devices: [\"/\"]\n",
                     c.pubkey);
}

std::string nocloud_meta_data(const SeedConfig &c) {
  return fmt::format("instance-id: {}\nlocal-hostname: {}\n", c.instance_id, c.hostname);
}

std::string nocloud_network_config(const SeedConfig &c) {
  return fmt::format("version: 2\n"
                     "ethernets:\n"
                     "  eth0:\n"
                     "    match:\n"
                     "      macaddress: \"{}\"\n"
                     "    set-name: eth0\n"
                     "    dhcp4: true\n"
                     "  eth1:\n"
                     "    match:\n"
                     "      macaddress: \"{}\"\n"
                     "    set-name: eth1\n"
                     "    dhcp4: true\n"
                     "    dhcp4-overrides:\n"
                     "      use-routes: false\n",
                     mac_colons(c.mac_nat), mac_colons(c.mac_hostonly));
}

Result<std::string> nocloud_seed_iso(const SeedConfig &c) {
  return iso9660_image("cidata", {{"meta-data", nocloud_meta_data(c)},
                                  {"network-config", nocloud_network_config(c)},
                                  {"user-data", nocloud_user_data(c)}});
}

} // namespace sc::vbox
