// shell_quote / shell_join: every value arrives verbatim through a real shell.
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/util/process.hpp>
#include <provision/util/shell_quote.hpp>
#include <string>
#include <tests/support/hostile.hpp>
#include <vector>

using namespace sc;
namespace fs = std::filesystem;

namespace {
using test::TempDir;

// Runs `<shell> -c script` and returns stdout; the exit status must be 0.
std::string shell_out(const std::string &shell, const std::string &script) {
  auto r = run_process({shell, "-c", script});
  REQUIRE_MESSAGE(r, "cannot run " << shell);
  INFO("script: " << script << "\nstderr: " << r->err);
  CHECK(r->exit_code == 0);
  return r->out;
}
} // namespace

TEST_CASE("shell_quote: safe values stay bare, the empty string is '', the rest is single-quoted") {
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("abc-DEF_1.2") == "abc-DEF_1.2");
  CHECK(shell_quote("a@b%c+d=e:f,g/h") == "a@b%c+d=e:f,g/h");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$x") == "'$x'");
  CHECK(shell_quote("~") == "'~'");
  CHECK(shell_quote("*") == "'*'");
  CHECK(shell_quote("a\nb") == "'a\nb'");
}

TEST_CASE("shell_quote: hostile values print verbatim through bash -c \"printf %s <quoted>\"") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    INFO("value: [" << v << "] quoted: [" << shell_quote(v) << "]");
    CHECK(shell_out("bash", "printf %s " + shell_quote(v)) == v);
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("shell_quote: hostile values print verbatim through POSIX sh (dash) too") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    INFO("value: [" << v << "]");
    CHECK(shell_out("sh", "printf %s " + shell_quote(v)) == v);
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("shell_quote: a quoted value is one word (no splitting, no globbing) in an assignment "
          "and an argument") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    INFO("value: [" << v << "]");
    // As the value of an assignment, like templates do: name={{hostname}}.
    CHECK(shell_out("bash", "x=" + shell_quote(v) + "\nprintf %s \"$x\"") == v);
    // Exactly one argument.
    CHECK(shell_out("bash", "set -- " + shell_quote(v) + "; printf %s \"$#\"") == "1");
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("shell_join: every argument arrives as its own word, verbatim") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  auto values = test::hostile_values(marker);
  auto out = shell_out("bash", "printf '%s\\0' " + shell_join(values));
  std::vector<std::string> got;
  size_t start = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\0') {
      got.push_back(out.substr(start, i - start));
      start = i + 1;
    }
  CHECK(start == out.size());
  CHECK(got == values);
  CHECK(shell_join({}) == "");
  CHECK(shell_join({"docker", "run", "a b"}) == "docker run 'a b'");
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("process: run_process separates stdout, stderr and the exit code, and feeds stdin") {
  ProcessOptions o;
  o.stdin_data = "in put\n";
  auto r = run_process({"bash", "-c", "cat; echo err >&2; exit 7"}, o);
  REQUIRE(r);
  CHECK(r->exit_code == 7);
  CHECK(r->out == "in put\n");
  CHECK(r->err == "err\n");
  auto c = run_checked({"bash", "-c", "echo boom >&2; exit 3"});
  REQUIRE_FALSE(c);
  CHECK(c.error().message.find("exited 3") != std::string::npos);
  CHECK(c.error().message.find("boom") != std::string::npos);
  auto missing = run_process({"sc-no-such-program-xyz"});
  CHECK_FALSE(missing);
}
