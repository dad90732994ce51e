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

nlohmann::json VBoxDriver::to_json() const {
  nlohmann::json own = {{"VBoxManager", nlohmann::json::object()},
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
  return base_json({m_ip, "docker", m_ssh_port, key_path().string()}, own);
}

Status VBoxDriver::from_json(const nlohmann::json &j) {
  return read_record([&] {
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
  });
}

} // namespace sc::vbox
