#include <drivers/virtualbox/parse.hpp>
#include <fmt/format.h>
#include <fstream>

#include "fake_vbox.hpp"

namespace sc::test {
namespace fs = std::filesystem;

std::string FakeVBox::join(const std::vector<std::string> &a) const {
  std::string s;
  for (const auto &x : a)
    s += (s.empty() ? "" : " ") + x;
  return s;
}

Result<vbox::VBoxOutput> FakeVBox::run(const std::vector<std::string> &a) {
  std::string line = join(a);
  int idx = static_cast<int>(calls.size());
  calls.push_back(line);
  auto err = [](std::string m) {
    return vbox::VBoxOutput{1, "", "VBoxManage: error: " + m + "\n"};
  };
  auto ok = [](std::string out = "") { return vbox::VBoxOutput{0, std::move(out), ""}; };
  if (idx == fail_at || (!fail_prefix.empty() && line.rfind(fail_prefix, 0) == 0))
    return err("injected failure of: " + line);
  if (not_ready_left > 0) {
    --not_ready_left;
    return err("The object is not ready");
  }
  const std::string &verb = a.at(0);
  auto vm_arg = [&](size_t i) -> FakeVm * {
    auto it = vms.find(a.at(i));
    return it == vms.end() ? nullptr : &it->second;
  };
  if (verb == "--version") return ok(version + "\n");
  if (verb == "showvminfo") {
    auto *vm = vm_arg(1);
    if (!vm) return err(fmt::format("Could not find a registered machine named '{}'", a[1]));
    if (m_acpi_countdown >= 0 && m_acpi_vm == a[1] && m_acpi_countdown-- == 0)
      vm->state = "poweroff";
    std::string o = fmt::format(
        "name=\"{}\"\ngroups=\"/\"\nostype=\"Linux 2.6 / 3.x / 4.x "
        "(64-bit)\"\nUUID=\"{}\"\nCfgFile=\"{}\"\nmemory=1024\ncpus=1\nVMState=\"{}\"\n",
        a[1], vm->uuid, vm->cfgfile, vm->state);
    for (size_t i = 0; i < vm->media.size(); ++i)
      o += fmt::format("\"SATA-{}-0\"=\"{}\"\n", i, vm->media[i]);
    o += "nic1=\"nat\"\n";
    if (!vm->natpf.empty()) o += fmt::format("Forwarding(0)=\"{}\"\n", vm->natpf);
    if (!vm->nic2_adapter.empty())
      o += fmt::format("hostonlyadapter2=\"{}\"\nmacaddress2=\"0800271D2D2A\"\nnic2=\"hostonly\"\n",
                       vm->nic2_adapter);
    return ok(o);
  }
  if (verb == "list") {
    std::string o;
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
      for (const auto &[n, d] : dhcp) {
        // Individual configs as VirtualBox 6.1 lists a VM NIC's fixed address.
        std::string individual = d.fixed.empty() ? "None" : "";
        for (const auto &[vmnic, addr] : d.fixed)
          individual += fmt::format("\n    Config:           VM NIC {}\n        Fixed Address: "
                                    "{}\n        Forced options:   None",
                                    vmnic, addr);
        o += fmt::format(
            "NetworkName:    {}\nDhcpd IP:       {}\nLowerIPAddress: {}\nUpperIPAddress: "
            "{}\nNetworkMask:    {}\nEnabled:        {}\nGlobal Configuration:\n    minLeaseTime:  "
            "   default\n    defaultLeaseTime: default\n    maxLeaseTime:     default\n    Forced "
            "options:   None\n    Suppressed opts.: None\n        1/legacy: {}\nGroups:            "
            "   None\nIndividual Configs:   {}\n\n",
            n, d.ip, d.lower, d.upper, d.mask, d.enabled ? "Yes" : "No", d.mask, individual);
      }
    else if (a.at(1) == "runningvms" || a.at(1) == "vms")
      for (const auto &[n, vm] : vms)
        if (a[1] == "vms" || vm.state == "running" || vm.state == "paused")
          o += fmt::format("\"{}\" {{{}}}\n", n, vm.uuid);
    return ok(o);
  }
  if (verb == "hostonlyif") {
    if (a.at(1) == "create") {
      std::string name = fmt::format("vboxnet{}", ifs.size());
      ifs.push_back({name, "", ""});
      return ok(fmt::format("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%"
                            "\nInterface '{}' was successfully created\n",
                            name));
    }
    if (a.at(1) == "ipconfig") {
      for (auto &i : ifs)
        if (i.name == a.at(2)) {
          i.ip = a.at(4);
          i.mask = a.at(6);
          return ok();
        }
      return err("could not find interface");
    }
  }
  if (verb == "dhcpserver") {
    auto &net = a.at(3);
    if (a.at(1) == "remove") return dhcp.erase(net) ? ok() : err("DHCP server does not exist");
    if (a.at(1) == "restart") return dhcp.count(net) ? ok() : err("DHCP server does not exist");
    if (a.at(1) == "add") {
      if (dhcp.count(net)) return err("DHCP server already exists");
      dhcp[net] = {net, a.at(5), a.at(7), a.at(9), a.at(11), true, {}};
      return ok();
    }
    if (a.at(1) == "modify") {
      if (!dhcp.count(net)) return err("DHCP server does not exist");
      auto &d = dhcp[net];
      if (a.at(4) == "--vm") {
        std::string key = a.at(5) + "/" + a.at(7);
        if (a.at(8) == "--remove-config")
          d.fixed.erase(key);
        else
          d.fixed[key] = a.at(9);
      } else {
        d = {net, a.at(5), a.at(7), a.at(9), a.at(11), true, d.fixed};
      }
      return ok();
    }
  }
  if (verb == "convertfromraw") {
    std::ifstream in(a.at(1), std::ios::binary);
    last_raw_tar.assign(4096, '\0');
    in.read(last_raw_tar.data(), 4096);
    std::ofstream(a.at(2)) << "# Disk DescriptorFile\n";
    registered_disks.insert(a.at(2));
    return ok("Converting from raw image file=\"" + a[1] + "\" to file=\"" + a[2] +
              "\"...\nCreating dynamic image with size 20971520000 bytes (20000MB)...\n");
  }
  if (verb == "clonemedium") {
    std::error_code ec;
    if (!fs::exists(a.at(2)))
      return err(
          fmt::format("Could not find file for the medium '{}' (VERR_FILE_NOT_FOUND)", a[2]));
    fs::copy_file(a.at(2), a.at(3), ec);
    registered_disks.insert(a.at(2));
    registered_disks.insert(a.at(3));
    return ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nClone medium "
              "created in format 'VDI'. UUID: 2f0e9d1c-0000-4000-8000-000000000001\n");
  }
  if (verb == "closemedium") {
    registered_disks.erase(a.at(2));
    if (a.size() > 3 && a[3] == "--delete") {
      std::error_code ec;
      fs::remove(a[2], ec);
    }
    return ok();
  }
  if (verb == "modifymedium") return ok();
  if (verb == "clonehd") {
    if (!fs::exists(a.at(1)))
      return err(
          fmt::format("Could not find file for the medium '{}' (VERR_FILE_NOT_FOUND)", a[1]));
    std::ofstream(a.at(2)) << "# Disk DescriptorFile (clone)\n";
    registered_disks.insert(a.at(2));
    return ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nClone medium "
              "created in format 'VMDK'. UUID: 5b9c0000-0000-4000-8000-000000000002\n");
  }
  if (verb == "showmediuminfo")
    return ok(
        fmt::format("UUID:           2f0e9d1c-0000-4000-8000-000000000001\nParent UUID:    "
                    "base\nState:          created\nType:           normal (base)\nLocation:       "
                    "{}\nStorage format: VDI\nFormat variant: dynamic default\nCapacity:       "
                    "2252 MBytes\nSize on disk:   612 MBytes\nEncryption:     disabled\n",
                    a.at(2)));
  if (verb == "createvm") {
    const std::string &base = a.at(2), &name = a.at(4);
    if (vms.count(name))
      return err(
          fmt::format("Machine settings file '{}/{}/{}.vbox' already exists", base, name, name));
    std::string uuid = fmt::format("0000000{}-1111-2222-3333-444444444444", ++m_uuid_seq);
    std::string cfg = base + "/" + name + "/" + name + ".vbox";
    fs::create_directories(base + "/" + name);
    std::ofstream(cfg) << "<VirtualBox/>\n";
    vms[name] = {uuid, cfg};
    return ok(fmt::format(
        "Virtual machine '{}' is created and registered.\nUUID: {}\nSettings file: '{}'\n", name,
        uuid, cfg));
  }
  if (verb == "modifyvm" || verb == "storagectl" || verb == "storageattach" ||
      verb == "guestproperty" || verb == "sharedfolder" || verb == "setextradata") {
    auto *vm = vm_arg(verb == "guestproperty" || verb == "sharedfolder" ? 2 : 1);
    if (!vm) return err("Could not find a registered machine");
    if (verb == "modifyvm" && a.at(2) == "--natpf1") {
      if (a.at(3) == "delete") {
        if (vm->natpf.empty())
          return err("Code NS_ERROR_INVALID_ARG (0x80070057) - Invalid argument value");
        vm->natpf.clear();
      } else {
        vm->natpf = a[3];
      }
    }
    if (verb == "modifyvm" && a.at(2) == "--nic2") vm->nic2_adapter = a.at(10);
    if (verb == "storageattach") vm->media.push_back(a.back());
    return ok();
  }
  if (verb == "startvm") {
    auto *vm = vm_arg(1);
    if (!vm) return err("Could not find a registered machine");
    vm->state = "running";
    return ok(fmt::format(
        "Waiting for VM \"{}\" to power on...\nVM \"{}\" has been successfully started.\n", a[1],
        a[1]));
  }
  if (verb == "controlvm") {
    auto *vm = vm_arg(1);
    if (!vm) return err("Could not find a registered machine");
    if (a.at(2) == "poweroff")
      vm->state = "poweroff";
    else if (a.at(2) == "resume")
      vm->state = "running";
    else if (a.at(2) == "acpipowerbutton" && !acpi_ignored) {
      m_acpi_vm = a[1];
      m_acpi_countdown = acpi_polls;
    }
    return ok();
  }
  if (verb == "unregistervm") {
    auto it = vms.find(a.at(2));
    if (it == vms.end()) return err("Could not find a registered machine");
    if (it->second.state == "running")
      return err("Cannot unregister the machine 'x' while it is locked");
    std::error_code ec;
    for (const auto &m : it->second.media)
      if (registered_disks.erase(m)) fs::remove(m, ec); // --delete removes attached hard disks
    fs::remove_all(fs::path(it->second.cfgfile).parent_path(), ec);
    vms.erase(it);
    return ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n");
  }
  return err("fake VBoxManage: unscripted command: " + line);
}

} // namespace sc::test
