// Fuzzes the readers of VBoxManage's output (showvminfo --machinereadable, list hostonlyifs,
// list dhcpservers, list vms, --version, createvm/hostonlyif create, error lines) and of a qcow2
// image's header: any bytes are read without a crash, and a refused version or
// address is one error line.
#include <cstdint>
#include <drivers/virtualbox/parse.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view out(reinterpret_cast<const char *>(data), size);
  namespace v = sc::vbox;
  auto m = v::parse_machinereadable(out);
  if (auto it = m.find("VMState"); it != m.end()) {
    (void)v::vm_state(it->second);
    (void)v::vm_state_transient(it->second);
  }
  (void)v::parse_hostonlyifs(out);
  (void)v::parse_dhcpservers(out);
  (void)v::parse_dhcp_individual_configs(out, "HostInterfaceNetworking-vboxnet0");
  (void)v::vbox_result_code(out);
  (void)v::parse_vm_list(out);
  (void)v::leading_number(out);
  if (auto ver = v::parse_version(out); !ver) sc::fuzz::require_one_line(ver.error());
  (void)v::parse_created_interface(out);
  (void)v::parse_created_uuid(out);
  if (auto q = v::parse_qcow2_header(out)) (void)v::qcow2_problem(*q);
  if (auto c = v::parse_cidr(out.substr(0, out.find('\n'))); !c)
    sc::fuzz::require_one_line(c.error());
  return 0;
}
