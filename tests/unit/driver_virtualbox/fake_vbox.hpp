#pragma once
// A recording, stateful stand-in for VBoxManage: it keeps VMs, host-only adapters and DHCP
// servers in memory, answers in VBoxManage's output formats (6.1 and 7.x print the same for the
// commands used; sources cited in fake_vbox_lists.cpp) and records every command line.
// `fail_at` makes the N-th call (0-based, counted from reset_calls()) fail like VBoxManage does.
#include <deque>
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
  int fail_at = -1;             // index into calls
  std::string fail_prefix;      // or: fail every call starting with this
  bool acpi_ignored = false;    // guest ignores the ACPI power button
  int acpi_polls = 2;           // showvminfo calls before an ACPI shutdown completes
  int not_ready_left = 0;       // "object is not ready" answers before success
  std::string last_raw_tar;     // first bytes of the raw disk given to convertfromraw
  bool no_dhcp_restart = false; // a VBoxManage without `dhcpserver restart` (some 6.1 releases)
  bool no_hostonlyifs = false;  // VirtualBox 7 on macOS: `list hostonlyifs` is unknown there
  bool no_hostonlyif_create = false; // ... or only `hostonlyif create` is
  // VMStates the next showvminfo calls report (then VMState becomes the last one shown).
  std::deque<std::string> next_states;
  // The message VBoxSVC puts above the Details line of a missing VM ("" = the English one).
  std::string not_found_message;
  // VirtualBox's media registry: convertfromraw/clonehd/clonemedium register the disks they
  // write; closemedium and unregistervm --delete (for attached disks) forget them.
  std::set<std::string> registered_disks;

  Result<vbox::VBoxOutput> run(const std::vector<std::string> &args) override;
  void reset_calls() { calls.clear(); }
  std::string join(const std::vector<std::string> &a) const;

private:
  using Args = std::vector<std::string>;
  vbox::VBoxOutput show_vm_info(const Args &a);
  vbox::VBoxOutput list(const Args &a);
  std::string list_dhcpservers() const;
  vbox::VBoxOutput hostonlyif(const Args &a);
  vbox::VBoxOutput dhcpserver(const Args &a);
  vbox::VBoxOutput media(const Args &a);
  vbox::VBoxOutput createvm(const Args &a);
  vbox::VBoxOutput configure(const Args &a);
  vbox::VBoxOutput power(const Args &a);
  std::string vm_uuid(const std::string &name) const;
  int m_acpi_countdown = -1;
  std::string m_acpi_vm;
  int m_uuid_seq = 0;
};

} // namespace sc::test
