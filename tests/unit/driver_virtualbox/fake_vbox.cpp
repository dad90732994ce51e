// FakeVBox: dispatch, VMs, media and power. Listings and networking: fake_vbox_lists.cpp.
#include <drivers/virtualbox/parse.hpp>
#include <fmt/format.h>
#include <fstream>

#include "fake_vbox.hpp"
#include "fake_vbox_out.hpp"

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
  if (idx == fail_at || (!fail_prefix.empty() && line.rfind(fail_prefix, 0) == 0))
    return vbm_error("injected failure of: " + line);
  if (not_ready_left > 0) {
    --not_ready_left;
    return vbm_error("The object is not ready");
  }
  const std::string &verb = a.at(0);
  if (verb == "--version") return vbm_ok(version + "\n");
  if (verb == "showvminfo") return show_vm_info(a);
  if (verb == "list") return list(a);
  if (verb == "hostonlyif") return hostonlyif(a);
  if (verb == "dhcpserver") return dhcpserver(a);
  if (verb == "createvm") return createvm(a);
  if (verb == "convertfromraw" || verb == "clonemedium" || verb == "closemedium" ||
      verb == "modifymedium" || verb == "clonehd" || verb == "showmediuminfo")
    return media(a);
  if (verb == "modifyvm" || verb == "storagectl" || verb == "storageattach" ||
      verb == "guestproperty" || verb == "sharedfolder" || verb == "setextradata")
    return configure(a);
  if (verb == "startvm" || verb == "controlvm" || verb == "unregistervm" || verb == "discardstate")
    return power(a);
  return vbm_error("fake VBoxManage: unscripted command: " + line);
}

std::string FakeVBox::vm_uuid(const std::string &name) const {
  auto it = vms.find(name);
  return it != vms.end() ? it->second.uuid : "5f0c8b2e-7d1a-4c3b-9e6f-0a1b2c3d4e5f";
}

vbox::VBoxOutput FakeVBox::show_vm_info(const Args &a) {
  auto it = vms.find(a.at(1));
  if (it == vms.end()) return vbm_not_found(a[1], not_found_message);
  FakeVm *vm = &it->second;
  if (!next_states.empty()) {
    vm->state = next_states.front();
    next_states.pop_front();
  }
  if (m_acpi_countdown >= 0 && m_acpi_vm == a[1] && m_acpi_countdown-- == 0) vm->state = "poweroff";
  std::string o =
      fmt::format("name=\"{}\"\ngroups=\"/\"\nostype=\"Linux 2.6 / 3.x / 4.x "
                  "(64-bit)\"\nUUID=\"{}\"\nCfgFile=\"{}\"\nmemory=1024\ncpus=1\nVMState=\"{}\"\n",
                  a[1], vm->uuid, vm->cfgfile, vm->state);
  for (size_t i = 0; i < vm->media.size(); ++i)
    o += fmt::format("\"SATA-{}-0\"=\"{}\"\n", i, vm->media[i]);
  o += "nic1=\"nat\"\n";
  if (!vm->natpf.empty()) o += fmt::format("Forwarding(0)=\"{}\"\n", vm->natpf);
  if (!vm->nic2_adapter.empty())
    o += fmt::format("hostonlyadapter2=\"{}\"\nmacaddress2=\"0800271D2D2A\"\nnic2=\"hostonly\"\n",
                     vm->nic2_adapter);
  return vbm_ok(o);
}

vbox::VBoxOutput FakeVBox::createvm(const Args &a) {
  const std::string &base = a.at(2), &name = a.at(4);
  if (vms.count(name))
    return vbm_error(
        fmt::format("Machine settings file '{}/{}/{}.vbox' already exists", base, name, name));
  std::string uuid = fmt::format("0000000{}-1111-2222-3333-444444444444", ++m_uuid_seq);
  std::string cfg = base + "/" + name + "/" + name + ".vbox";
  fs::create_directories(base + "/" + name);
  std::ofstream(cfg) << "<VirtualBox/>\n";
  vms[name] = {uuid, cfg};
  return vbm_ok(fmt::format(
      "Virtual machine '{}' is created and registered.\nUUID: {}\nSettings file: '{}'\n", name,
      uuid, cfg));
}

