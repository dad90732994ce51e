// Pre-create check and create of the virtualbox driver (boot2docker, imported VM, cloud image).
#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/cloudinit.hpp>
#include <drivers/virtualbox/driver.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
#include <fstream>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>
#include <thread>

namespace sc::vbox {

VBoxManage &VBoxDriver::v() {
  if (!m_vbm) m_vbm = m_deps.vbm ? m_deps.vbm : make_process_vboxmanage(find_vboxmanage());
  return *m_vbm;
}

static bool cpuinfo_has_vtx() {
  auto info = read_file("/proc/cpuinfo");
  if (!info) return true; // cannot tell: let VirtualBox decide
  return info->find(" vmx") != std::string::npos || info->find(" svm") != std::string::npos;
}

Status VBoxDriver::pre_create_check() {
  if (!m_deps.vbm && find_vboxmanage().empty())
    return fail(Errc::precreate, "VBoxManage not found. Make sure VirtualBox is installed and "
                                 "VBoxManage is in the PATH (or set VBOX_INSTALL_PATH)");
  auto out = vbm_out(v(), {"--version"});
  if (!out) return fail(Errc::precreate, out.error().message);
  auto ver = parse_version(*out);
  if (!ver) return fail(Errc::precreate, ver.error().message);
  if (!ver->at_least(6, 1))
    return fail(Errc::precreate,
                fmt::format("We support Virtualbox starting with version 6.1 (fixed host-only "
                            "addresses need its DHCP server). Your VirtualBox install is \"{}\". "
                            "Please upgrade at https://www.virtualbox.org",
                            *out.map([](std::string s) {
                              while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
                                s.pop_back();
                              return s;
                            })));
  SC_TRY(check_host_arch());
  if (!m_no_vtx && !(m_deps.cpu_has_vtx ? m_deps.cpu_has_vtx() : cpuinfo_has_vtx()))
    return fail(Errc::precreate, "This computer doesn't have VT-X/AMD-v enabled. Enabling it in "
                                 "the BIOS is mandatory (or use --virtualbox-no-vtx-check)");
  // Never adopt (and later delete) a VM swarmctl did not create.
  auto existing = v().run({"showvminfo", m_name, "--machinereadable"});
  if (existing && existing->exit_code == 0)
    return fail(
        Errc::precreate,
        fmt::format("a VirtualBox VM named \"{}\" already exists; swarmctl will not take it over",
                    m_name));
  if (!m_import_vm.empty()) {
    auto imp = v().run({"showvminfo", m_import_vm, "--machinereadable"});
    if (!imp || imp->exit_code != 0)
      return fail(Errc::precreate,
                  fmt::format("--virtualbox-import-boot2docker-vm: no VirtualBox VM named \"{}\"",
                              m_import_vm));
  }
  auto cidr = parse_cidr(m_cidr);
  if (!cidr) return fail(Errc::precreate, cidr.error().message);
  SC_TRY(check_networks_conf(*ver, *cidr, m_deps.networks_conf));
  auto ifs = vbm_out(v(), {"list", "hostonlyifs"});
  if (!ifs && ifs.error().code == Errc::unsupported)
    // VirtualBox 7 on macOS: host-only adapters gave way to host-only networks (vmnet), whose DHCP
    // is macOS's own: VirtualBox cannot fix a VM's address there (no `dhcpserver --fixed-address`).
    return fail(Errc::precreate,
                fmt::format("this VirtualBox {}.{}.{} has no host-only adapters (`{}`), only "
                            "host-only networks (`hostonlynet`, macOS): their DHCP server cannot "
                            "give a VM a fixed address, which this driver needs; use VirtualBox on "
                            "a Linux host",
                            ver->major, ver->minor, ver->patch, ifs.error().message));
  if (!ifs) return fail(Errc::precreate, ifs.error().message);
  auto parsed = parse_hostonlyifs(*ifs);
  SC_TRY(check_hostonly_duplicates(parsed));
  SC_TRY(check_cidr_collision(*cidr, parsed,
                              m_deps.host_ifaces ? m_deps.host_ifaces() : host_interfaces()));
  if (!m_image.empty()) return check_image();
  // The ISO is fetched here, like docker-machine, so that nothing is created when it is missing.
  auto iso = ensure_iso({m_b2d_url, m_b2d_sha256, m_store / "cache", m_ui});
  if (!iso) return fail(Errc::precreate, iso.error().message);
  return ok();
}

Status VBoxDriver::create_disk() {
  if (m_ui) m_ui->info("Creating SSH key...");
  std::error_code ec;
  // RSA: boot2docker's sshd predates ed25519 in some builds. A key pair already in the machine
  // dir (a create that is retried) is kept.
  if (!fs::exists(key_path(), ec) || !fs::exists(key_path().string() + ".pub", ec))
    SC_TRY(generate_ssh_key(key_path(), KeyType::Rsa));
  auto pub = read_public_key(key_path());
  if (!pub) return fail(pub.error());
  fs::path raw = m_dir / "userdata.raw";
  SC_TRY(write_raw_disk(raw, *pub + "\n", static_cast<uint64_t>(m_disk_mb) << 20));
  auto st = vbm(
      v(), {"convertfromraw", raw.string(), (m_dir / "disk.vmdk").string(), "--format", "VMDK"});
  fs::remove(raw, ec);
  return st;
}

Status VBoxDriver::import_disk() {
  (void)v().run({"controlvm", m_import_vm, "poweroff"}); // errors ignored, as docker-machine
  auto out = vbm_out(v(), {"showvminfo", m_import_vm, "--machinereadable"});
  if (!out) return fail(out.error());
  auto kv = parse_machinereadable(*out);
  if (kv["SATA-1-0"].empty())
    return fail(Errc::generic, fmt::format("VM {} has no disk on SATA port 1", m_import_vm));
  SC_TRY(vbm(v(), {"clonehd", kv["SATA-1-0"], (m_dir / "disk.vmdk").string()}));
  if (auto n = leading_number(kv["cpus"])) m_cpus = static_cast<int>(*n);
  if (auto n = leading_number(kv["memory"])) m_memory = static_cast<int>(*n);
  fs::path home = m_deps.home.empty()
                      ? fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/root")
                      : m_deps.home;
  auto key = read_file(home / ".ssh" / "id_boot2docker");
  if (!key) return fail(key.error().context("import the boot2docker VM's SSH key"));
  SC_TRY(atomic_write(key_path(), *key, 0600));
  auto pub = read_file(home / ".ssh" / "id_boot2docker.pub");
  if (pub) SC_TRY(atomic_write(key_path().string() + ".pub", *pub, 0644));
  return ok();
}

Status VBoxDriver::configure_vm() {
  auto onoff = [](bool b) { return std::string(b ? "on" : "off"); };
  // docker-machine's settings, as option/value pairs.
  const std::vector<std::pair<const char *, std::string>> settings{
      {"--firmware", "bios"},
      {"--bioslogofadein", "off"},
      {"--bioslogofadeout", "off"},
      {"--bioslogodisplaytime", "0"},
      {"--biosbootmenu", "disabled"},
      {"--ostype", "Linux26_64"},
      {"--cpus", std::to_string(m_cpus)},
      {"--memory", std::to_string(m_memory)},
      {"--acpi", "on"},
      {"--ioapic", "on"},
      {"--rtcuseutc", "on"},
      {"--natdnshostresolver1", onoff(m_host_dns)},
      {"--natdnsproxy1", onoff(m_dns_proxy)},
      {"--cpuhotplug", "off"},
      {"--pae", "on"},
      {"--hpet", "on"},
      {"--hwvirtex", "on"},
      {"--nestedpaging", "on"},
      {"--largepages", "on"},
      {"--vtxvpid", "on"},
      {"--accelerate3d", "off"},
      {"--boot1", m_image.empty() ? "dvd" : "disk"}};
  std::vector<std::string> modify{"modifyvm", m_name};
  for (const auto &[option, value] : settings)
    modify.insert(modify.end(), {option, value});
  SC_TRY(vbm(v(), modify));
  std::vector<std::string> nic1{
      "modifyvm", m_name, "--nic1", "nat", "--nictype1", m_nat_nictype, "--cableconnected1", "on"};
  if (!m_image.empty())
    nic1.insert(nic1.end(), {"--macaddress1", m_mac_nat}); // named eth0 by network-config
  SC_TRY(vbm(v(), nic1));
  SC_TRY(
      vbm(v(), {"storagectl", m_name, "--name", "SATA", "--add", "sata", "--hostiocache", "on"}));
  SC_TRY(vbm(v(), {"storageattach", m_name, "--storagectl", "SATA", "--port", "0", "--device", "0",
                   "--type", "dvddrive", "--medium",
                   (m_dir / (m_image.empty() ? "boot2docker.iso" : "seed.iso")).string()}));
  SC_TRY(vbm(v(), {"storageattach", m_name, "--storagectl", "SATA", "--port", "1", "--device", "0",
                   "--type", "hdd", "--medium",
                   (m_dir / (m_image.empty() ? "disk.vmdk" : "disk.vdi")).string()}));
  SC_TRY(vbm(v(), {"guestproperty", "set", m_name, "/VirtualBox/GuestAdd/SharedFolders/MountPrefix",
                   "/"}));
  SC_TRY(vbm(v(),
             {"guestproperty", "set", m_name, "/VirtualBox/GuestAdd/SharedFolders/MountDir", "/"}));
  std::string dir = m_deps.share_dir.string(), name = m_deps.share_name;
  if (!m_share_folder.empty()) {
    auto c = m_share_folder.rfind(':'); // split at the last ':' (Windows paths have one)
    dir = c == std::string::npos ? m_share_folder : m_share_folder.substr(0, c);
    name = c == std::string::npos ? "" : m_share_folder.substr(c + 1);
    if (name.empty())
      name =
          dir.substr(dir.find_first_not_of('/') == std::string::npos ? dir.size()
                                                                     : dir.find_first_not_of('/'));
  }
  std::error_code ec;
  if (!m_no_share && !dir.empty() && fs::is_directory(dir, ec)) {
    SC_TRY(vbm(v(),
               {"sharedfolder", "add", m_name, "--name", name, "--hostpath", dir, "--automount"}));
    SC_TRY(vbm(v(), {"setextradata", m_name,
                     "VBoxInternal2/SharedFoldersEnableSymlinksCreate/" + name, "1"}));
  }
  return ok();
}

Status VBoxDriver::create() {
  if (!m_image.empty()) {
    if (m_ui) m_ui->info("Creating VirtualBox VM from the cloud image...");
    SC_TRY(image_disk());
    auto out =
        vbm_out(v(), {"createvm", "--basefolder", m_dir.string(), "--name", m_name, "--register"});
    if (!out) return fail(out.error());
    auto uuid = parse_created_uuid(*out);
    if (!uuid) return fail(Errc::parse, "VBoxManage createvm: no UUID in its output");
    m_uuid = *uuid;
    SC_TRY(configure_vm());
    if (m_ui) m_ui->info("Starting the VM...");
    return start();
  }
  auto iso = ensure_iso({m_b2d_url, m_b2d_sha256, m_store / "cache", m_ui});
  if (!iso) return fail(iso.error());
  if (m_ui)
    m_ui->info(
        fmt::format("Copying {} to {}...", iso->string(), (m_dir / "boot2docker.iso").string()));
  std::error_code ec;
  fs::copy_file(*iso, m_dir / "boot2docker.iso", fs::copy_options::overwrite_existing, ec);
  if (ec) return fail(Errc::io, fmt::format("copy the boot2docker ISO: {}", ec.message()));
  if (m_ui) m_ui->info("Creating VirtualBox VM...");
  SC_TRY(m_import_vm.empty() ? create_disk() : import_disk());
  auto out =
      vbm_out(v(), {"createvm", "--basefolder", m_dir.string(), "--name", m_name, "--register"});
  if (!out) return fail(out.error());
  auto uuid = parse_created_uuid(*out);
  if (!uuid) {
    // Older output without the UUID line: read it back (the VM is ours: it lives in m_dir).
    auto kv = info();
    if (!kv) return fail(kv.error());
    m_uuid = (*kv)["UUID"];
  } else {
    m_uuid = *uuid;
  }
  SC_TRY(configure_vm());
  if (m_ui) m_ui->info("Starting the VM...");
  return start();
}

} // namespace sc::vbox
