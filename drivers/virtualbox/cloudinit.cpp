#include <algorithm>
#include <cstdint>
#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/cloudinit.hpp>
#include <fmt/format.h>

namespace sc::vbox {
namespace {
constexpr size_t k_sector = 2048;

void le32(std::string &b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void be32(std::string &b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[off + i] = static_cast<char>((v >> (8 * (3 - i))) & 0xff);
}
void both32(std::string &b, size_t off, uint32_t v) {
  le32(b, off, v);
  be32(b, off + 4, v);
}
void both16(std::string &b, size_t off, uint16_t v) {
  b[off] = static_cast<char>(v & 0xff);
  b[off + 1] = static_cast<char>(v >> 8);
  b[off + 2] = static_cast<char>(v >> 8);
  b[off + 3] = static_cast<char>(v & 0xff);
}
void text(std::string &b, size_t off, size_t len, const std::string &s) {
  for (size_t i = 0; i < len; ++i)
    b[off + i] = i < s.size() ? s[i] : ' ';
}

// One directory record (ECMA-119 9.1).
std::string dir_record(const std::string &name, uint32_t extent, uint32_t size, bool dir) {
  size_t len = 33 + name.size();
  len += len % 2;
  std::string r(len, '\0');
  r[0] = static_cast<char>(len);
  both32(r, 2, extent);
  both32(r, 10, size);
  r[18] = 126; // 2026-01-01 00:00:00 UTC
  r[19] = 1;
  r[20] = 1;
  r[25] = dir ? 2 : 0;
  both16(r, 28, 1);
  r[32] = static_cast<char>(name.size());
  r.replace(33, name.size(), name);
  return r;
}

std::string iso_name(std::string n) {
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::toupper(c); });
  if (n.find('.') == std::string::npos) n += ".";
  return n + ";1";
}
} // namespace

std::string make_iso9660(const std::string &volume_id,
                         const std::vector<std::pair<std::string, std::string>> &files) {
  // Layout: 16 system sectors, PVD (16), terminator (17), L path table (18), M path table (19),
  // root directory (20), then the files.
  const uint32_t root = 20;
  std::string dir = dir_record(std::string(1, '\0'), root, k_sector, true) +
                    dir_record(std::string(1, '\1'), root, k_sector, true);
  uint32_t next = root + 1;
  std::vector<uint32_t> extents;
  for (const auto &[name, data] : files) {
    extents.push_back(next);
    dir += dir_record(iso_name(name), next, static_cast<uint32_t>(data.size()), false);
    next += static_cast<uint32_t>((data.size() + k_sector - 1) / k_sector);
  }
  std::string iso(static_cast<size_t>(next) * k_sector, '\0');
  size_t pvd = 16 * k_sector;
  iso[pvd] = 1;
  iso.replace(pvd + 1, 5, "CD001");
  iso[pvd + 6] = 1;
  text(iso, pvd + 8, 32, "LINUX");
  text(iso, pvd + 40, 32, volume_id);
  both32(iso, pvd + 80, next);
  both16(iso, pvd + 120, 1);
  both16(iso, pvd + 124, 1);
  both16(iso, pvd + 128, k_sector);
  both32(iso, pvd + 132, 10);
  le32(iso, pvd + 140, 18);
  be32(iso, pvd + 148, 19);
  iso.replace(pvd + 156, 34, dir_record(std::string(1, '\0'), root, k_sector, true));
  text(iso, pvd + 190, 623, ""); // volume set, publisher, preparer, application, file ids
  for (size_t off : {813, 830, 847, 864}) { // dates: "not specified"
    text(iso, pvd + off, 16, "0000000000000000");
    iso[pvd + off + 16] = 0;
  }
  iso[pvd + 881] = 1;
  size_t term = 17 * k_sector;
  iso[term] = static_cast<char>(255);
  iso.replace(term + 1, 5, "CD001");
  iso[term + 6] = 1;
  for (uint32_t s : {18u, 19u}) { // root-only path tables
    size_t o = s * k_sector;
    iso[o] = 1;
    if (s == 18)
      le32(iso, o + 2, root);
    else
      be32(iso, o + 2, root);
    iso[o + (s == 18 ? 6 : 7)] = 1; // parent directory number 1
  }
  iso.replace(root * k_sector, dir.size(), dir);
  for (size_t i = 0; i < files.size(); ++i)
    iso.replace(extents[i] * k_sector, files[i].second.size(), files[i].second);
  return iso;
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

std::string nocloud_seed_iso(const SeedConfig &c) {
  return make_iso9660("cidata", {{"meta-data", nocloud_meta_data(c)},
                                 {"network-config", nocloud_network_config(c)},
                                 {"user-data", nocloud_user_data(c)}});
}

} // namespace sc::vbox
