// ensure_dir: modes only on what it creates; atomic_write: the old file survives a failed write.
#include <sys/stat.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/util/fs.hpp>
#include <string>

using namespace sc;

namespace {
using test::TempDir;

unsigned mode_of(const fs::path &p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
} // namespace

TEST_CASE("ensure_dir: existing directories on the path keep their mode (a sticky /tmp stays "
          "1777)") {
  TempDir t;
  auto shared = t.path / "shared-tmp";
  REQUIRE(::mkdir(shared.c_str(), 0700) == 0);
  REQUIRE(::chmod(shared.c_str(), 01777) == 0);
  auto home = t.path / "home";
  REQUIRE(::mkdir(home.c_str(), 0755) == 0);
  REQUIRE(ensure_dir(shared / "newstore" / "machines", 0700));
  CHECK(mode_of(shared) == 01777);
  CHECK(mode_of(shared / "newstore") == 0700);
  CHECK(mode_of(shared / "newstore" / "machines") == 0700);
  // The leaf itself, when it exists, is not changed either ($HOME given as the store).
  REQUIRE(ensure_dir(home, 0700));
  CHECK(mode_of(home) == 0755);
}

TEST_CASE("ensure_dir: what it creates gets the exact mode whatever the umask") {
  TempDir t;
  mode_t old = ::umask(0077);
  auto st = ensure_dir(t.path / "a" / "b", 0755);
  ::umask(old);
  REQUIRE(st);
  CHECK(mode_of(t.path / "a") == 0755);
  CHECK(mode_of(t.path / "a" / "b") == 0755);
}

TEST_CASE("ensure_dir: a regular file in the way is an error, not a success") {
  TempDir t;
  std::ofstream(t.path / "file") << "x";
  auto st = ensure_dir(t.path / "file", 0700);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == Errc::io);
}
