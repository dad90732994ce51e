#pragma once
// Golden files under tests/data/golden/. SC_UPDATE_GOLDEN=1 rewrites them (then inspect the diff
// by eye and commit); otherwise a mismatch or a missing golden file fails the test.
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace sc::test {
inline std::filesystem::path golden_path(const std::string &rel) {
  return std::filesystem::path(SC_SOURCE_DIR) / "tests" / "data" / "golden" / rel;
}

inline void check_golden(const std::string &rel, const std::string &actual) {
  auto p = golden_path(rel);
  const char *upd = std::getenv("SC_UPDATE_GOLDEN");
  if (upd && std::string(upd) == "1") {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << actual;
    MESSAGE("golden file written: " << p.string());
    return;
  }
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in.good(),
                  "missing golden file " << p.string() << " (run with SC_UPDATE_GOLDEN=1)");
  std::string expected((std::istreambuf_iterator<char>(in)), {});
  INFO("golden file: " << p.string());
  CHECK(actual == expected);
}
} // namespace sc::test
