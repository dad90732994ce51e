// Flags, record, pre-create check and create of the virtualbox driver.
#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/cloudinit.hpp>
#include <drivers/virtualbox/driver.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
#include <fstream>
#include <provision/base/fs.hpp>
#include <provision/ssh/keys.hpp>
#include <thread>

namespace sc::vbox {

std::vector<FlagSpec> VBoxDriver::create_flags() const {
  using K = FlagSpec::Kind;
  return {
      {"virtualbox-memory", K::Int, "1024", "VIRTUALBOX_MEMORY_SIZE",
       "Size of memory for host in MB"},
      {"virtualbox-cpu-count", K::Int, "1", "VIRTUALBOX_CPU_COUNT",
       "number of CPUs for the machine (-1 to use the number of CPUs available)"},
      {"virtualbox-disk-size", K::Int, "20000", "VIRTUALBOX_DISK_SIZE",
       "Size of disk for host in MB"},
      {"virtualbox-boot2docker-url", K::String, "", "VIRTUALBOX_BOOT2DOCKER_URL",
       "The URL of the boot2docker image (http(s):// or file://; downloaded once into "
       "STORE/cache). Defaults to the last boot2docker release"},
      {"virtualbox-boot2docker-sha256", K::String, "", "VIRTUALBOX_BOOT2DOCKER_SHA256",
       "Expected SHA-256 of the boot2docker image"},
      {"virtualbox-import-boot2docker-vm", K::String, "", "VIRTUALBOX_BOOT2DOCKER_IMPORT_VM",
       "The name of a Boot2Docker VM to import"},
      {"virtualbox-host-dns-resolver", K::Bool, "false", "VIRTUALBOX_HOST_DNS_RESOLVER",
       "Use the host DNS resolver"},
      {"virtualbox-nat-nictype", K::String, "82540EM", "VIRTUALBOX_NAT_NICTYPE",
       "Specify the Network Adapter Type"},
      {"virtualbox-hostonly-cidr", K::String, "192.168.99.1/24", "VIRTUALBOX_HOSTONLY_CIDR",
       "Specify the Host Only CIDR"},
      {"virtualbox-hostonly-nictype", K::String, "82540EM", "VIRTUALBOX_HOSTONLY_NIC_TYPE",
       "Specify the Host Only Network Adapter Type"},
      {"virtualbox-hostonly-nicpromisc", K::String, "deny", "VIRTUALBOX_HOSTONLY_NIC_PROMISC",
       "Specify the Host Only Network Adapter Promiscuous Mode"},
      {"virtualbox-ui-type", K::String, "headless", "VIRTUALBOX_UI_TYPE",
       "Specify the UI Type: (gui|sdl|headless|separate)"},
      {"virtualbox-no-share", K::Bool, "false", "VIRTUALBOX_NO_SHARE",
       "Disable the mount of your home directory"},
      {"virtualbox-share-folder", K::String, "", "VIRTUALBOX_SHARE_FOLDER",
       "Mount the specified directory instead of the default home location. Format: dir:name"},
      {"virtualbox-no-dns-proxy", K::Bool, "false", "VIRTUALBOX_NO_DNS_PROXY",
       "Disable proxying all DNS requests to the host"},
      {"virtualbox-dns-proxy", K::Bool, "false", "VIRTUALBOX_DNS_PROXY",
       "Proxy all DNS requests to the host (the default; kept for old scripts)"},
      {"virtualbox-image", K::String, "", "VIRTUALBOX_IMAGE",
       "Cloud image to boot instead of boot2docker (VMDK, VDI or qcow2; a path or an http(s)/file "
       "URL, cached), configured by a cloud-init NoCloud seed ISO"},
      {"virtualbox-no-vtx-check", K::Bool, "false", "VIRTUALBOX_NO_VTX_CHECK",
       "Disable checking for the availability of hardware virtualization before the vm is started"},
  };
}

Status VBoxDriver::configure(const DriverContext &ctx, const FlagValues &f) {
  bind(ctx);
  auto mem = f.integer("virtualbox-memory", 1024);
  SC_TRY(mem);
  auto cpus = f.integer("virtualbox-cpu-count", 1);
  SC_TRY(cpus);
  auto disk = f.integer("virtualbox-disk-size", 20000);
  SC_TRY(disk);
  if (*mem < 64 || *mem > 1024 * 1024)
    return fail(Errc::usage, fmt::format("--virtualbox-memory: {} MB is out of range", *mem));
  if (*disk < 16 || *disk > 64 * 1024 * 1024)
    return fail(Errc::usage, fmt::format("--virtualbox-disk-size: {} MB is out of range", *disk));
  long long n = *cpus;
  if (n < 1) n = std::max(1u, std::thread::hardware_concurrency()); // -1: all host CPUs
  m_cpus = static_cast<int>(std::min(n, 32LL));
  m_memory = static_cast<int>(*mem);
  m_disk_mb = static_cast<int>(*disk);
  m_b2d_url = f.str("virtualbox-boot2docker-url");
  m_b2d_sha256 = f.str("virtualbox-boot2docker-sha256");
  m_import_vm = f.str("virtualbox-import-boot2docker-vm");
  m_host_dns = f.boolean("virtualbox-host-dns-resolver");
  m_nat_nictype = f.str("virtualbox-nat-nictype", "82540EM");
  m_cidr = f.str("virtualbox-hostonly-cidr", "192.168.99.1/24");
  auto c = parse_cidr(m_cidr);
  if (!c) return fail(c.error());
  m_ho_nictype = f.str("virtualbox-hostonly-nictype", "82540EM");
  m_ho_promisc = f.str("virtualbox-hostonly-nicpromisc", "deny");
  if (m_ho_promisc != "deny" && m_ho_promisc != "allow-vms" && m_ho_promisc != "allow-all")
    return fail(Errc::usage,
                "--virtualbox-hostonly-nicpromisc: expected deny, allow-vms or allow-all");
  m_ui_type = f.str("virtualbox-ui-type", "headless");
  if (m_ui_type != "headless" && m_ui_type != "gui" && m_ui_type != "sdl" &&
      m_ui_type != "separate")
    return fail(Errc::usage, "--virtualbox-ui-type: expected gui, sdl, headless or separate");
  m_no_share = f.boolean("virtualbox-no-share");
  m_share_folder = f.str("virtualbox-share-folder");
  m_dns_proxy = !f.boolean("virtualbox-no-dns-proxy");
  m_no_vtx = f.boolean("virtualbox-no-vtx-check");
  m_image = f.str("virtualbox-image");
  if (!m_image.empty() && !m_import_vm.empty())
    return fail(
        Errc::usage,
        "--virtualbox-image and --virtualbox-import-boot2docker-vm cannot be used together");
  if (!m_image.empty() && m_image.find("://") == std::string::npos)
    m_image = fs::absolute(m_image).string();
  return ok();
}

void VBoxDriver::bind(const DriverContext &ctx) {
  m_name = ctx.machine_name;
  m_dir = ctx.machine_dir;
  m_store = ctx.store_path;
  m_ui = ctx.ui;
}

nlohmann::json VBoxDriver::to_json() const {
  return {{"IPAddress", m_ip},
          {"MachineName", m_name},
          {"SSHUser", "docker"},
          {"SSHPort", m_ssh_port},
          {"SSHKeyPath", key_path().string()},
          {"StorePath", m_store.string()},
          {"SwarmMaster", false},
          {"SwarmHost", ""},
          {"SwarmDiscovery", ""},
          {"VBoxManager", nlohmann::json::object()},
          {"HostInterfaces", nlohmann::json::object()},
          {"CPU", m_cpus},
          {"Memory", m_memory},
          {"DiskSize", m_disk_mb},
          {"NatNicType", m_nat_nictype},
          {"Boot2DockerURL", m_b2d_url},
          {"Boot2DockerSHA256", m_b2d_sha256},
          {"Boot2DockerImportVM", m_import_vm},
          {"HostDNSResolver", m_host_dns},
          {"HostOnlyCIDR", m_cidr},
          {"HostOnlyNicType", m_ho_nictype},
          {"HostOnlyPromiscMode", m_ho_promisc},
          {"UIType", m_ui_type},
          {"HostOnlyNoDHCP", false},
          {"NoShare", m_no_share},
          {"DNSProxy", m_dns_proxy},
          {"NoVTXCheck", m_no_vtx},
          {"ShareFolder", m_share_folder},
          {"UUID", m_uuid},
          {"HostOnlyInterface", m_hostonly_if},
          {"DHCPNetwork", m_dhcp_net},
          {"Image", m_image},
          {"MACNat", m_mac_nat},
          {"MACHostOnly", m_mac_hostonly}};
}

Status VBoxDriver::from_json(const nlohmann::json &j) {
  try {
    m_ip = j.value("IPAddress", "");
    m_ssh_port = j.value("SSHPort", 0);
    m_cpus = j.value("CPU", 1);
    m_memory = j.value("Memory", 1024);
    m_disk_mb = j.value("DiskSize", 20000);
    m_nat_nictype = j.value("NatNicType", "82540EM");
    m_b2d_url = j.value("Boot2DockerURL", "");
    m_b2d_sha256 = j.value("Boot2DockerSHA256", "");
    m_import_vm = j.value("Boot2DockerImportVM", "");
    m_host_dns = j.value("HostDNSResolver", false);
    m_cidr = j.value("HostOnlyCIDR", "192.168.99.1/24");
    m_ho_nictype = j.value("HostOnlyNicType", "82540EM");
    m_ho_promisc = j.value("HostOnlyPromiscMode", "deny");
    m_ui_type = j.value("UIType", "headless");
    m_no_share = j.value("NoShare", false);
    m_dns_proxy = j.value("DNSProxy", true);
    m_no_vtx = j.value("NoVTXCheck", false);
    m_share_folder = j.value("ShareFolder", "");
    m_uuid = j.value("UUID", "");
    m_hostonly_if = j.value("HostOnlyInterface", "");
    m_dhcp_net = j.value("DHCPNetwork", "");
    m_image = j.value("Image", "");
    m_mac_nat = j.value("MACNat", "");
    m_mac_hostonly = j.value("MACHostOnly", "");
  } catch (const std::exception &e) {
    return fail(Errc::parse, fmt::format("virtualbox driver config: {}", e.what()));
  }
  return ok();
}

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
  if (!ifs) return fail(Errc::precreate, ifs.error().message);
  auto parsed = parse_hostonlyifs(*ifs);
  SC_TRY(check_hostonly_duplicates(parsed));
  SC_TRY(check_cidr_collision(*cidr, parsed,
                              m_deps.host_ifaces ? m_deps.host_ifaces() : host_interfaces()));
  if (!m_image.empty()) {
    if (m_image.find("://") == std::string::npos) {
      std::error_code ec;
      if (!fs::is_regular_file(m_image, ec))
        return fail(Errc::precreate, fmt::format("--virtualbox-image: {} is not a file", m_image));
      return ok();
    }
    auto img = ensure_iso({m_image, "", m_store / "cache", m_ui, false});
    if (!img) return fail(Errc::precreate, img.error().message);
    return ok();
  }
  // The ISO is fetched here, like docker-machine, so that nothing is created when it is missing.
  auto iso = ensure_iso({m_b2d_url, m_b2d_sha256, m_store / "cache", m_ui});
  if (!iso) return fail(Errc::precreate, iso.error().message);
  return ok();
}

