// A VirtualBox VM's surroundings: showvminfo of our own VM, host-only network and fixed address,
// SSH port forward and banner, remove, IP/SSH endpoint, batch state for ls (power: lifecycle.cpp).
#include <drivers/virtualbox/driver.hpp>
#include <drivers/virtualbox/vbox.hpp>
#include <fmt/format.h>
#include <fstream>
#include <provision/util/fs.hpp>
#include <provision/util/net.hpp>
#include <provision/util/poll.hpp>
#include <set>

namespace sc::vbox {
namespace {

bool contains(const std::string &s, std::string_view x) {
  return s.find(x) != std::string::npos;
}

} // namespace

Result<std::map<std::string, std::string>> VBoxDriver::info() {
  auto out = vbm_out(v(), {"showvminfo", m_name, "--machinereadable"});
  if (!out) {
    if (out.error().code == Errc::not_found)
      return fail(Errc::not_found,
                  fmt::format("machine does not exist: no VirtualBox VM named \"{}\"", m_name));
    return fail(out.error());
  }
  auto kv = parse_machinereadable(*out);
  bool ours =
      m_uuid.empty() ? kv["CfgFile"].rfind(m_dir.string() + "/", 0) == 0 : kv["UUID"] == m_uuid;
  if (!ours)
    return fail(Errc::generic,
                fmt::format("the VirtualBox VM named \"{}\" (UUID {}) is not the one swarmctl "
                            "created{}; swarmctl leaves it alone",
                            m_name, kv["UUID"], m_uuid.empty() ? "" : " (UUID " + m_uuid + ")"));
  return kv;
}

Status VBoxDriver::setup_network() {
  auto cidr = parse_cidr(m_cidr);
  if (!cidr) return fail(cidr.error());
  // Parallel creates (cluster files) would otherwise each create an adapter for the same CIDR
  // and race on the DHCP server: one swarmctl at a time sets up host-only networking.
  SC_TRY(ensure_dir(m_store / "virtualbox", 0700));
  auto lock = FileLock::acquire(m_store / "virtualbox" / "network.lock");
  if (!lock) return fail(lock.error());
  auto n = setup_hostonly_network(v(), *cidr,
                                  m_deps.host_ifaces ? m_deps.host_ifaces() : host_interfaces());
  if (!n) return fail(n.error().context("host-only network"));
  m_hostonly_if = n->ifname;
  m_dhcp_net = n->netname;
  std::vector<std::string> nic2{"modifyvm",
                                m_name,
                                "--nic2",
                                "hostonly",
                                "--nictype2",
                                m_ho_nictype,
                                "--nicpromisc2",
                                m_ho_promisc,
                                "--hostonlyadapter2",
                                n->ifname,
                                "--cableconnected2",
                                "on"};
  if (!m_mac_hostonly.empty())
    nic2.insert(nic2.end(), {"--macaddress2", m_mac_hostonly}); // eth1 by network-config
  SC_TRY(vbm(v(), nic2));
  auto ip = lease_fixed_ip(lease_dir(), *cidr, *n, m_ip, m_dir.string());
  if (!ip) return fail(ip.error());
  m_ip = *ip;
  // The DHCP server always hands this NIC the same address: the IP survives restarts.
  SC_TRY(vbm(v(), {"dhcpserver", "modify", "--netname", n->netname, "--vm", m_name, "--nic", "2",
                   "--fixed-address", m_ip}));
  // A DHCP server already running for other VMs reads its configuration only when it starts.
  auto restart = restart_dhcp_server(v(), n->netname);
  if (m_ui && restart.outcome == DhcpRestart::unsupported)
    m_ui->warn(fmt::format(
        "this VirtualBox has no `dhcpserver restart` ({}): if its DHCP server on {} already runs "
        "for other VMs, {} gets a dynamic address instead of {} (swarmctl then records that one); "
        "stop those VMs and let VirtualBox exit (VBoxSVC ends its DHCP servers) before starting "
        "{}, "
        "or upgrade VirtualBox",
        restart.detail, n->ifname, m_name, m_ip, m_name));
  else if (m_ui && restart.outcome == DhcpRestart::failed)
    m_ui->warn(fmt::format("VBoxManage dhcpserver restart: {} ({} may get another address than {})",
                           restart.detail, m_name, m_ip));
  return ok();
}

Status VBoxDriver::port_forward() {
  auto port = m_deps.free_port ? m_deps.free_port(m_ssh_port) : pick_port(m_ssh_port);
  if (!port) return fail(port.error());
  (void)v().run({"modifyvm", m_name, "--natpf1", "delete", "ssh"}); // absent on first start
  SC_TRY(
      vbm(v(), {"modifyvm", m_name, "--natpf1", fmt::format("ssh,tcp,127.0.0.1,{},,22", *port)}));
  m_ssh_port = *port;
  return ok();
}

Status VBoxDriver::check_vbox_log() {
  auto log = read_file(m_dir / m_name / "Logs" / "VBox.log");
  if (!log) return ok();
  for (const char *s : {"VT-x is disabled", "the host CPU does NOT support HW virtualization",
                        "VERR_VMX_UNABLE_TO_START_VM", "VERR_VMX_NO_VMX"})
    if (contains(*log, s))
      return fail(Errc::generic, fmt::format("This computer doesn't have VT-X/AMD-v enabled ({} in "
                                             "{}). Enabling it in the BIOS is mandatory",
                                             s, (m_dir / m_name / "Logs" / "VBox.log").string()));
  return ok();
}

Status VBoxDriver::wait_ssh() {
  if (m_deps.ssh_wait.count() == 0) return ok();
  if (m_ui) m_ui->info("Waiting for SSH...");
  return poll_until(
      fmt::format("SSH on 127.0.0.1:{}", m_ssh_port), m_deps.ssh_wait,
      [&] { return ssh_banner(m_ssh_port); }, m_deps.poll_first, std::chrono::seconds(2));
}

Status VBoxDriver::remove() {
  auto kv = info();
  if (!kv && kv.error().code != Errc::not_found) {
    if (contains(kv.error().message, "swarmctl leaves it alone")) {
      if (m_ui) m_ui->warn(kv.error().message);
    } else {
      return fail(kv.error());
    }
  } else if (kv) {
    State s = vm_state((*kv)["VMState"]);
    if (s != State::Stopped && s != State::Saved)
      SC_TRY(vbm(v(), {"controlvm", m_name, "poweroff"}));
    if (!m_dhcp_net.empty() && !m_ip.empty())
      (void)v().run({"dhcpserver", "modify", "--netname", m_dhcp_net, "--vm", m_name, "--nic", "2",
                     "--remove-config"});
    SC_TRY(vbm(v(), {"unregistervm", "--delete", m_name}));
  }
  release_fixed_ip(lease_dir(), m_ip, m_dir.string());
  std::error_code ec;
  // A disk that never got attached (create failed before storageattach) stays registered in
  // VirtualBox's media registry after unregistervm --delete: forget it there too.
  // (Only when the VM was ours or is gone: a VM someone else made may use the file.)
  if (kv || kv.error().code == Errc::not_found)
    for (const char *f : {"disk.vmdk", "disk.vdi"})
      if (fs::exists(m_dir / f, ec)) (void)v().run({"closemedium", "disk", (m_dir / f).string()});
  for (const char *f : {"disk.vmdk", "disk.vdi", "seed.iso", "boot2docker.iso", "userdata.raw"})
    fs::remove(m_dir / f, ec);
  if (kv || kv.error().code == Errc::not_found) fs::remove_all(m_dir / m_name, ec);
  return ok();
}

Result<std::string> VBoxDriver::ip() {
  // Fixed at first start (DHCP fixed address), so no VBoxManage or SSH call is needed.
  if (m_ip.empty())
    return fail(Errc::generic, "the machine has no host-only address yet (start it)");
  return m_ip;
}

// The guest has another host-only address than its fixed lease (a DHCP server changed behind our
// back, a guest configured by hand): record it, and hold it in the store's leases.
Status VBoxDriver::adopt_ip(const std::string &ip) {
  if (!ipv4_in_network(ip, m_cidr))
    return fail(Errc::usage, fmt::format("{} is not in the host-only network {}", ip, m_cidr));
  SC_TRY(ensure_dir(lease_dir(), 0700));
  auto lock = FileLock::acquire(m_store / "virtualbox" / "network.lock");
  if (!lock) return fail(lock.error());
  release_fixed_ip(lease_dir(), m_ip, m_dir.string());
  if (!take_fixed_ip(lease_dir(), ip, m_dir.string()) && m_ui) {
    auto owner = read_file(lease_dir() / ip);
    m_ui->warn(fmt::format("{} is also leased to {}: two machines share an address", ip,
                           owner ? *owner : std::string("another machine")));
  }
  m_ip = ip;
  return ok();
}

Result<SshEndpoint> VBoxDriver::ssh_endpoint() {
  if (m_ssh_port == 0)
    return fail(Errc::generic, "the machine has no SSH port forward yet (start it)");
  return SshEndpoint{"127.0.0.1", m_ssh_port, "docker", key_path()};
}

std::optional<std::vector<Result<State>>>
VBoxDriver::batch_states(const std::vector<Driver *> &others) {
  std::vector<Result<State>> out;
  auto list = vbm_out(v(), {"list", "runningvms"});
  std::set<std::string> names, uuids;
  if (list)
    for (const auto &r : parse_vm_list(*list)) {
      names.insert(r.name);
      uuids.insert(r.uuid);
    }
  for (auto *d : others) {
    auto *vd = dynamic_cast<VBoxDriver *>(d);
    if (!list)
      out.push_back(fail(list.error()));
    else if (!vd)
      out.push_back(fail(Errc::generic, "not a virtualbox machine"));
    else if (vd->uuid().empty() ? names.count(vd->machine_name()) > 0 : uuids.count(vd->uuid()) > 0)
      out.push_back(State::Running);
    else
      out.push_back(
          State::Stopped); // one call for all: saved/paused/missing VMs read as Stopped here
  }
  return out;
}

std::unique_ptr<Driver> make_virtualbox_driver(Deps deps) {
  return std::make_unique<VBoxDriver>(std::move(deps));
}

} // namespace sc::vbox

namespace sc {
std::unique_ptr<Driver> make_virtualbox_driver() {
  return vbox::make_virtualbox_driver(vbox::Deps{});
}
} // namespace sc
