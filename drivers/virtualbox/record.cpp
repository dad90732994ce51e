// Flags and record (config.json "Driver") of the virtualbox driver.
#include <drivers/virtualbox/parse.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
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

// The common keys it reads back, docker-machine's keys with swarmctl's (Image, MACNat,
// MACHostOnly), and the value a missing key reads as.
template <class Self, class Field> void VBoxDriver::record_fields(Self &d, Field &&f) {
  f("IPAddress", d.m_ip, "");
  f("SSHPort", d.m_ssh_port, 0);
  f("CPU", d.m_cpus, 1);
  f("Memory", d.m_memory, 1024);
  f("DiskSize", d.m_disk_mb, 20000);
  f("NatNicType", d.m_nat_nictype, "82540EM");
  f("Boot2DockerURL", d.m_b2d_url, "");
  f("Boot2DockerSHA256", d.m_b2d_sha256, "");
  f("Boot2DockerImportVM", d.m_import_vm, "");
  f("HostDNSResolver", d.m_host_dns, false);
  f("HostOnlyCIDR", d.m_cidr, "192.168.99.1/24");
  f("HostOnlyNicType", d.m_ho_nictype, "82540EM");
  f("HostOnlyPromiscMode", d.m_ho_promisc, "deny");
  f("UIType", d.m_ui_type, "headless");
  f("NoShare", d.m_no_share, false);
  f("DNSProxy", d.m_dns_proxy, true);
  f("NoVTXCheck", d.m_no_vtx, false);
  f("ShareFolder", d.m_share_folder, "");
  f("UUID", d.m_uuid, "");
  f("HostOnlyInterface", d.m_hostonly_if, "");
  f("DHCPNetwork", d.m_dhcp_net, "");
  f("Image", d.m_image, "");
  f("MACNat", d.m_mac_nat, "");
  f("MACHostOnly", d.m_mac_hostonly, "");
}

// RecordDriver's to_json and from_json (compiled wherever the vtable is) call these.
template void VBoxDriver::record_fields(const VBoxDriver &, RecordWriter &&);
template void VBoxDriver::record_fields(VBoxDriver &, RecordReader &&);

nlohmann::json VBoxDriver::unread_keys() const {
  // docker-machine's keys that swarmctl does not use, written as docker-machine writes them.
  return base_json({.ssh_user = "docker", .ssh_key_path = key_path().string()},
                   {{"VBoxManager", nlohmann::json::object()},
                    {"HostInterfaces", nlohmann::json::object()},
                    {"HostOnlyNoDHCP", false}});
}

} // namespace sc::vbox
