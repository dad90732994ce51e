// Fuzzes what a host answers to the facts script (os-release, init, docker --version, addresses):
// any output gives facts or one error line, and the Docker version it reports is printable.
#include <cstdint>
#include <provision/engine/facts.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view out(reinterpret_cast<const char *>(data), size);
  (void)sc::parse_os_release(out);
  (void)sc::parse_ipv4_addrs(out);
  auto f = sc::parse_facts(out);
  if (!f) {
    sc::fuzz::require_one_line(f.error());
    return 0;
  }
  for (char c : f->docker_version)
    sc::fuzz::require(c > ' ' && c < 0x7f, "unprintable docker version", f->docker_version);
  (void)sc::interface_with_address(*f, "192.168.99.10");
  (void)sc::script_command(*f);
  return 0;
}