Status VBoxDriver::create() {
  auto st = do_create();
  if (!st) (void)remove(); // nothing half-created stays behind
  return st;
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
  if (!kv["cpus"].empty()) m_cpus = std::atoi(kv["cpus"].c_str());
  if (!kv["memory"].empty()) m_memory = std::atoi(kv["memory"].c_str());
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
  SC_TRY(vbm(v(), {"modifyvm",
                   m_name,
                   "--firmware",
                   "bios",
                   "--bioslogofadein",
                   "off",
                   "--bioslogofadeout",
                   "off",
                   "--bioslogodisplaytime",
                   "0",
                   "--biosbootmenu",
                   "disabled",
                   "--ostype",
                   "Linux26_64",
                   "--cpus",
                   std::to_string(m_cpus),
                   "--memory",
                   std::to_string(m_memory),
                   "--acpi",
                   "on",
                   "--ioapic",
                   "on",
                   "--rtcuseutc",
                   "on",
                   "--natdnshostresolver1",
                   onoff(m_host_dns),
                   "--natdnsproxy1",
                   onoff(m_dns_proxy),
                   "--cpuhotplug",
                   "off",
                   "--pae",
                   "on",
                   "--hpet",
                   "on",
                   "--hwvirtex",
                   "on",
                   "--nestedpaging",
                   "on",
                   "--largepages",
                   "on",
                   "--vtxvpid",
                   "on",
                   "--accelerate3d",
                   "off",
                   "--boot1",
                   m_image.empty() ? "dvd" : "disk"}));
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

Status VBoxDriver::image_disk() {
  std::error_code ec;
  if (!fs::exists(key_path(), ec) || !fs::exists(key_path().string() + ".pub", ec))
    SC_TRY(generate_ssh_key(key_path(), KeyType::Rsa));
  auto pub = read_public_key(key_path());
  if (!pub) return fail(pub.error());
  fs::path src = m_image;
  if (m_image.find("://") != std::string::npos) {
    auto img = ensure_iso({m_image, "", m_store / "cache", m_ui, false});
    if (!img) return fail(img.error());
    src = *img;
  }
  fs::path disk = m_dir / "disk.vdi";
  SC_TRY(vbm(v(), {"clonemedium", "disk", src.string(), disk.string(), "--format", "VDI"}));
  (void)v().run(
      {"closemedium", "disk", src.string()}); // clonemedium registered the source: forget it
  auto info = vbm_out(v(), {"showmediuminfo", "disk", disk.string()});
  if (!info) return fail(info.error());
  long long capacity = 0;
  auto c = info->find("Capacity:");
  if (c != std::string::npos) capacity = std::atoll(info->c_str() + c + 9);
  if (capacity < m_disk_mb)
    SC_TRY(
        vbm(v(), {"modifymedium", "disk", disk.string(), "--resize", std::to_string(m_disk_mb)}));
  m_mac_nat = mac_for(m_dir.string() + "/nic1");
  m_mac_hostonly = mac_for(m_dir.string() + "/nic2");
  SeedConfig sc{m_name, "swarmctl-" + sha256_hex(m_dir.string()).substr(0, 16), *pub, m_mac_nat,
                m_mac_hostonly};
  return atomic_write(m_dir / "seed.iso", nocloud_seed_iso(sc), 0644);
}

Status VBoxDriver::do_create() {
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
