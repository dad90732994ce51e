// FakeVBox: listings, host-only adapters and DHCP servers, in VBoxManage's layouts:
// VBoxManageList.cpp listNetworkInterfaces / listDhcpServers / showDhcpConfig (identical in
// VirtualBox 6.1 and 7.x but for the 7.x translation hooks), VBoxManageDHCPServer.cpp (--nic N is
// slot N-1; `restart` of a server no VM runs fails with DHCPServerImpl.cpp's "not running").
#include <drivers/virtualbox/parse.hpp>
#include <fmt/format.h>

#include "fake_vbox.hpp"
#include "fake_vbox_out.hpp"

namespace sc::test {
namespace {

// showDhcpConfig's lease and option lines (4-space indent), options listed as `options`.
std::string dhcp_config_lines(const std::string &options) {
  return "    minLeaseTime:     default\n    defaultLeaseTime: default\n"
         "    maxLeaseTime:     default\n    Forced options:   None\n"
         "    Suppressed opts.: None\n" +
         options;
}

} // namespace

std::string FakeVBox::list_dhcpservers() const {
  std::string o;
  for (const auto &[n, d] : dhcp) {
    if (!o.empty()) o += "\n"; // servers are separated, not terminated, by a blank line
    o += fmt::format("NetworkName:    {}\nDhcpd IP:       {}\nLowerIPAddress: {}\nUpperIPAddress: "
                     "{}\nNetworkMask:    {}\nEnabled:        {}\nGlobal Configuration:\n",
                     n, d.ip, d.lower, d.upper, d.mask, d.enabled ? "Yes" : "No");
    o += dhcp_config_lines(fmt::format("        1/legacy: {}\n", d.mask));
    o += "Groups:               None\n";
    if (d.fixed.empty()) o += "Individual Configs:   None\n";
    for (const auto &[vmnic, addr] : d.fixed) {
      auto slash = vmnic.find('/');
      int nic = static_cast<int>(vbox::leading_number(vmnic.substr(slash + 1)).value_or(1));
      o += fmt::format("Individual Config:    VM NIC: {} slot {}, MAC 08:00:27:1d:2d:2a\n"
                       "    Fixed Address:    {}\n",
                       vm_uuid(vmnic.substr(0, slash)), nic - 1, addr);
      o += dhcp_config_lines("    DHCP options:     None\n");
    }
  }
  return o;
}

vbox::VBoxOutput FakeVBox::list(const Args &a) {
  std::string o;
  if (a.at(1) == "hostonlyifs" && no_hostonlyifs)
    return vbm_syntax(version, "Unknown subcommand \"hostonlyifs\".",
                      "VBoxManage list [--long|-l] [--sorted|-s] vms|runningvms|...");
  if (a.at(1) == "hostonlyifs")
    for (size_t i = 0; i < ifs.size(); ++i)
      o += fmt::format(
          "Name:            {}\nGUID:            786f6276-656e-4074-8000-0a002700000{}\nDHCP:    "
          "        Disabled\nIPAddress:       {}\nNetworkMask:     {}\nIPV6Address:     "
          "\nIPV6NetworkMaskPrefixLength: 0\nHardwareAddress: 0a:00:27:00:00:0{}\nMediumType:    "
          "  Ethernet\nWireless:        No\nStatus:          Up\nVBoxNetworkName: "
          "HostInterfaceNetworking-{}\n\n",
          ifs[i].name, i, ifs[i].ip, ifs[i].mask, i, ifs[i].name);
  else if (a.at(1) == "dhcpservers")
    o = list_dhcpservers();
  else if (a.at(1) == "runningvms" || a.at(1) == "vms")
    for (const auto &[n, vm] : vms)
      if (a[1] == "vms" || vm.state == "running" || vm.state == "paused")
        o += fmt::format("\"{}\" {{{}}}\n", n, vm.uuid);
  return vbm_ok(o);
}

vbox::VBoxOutput FakeVBox::hostonlyif(const Args &a) {
  if (a.at(1) == "create" && no_hostonlyif_create) // VBoxManageHostonly.cpp without NETFLT
    return vbm_syntax(version, "Unknown sub-command 'create'",
                      "VBoxManage hostonlyif ipconfig ...");
  if (a.at(1) == "create") {
    std::string name = fmt::format("vboxnet{}", ifs.size());
    ifs.push_back({name, "", ""});
    return vbm_ok(fmt::format("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%"
                              "\nInterface '{}' was successfully created\n",
                              name));
  }
  for (auto &i : ifs)
    if (i.name == a.at(2)) { // ipconfig
      i.ip = a.at(4);
      i.mask = a.at(6);
      return vbm_ok();
    }
  return vbm_error("could not find interface");
}

vbox::VBoxOutput FakeVBox::dhcpserver(const Args &a) {
  const std::string &net = a.at(3);
  const std::string &sub = a.at(1);
  if (sub == "restart" && no_dhcp_restart)
    return vbm_syntax(version, "Unknown subcommand: restart",
                      "VBoxManage dhcpserver add|modify|remove ...");
  if (sub == "add") {
    if (dhcp.count(net)) return vbm_error("DHCP server already exists");
    dhcp[net] = {net, a.at(5), a.at(7), a.at(9), a.at(11), true, {}};
    return vbm_ok();
  }
  if (!dhcp.count(net)) return vbm_error("DHCP server does not exist");
  if (sub == "remove") {
    dhcp.erase(net);
    return vbm_ok();
  }
  if (sub == "restart") {
    // The server runs while a VM on its network runs (the VM starts it).
    for (const auto &[n, vm] : vms)
      if (vm.state == "running" && net == "HostInterfaceNetworking-" + vm.nic2_adapter)
        return vbm_ok();
    return {1, "",
            "VBoxManage: error: Failed to restart the server\nVBoxManage: error: not running\n"
            "VBoxManage: error: Details: code NS_ERROR_FAILURE (0x80004005), component "
            "DHCPServerWrap, interface IDHCPServer, callee nsISupports\n"};
  }
  auto &d = dhcp[net]; // modify
  if (a.at(4) == "--vm") {
    std::string key = a.at(5) + "/" + a.at(7);
    if (a.at(8) == "--remove-config")
      d.fixed.erase(key);
    else
      d.fixed[key] = a.at(9);
  } else {
    d = {net, a.at(5), a.at(7), a.at(9), a.at(11), true, d.fixed};
  }
  return vbm_ok();
}

} // namespace sc::test