vbox::VBoxOutput FakeVBox::media(const Args &a) {
  const std::string &verb = a.at(0);
  std::error_code ec;
  auto missing = [&](const std::string &p) {
    return vbm_error(
        fmt::format("Could not find file for the medium '{}' (VERR_FILE_NOT_FOUND)", p));
  };
  if (verb == "convertfromraw") {
    std::ifstream in(a.at(1), std::ios::binary);
    last_raw_tar.assign(4096, '\0');
    in.read(last_raw_tar.data(), 4096);
    std::ofstream(a.at(2)) << "# Disk DescriptorFile\n";
    registered_disks.insert(a.at(2));
    return vbm_ok("Converting from raw image file=\"" + a[1] + "\" to file=\"" + a[2] +
                  "\"...\nCreating dynamic image with size 20971520000 bytes (20000MB)...\n");
  }
  if (verb == "clonemedium") {
    if (!fs::exists(a.at(2))) return missing(a[2]);
    fs::copy_file(a.at(2), a.at(3), ec);
    registered_disks.insert(a.at(2));
    registered_disks.insert(a.at(3));
    return vbm_ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nClone medium "
                  "created in format 'VDI'. UUID: 2f0e9d1c-0000-4000-8000-000000000001\n");
  }
  if (verb == "closemedium") {
    registered_disks.erase(a.at(2));
    if (a.size() > 3 && a[3] == "--delete") fs::remove(a[2], ec);
    return vbm_ok();
  }
  if (verb == "modifymedium") return vbm_ok();
  if (verb == "clonehd") {
    if (!fs::exists(a.at(1))) return missing(a[1]);
    std::ofstream(a.at(2)) << "# Disk DescriptorFile (clone)\n";
    registered_disks.insert(a.at(2));
    return vbm_ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nClone medium "
                  "created in format 'VMDK'. UUID: 5b9c0000-0000-4000-8000-000000000002\n");
  }
  if (!fs::exists(a.at(2))) return missing(a[2]); // showmediuminfo
  return vbm_ok(
      fmt::format("UUID:           2f0e9d1c-0000-4000-8000-000000000001\nParent UUID:    "
                  "base\nState:          created\nType:           normal (base)\nLocation:       "
                  "{}\nStorage format: VDI\nFormat variant: dynamic default\nCapacity:       "
                  "2252 MBytes\nSize on disk:   612 MBytes\nEncryption:     disabled\n",
                  a.at(2)));
}

vbox::VBoxOutput FakeVBox::configure(const Args &a) {
  const std::string &verb = a.at(0);
  auto it = vms.find(a.at(verb == "guestproperty" || verb == "sharedfolder" ? 2 : 1));
  if (it == vms.end()) return vbm_error("Could not find a registered machine");
  FakeVm *vm = &it->second;
  if (verb == "modifyvm" && a.at(2) == "--natpf1") {
    if (a.at(3) == "delete") {
      if (vm->natpf.empty())
        return vbm_error("Code NS_ERROR_INVALID_ARG (0x80070057) - Invalid argument value");
      vm->natpf.clear();
    } else {
      vm->natpf = a[3];
    }
  }
  if (verb == "modifyvm" && a.at(2) == "--nic2") vm->nic2_adapter = a.at(10);
  if (verb == "storageattach") vm->media.push_back(a.back());
  return vbm_ok();
}

vbox::VBoxOutput FakeVBox::power(const Args &a) {
  const std::string &verb = a.at(0);
  auto it = vms.find(a.at(verb == "unregistervm" ? 2 : 1));
  if (it == vms.end()) return vbm_error("Could not find a registered machine");
  FakeVm *vm = &it->second;
  if (verb == "startvm") {
    vm->state = "running";
    return vbm_ok(fmt::format(
        "Waiting for VM \"{}\" to power on...\nVM \"{}\" has been successfully started.\n", a[1],
        a[1]));
  }
  if (verb == "discardstate") {
    if (vm->state != "saved" && vm->state != "aborted-saved")
      return vbm_error(fmt::format("Machine '{}' is not in the saved state", a[1]));
    vm->state = "poweroff";
    return vbm_ok();
  }
  if (verb == "controlvm") {
    if (a.at(2) == "poweroff")
      vm->state = "poweroff";
    else if (a.at(2) == "resume")
      vm->state = "running";
    else if (a.at(2) == "acpipowerbutton" && !acpi_ignored) {
      m_acpi_vm = a[1];
      m_acpi_countdown = acpi_polls;
    }
    return vbm_ok();
  }
  if (vm->state == "running") // unregistervm
    return vbm_error("Cannot unregister the machine 'x' while it is locked");
  std::error_code ec;
  for (const auto &m : vm->media)
    if (registered_disks.erase(m)) fs::remove(m, ec); // --delete removes attached hard disks
  fs::remove_all(fs::path(vm->cfgfile).parent_path(), ec);
  vms.erase(it);
  return vbm_ok("0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n");
}

} // namespace sc::test
