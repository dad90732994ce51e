#pragma once
// A fresh directory for one test under $TMPDIR (or /tmp), removed with its content when the test
// ends: `test::TempDir t; t.path / "file"`.
#include <doctest/doctest.h>
#include <filesystem>
#include <stdlib.h>
#include <string>

namespace sc::test {

class TempDir {
public:
  // `tag` starts the directory's name (sc-test.XXXXXX), to tell whose a leftover is.
  explicit TempDir(const std::string &tag = "sc-test") {
    std::string t = (std::filesystem::temp_directory_path() / (tag + ".XXXXXX")).string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::filesystem::path path;
};

} // namespace sc::test
