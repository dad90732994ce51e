#include <unistd.h>

#include <cstdlib>
#include <provision/util/process.hpp>
#include <tests/support/require.hpp>

namespace sc::test {
bool in_ci() {
  const char *ci = std::getenv("CI");
  return ci && std::string(ci) != "" && std::string(ci) != "false" && std::string(ci) != "0";
}
bool is_root() {
  return geteuid() == 0;
}
bool have_program(const std::string &name) {
  return !sc::find_in_path(name).empty();
}
bool require(bool condition, const std::string &what) {
  if (condition) return true;
  if (in_ci()) {
    FAIL_CHECK("missing prerequisite in CI: " << what);
  } else {
    MESSAGE("SKIPPED (missing prerequisite): " << what);
  }
  return false;
}
} // namespace sc::test
