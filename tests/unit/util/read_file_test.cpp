// read_file: files from outside are read whole, a directory or an oversized file is refused.
#include "../../support/temp_dir.hpp"
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <provision/util/fs.hpp>
#include <string>

using namespace sc;

namespace {
using test::TempDir;
} // namespace

TEST_CASE("read_file: the whole content, binary bytes included") {
  TempDir t;
  std::string data = std::string("a\0b\nc", 5) + std::string(200000, 'x');
  std::ofstream(t.path / "f", std::ios::binary) << data;
  auto r = read_file(t.path / "f");
  REQUIRE(r);
  CHECK(*r == data);
}

TEST_CASE("read_file: a missing file is not_found, a directory says it is one") {
  TempDir t;
  auto m = read_file(t.path / "missing");
  REQUIRE_FALSE(m);
  CHECK(m.error().code == Errc::not_found);
  auto d = read_file(t.path);
  REQUIRE_FALSE(d);
  CHECK(d.error().code == Errc::usage);
  CHECK(d.error().message == t.path.string() + ": is a directory, not a file");
}

TEST_CASE("read_file: a file over the limit is refused; one exactly at it is read") {
  TempDir t;
  std::ofstream(t.path / "f") << std::string(1000, 'y');
  CHECK(read_file(t.path / "f", 1000));
  auto r = read_file(t.path / "f", 999);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == (t.path / "f").string() + ": larger than 999 bytes");
}
