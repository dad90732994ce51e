// Fuzzes the cluster file reader (`swarmctl up -f FILE`): any text gives a cluster or one error
// line with its position, never a crash, an exception or unbounded work.
#include <cstdint>
#include <provision/machine/cluster_file.hpp>
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  auto f = sc::parse_cluster_yaml(text, "fuzz.yml");
  if (!f) {
    sc::fuzz::require_one_line(f.error());
    return 0;
  }
  sc::fuzz::require(!f->machines.empty(), "a cluster without machines");
  sc::fuzz::require(f->master() != nullptr, "a cluster without a master");
  return 0;
}
