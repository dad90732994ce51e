#pragma once
// The virtualbox driver (docker-machine's, with fixed host-only addresses, a cached ISO and one
// `list runningvms` for ls). Internal header: tests build the driver with fakes through Deps.
#include <chrono>
#include <drivers/driver_base.hpp>
#include <drivers/virtualbox/network.hpp>
#include <drivers/virtualbox/vboxmanage.hpp>
#include <functional>
#include <map>
#include <optional>

namespace sc::vbox {

// Everything the driver touches outside the store, replaceable in tests.
struct Deps {
  std::shared_ptr<VBoxManage> vbm;                     // null: the real VBoxManage
  std::function<std::vector<HostIface>()> host_ifaces; // null: getifaddrs
  std::function<bool()> cpu_has_vtx;                   // null: vmx/svm in /proc/cpuinfo
  std::function<Result<int>(int wanted)> free_port;    // null: bind 127.0.0.1 (wanted, else any)
  std::function<std::string()> host_arch;              // null: uname -m ("x86_64", "arm64")
  std::optional<std::string> qemu_img;                 // nullopt: qemu-img on PATH; "": none
  fs::path networks_conf = "/etc/vbox/networks.conf";
  fs::path share_dir = "/home"; // Linux default share
  std::string share_name = "hosthome";
  fs::path home; // "" = $HOME (import: ~/.ssh/id_boot2docker)
  std::chrono::milliseconds stop_timeout = std::chrono::seconds(90); // ACPI, then poweroff
  std::chrono::milliseconds ssh_wait = std::chrono::minutes(3);      // 0 = do not wait in start()
  std::chrono::milliseconds poll_first = std::chrono::milliseconds(100);
};

std::unique_ptr<Driver> make_virtualbox_driver(Deps deps);

class VBoxDriver : public RecordDriver<VBoxDriver> {
public:
  explicit VBoxDriver(Deps d) : RecordDriver("virtualbox"), m_deps(std::move(d)) {}
  std::vector<FlagSpec> create_flags() const override;
  Status configure(const DriverContext &ctx, const FlagValues &flags) override;
  Status pre_create_check() override;
  Status create() override;
  Status remove() override;
  Status start() override;
  Status stop() override;
  Status restart() override;
  Status kill() override;
  Result<State> state() override;
  Result<std::string> ip() override;
  Result<SshEndpoint> ssh_endpoint() override;
  ClusterNetworking network() const override { return {"eth1", false, m_cidr}; }
  Status adopt_ip(const std::string &ip) override;
  std::optional<std::vector<Result<State>>>
  batch_states(const std::vector<Driver *> &others) override;

  const std::string &uuid() const { return m_uuid; }
  const std::string &machine_name() const { return m_name; }

private:
  friend class RecordDriver<VBoxDriver>;
  VBoxManage &v();
  Result<std::map<std::string, std::string>> info(); // showvminfo, checked to be our VM
  Status create_disk();
  Status import_disk();
  Status image_disk();  // --virtualbox-image
  Status check_image(); // pre-create: a qcow2 image VirtualBox can read, or qemu-img
  std::string qemu_img_path() const;
  Status check_host_arch();              // pre-create: x86 hosts only
  Result<std::string> settled_vmstate(); // VMState once no longer transient
  Status boot(bool cold);
  Status configure_vm();
  Status setup_network();
  Status port_forward();
  Status check_vbox_log();
  Status wait_ssh();
  fs::path key_path() const { return m_dir / "id_rsa"; }
  // The record's keys read back (driver_base.hpp RecordDriver), in record.cpp.
  template <class Self, class Field> static void record_fields(Self &d, Field &&field);
  nlohmann::json unread_keys() const override;
  fs::path lease_dir() const { return m_store / "virtualbox" / "leases"; }
  std::string vm_dir() const { return (m_dir / m_name).string(); }

  Deps m_deps;
  std::shared_ptr<VBoxManage> m_vbm;
  std::string m_uuid, m_ip, m_hostonly_if, m_dhcp_net;
  int m_ssh_port = 0;
  // Flags.
  int m_cpus = 1, m_memory = 1024, m_disk_mb = 20000;
  std::string m_b2d_url, m_b2d_sha256, m_import_vm, m_cidr = "192.168.99.1/24";
  std::string m_nat_nictype = "82540EM", m_ho_nictype = "82540EM", m_ho_promisc = "deny",
              m_ui_type = "headless";
  std::string m_share_folder, m_image, m_mac_nat, m_mac_hostonly;
  bool m_host_dns = false, m_dns_proxy = true, m_no_share = false, m_no_vtx = false;
};

} // namespace sc::vbox
