#pragma once
#include <provision/ssh/runner.hpp>
#include <provision/util/result.hpp>
#include <string>

namespace sc {
struct NetworkSpec {
  std::string name, driver = "overlay", subnet;
  bool attachable = false;
};
// Creates the network unless it exists with the same driver (idempotent); a different driver is
// an error.
Status ensure_network(CommandRunner &r, const NetworkSpec &n);
} // namespace sc
