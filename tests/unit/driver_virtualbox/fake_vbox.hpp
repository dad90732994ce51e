#pragma once
// A recording, stateful stand-in for VBoxManage: it keeps VMs, host-only adapters and DHCP
// servers in memory, answers in VirtualBox 6.1's output formats and records every command line.
// `fail_at` makes the N-th call (0-based, counted from reset_calls()) fail like VBoxManage does.
#include <drivers/virtualbox/vboxmanage.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sc::test {

struct FakeVm {
  std::string uuid, cfgfile, state = "poweroff", nic2_adapter = {}, natpf = {};
  std::vector<std::string> media = {};
};

class FakeVBox : public vbox::VBoxManage {
public:
  std::string version = "6.1.26r145957";
  std::vector<std::string> calls;
  std::map<std::string, FakeVm> vms;
  struct If {
    std::string name, ip, mask;
  };
  std::vector<If> ifs;
  struct Dhcp {
    std::string net, ip, mask, lower, upper;
    bool enabled = true;
    std::map<std::string, std::string> fixed; // "vm/nic" -> address
  };
  std::map<std::string, Dhcp> dhcp;
  int fail_at = -1;          // index into calls
  std::string fail_prefix;   // or: fail every call starting with this
  bool acpi_ignored = false; // guest ignores the ACPI power button
  int acpi_polls = 2;        // showvminfo calls before an ACPI shutdown completes
  int not_ready_left = 0;    // "object is not ready" answers before success
  std::string last_raw_tar;  // first bytes of the raw disk given to convertfromraw
  // VirtualBox's media registry: convertfromraw/clonehd/clonemedium register the disks they
  // write; closemedium and unregistervm --delete (for attached disks) forget them.
  std::set<std::string> registered_disks;

  Result<vbox::VBoxOutput> run(const std::vector<std::string> &args) override;
  void reset_calls() { calls.clear(); }
  std::string join(const std::vector<std::string> &a) const;

private:
  int m_acpi_countdown = -1;
  std::string m_acpi_vm;
  int m_uuid_seq = 0;
};

} // namespace sc::test
