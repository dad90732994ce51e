#pragma once
// Prerequisites of a test (root, a program). Locally a missing prerequisite skips the test with
// its reason; in CI (CI=true) it FAILS the test: nothing is silently skipped there.
#include <doctest/doctest.h>
#include <string>

namespace sc::test {
bool in_ci();
bool is_root();
bool have_program(const std::string &name);
// Returns true when the test may go on. Otherwise reports (FAIL_CHECK in CI, MESSAGE locally).
bool require(bool condition, const std::string &what);
} // namespace sc::test

#define SC_REQUIRE_PREREQ(cond, what)                                                              \
  do {                                                                                             \
    if (!::sc::test::require((cond), (what))) return;                                              \
  } while (0)
