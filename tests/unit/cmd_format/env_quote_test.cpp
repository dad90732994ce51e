// `env` and `config` with hostile values (a store path or an engine URL holding $(...), backticks,
// quotes, newlines): every shell that exists here evaluates the output back to the exact value and
// runs nothing; PowerShell, cmd.exe and Emacs (not installed) are checked against their quoting
// rules by small decoders below.
#include <unistd.h>

#include <cmd/format/config_format.hpp>
#include <cmd/format/env_format.hpp>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/util/net.hpp>
#include <provision/util/process.hpp>
#include <string>
#include <vector>

#include "../../support/hostile.hpp"
#include "../../support/require.hpp"
#include "../../support/temp_dir.hpp"

using namespace sc;
namespace fs = std::filesystem;

namespace {
using test::TempDir;

void write(const fs::path &p, const std::string &s) {
  std::ofstream(p, std::ios::binary) << s;
}

struct ShellCase {
  Shell shell;
  const char *program;
  // Reads the rendered file the documented way and prints the variable with printenv.
  std::vector<std::string> source_argv(const std::string &file) const {
    std::string p = program;
    if (p == "fish") return {p, "--no-config", "-c", "source " + file + "; printenv X"};
    if (p == "tcsh") return {p, "-f", "-c", "source " + file + "; printenv X"};
    return {p, "-c", ". \"$1\"; printenv X", p, file};
  }
  // The usage hint's idiom: eval of the unquoted command substitution.
  std::vector<std::string> eval_argv(const std::string &file) const {
    std::string p = program;
    if (p == "fish") return {p, "--no-config", "-c", "eval (cat " + file + ")"};
    if (p == "tcsh") return {p, "-f", "-c", "eval `cat " + file + "`"};
    return {p, "-c", "eval $(cat \"$1\")", p, file};
  }
};

const std::vector<ShellCase> k_shells = {{Shell::Bash, "bash"},
                                         {Shell::Sh, "dash"},
                                         {Shell::Zsh, "zsh"},
                                         {Shell::Fish, "fish"},
                                         {Shell::Tcsh, "tcsh"}};
} // namespace

TEST_CASE("env: hostile values evaluate back verbatim and run nothing in bash, sh, zsh, fish and "
          "tcsh") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &sc : k_shells) {
    SC_REQUIRE_PREREQ(test::have_program(sc.program), std::string(sc.program) + " is installed");
    for (const auto &v : test::hostile_values(marker)) {
      std::string shell = sc.program;
      CAPTURE(shell);
      CAPTURE(v);
      auto out = render_env(sc.shell, {{"X", v}}, false, "swarmctl env m");
      if (sc.shell == Shell::Tcsh && v.find_first_of("{}") != std::string::npos) {
        // tcsh expands braces in `eval \`...\``'s words whatever the quoting: refused.
        REQUIRE_FALSE(out);
        CHECK(out.error().code == Errc::usage);
        continue;
      }
      REQUIRE(out);
      auto file = (t.path / "env.out").string();
      write(file, *out);
      auto r = run_process(sc.source_argv(file));
      REQUIRE(r);
      CHECK(r->exit_code == 0);
      CHECK(r->out == v + "\n");
      auto e = run_process(sc.eval_argv(file));
      REQUIRE(e);
      CHECK(e->exit_code == 0);
      CHECK_FALSE(fs::exists(marker));
    }
  }
}

TEST_CASE("env: tcsh's eval of a value with braces would run a command: refused") {
  SC_REQUIRE_PREREQ(test::have_program("tcsh"), "tcsh is installed");
  TempDir t;
  auto marker = t.path / "pwned";
  auto script = t.path / "run";
  write(script, "#!/bin/sh\ntouch '" + marker.string() + "'\n");
  fs::permissions(script, fs::perms::owner_all);
  // "{a,SCRIPT}" inside double quotes became the words "a"; "SCRIPT"; for eval.
  auto out = render_env(Shell::Tcsh, {{"X", "{a," + script.string() + "}"}}, false, "swarmctl env");
  REQUIRE_FALSE(out);
  CHECK(out.error().message.find("tcsh") != std::string::npos);
  auto safe = render_env(Shell::Tcsh, {{"X", "a*b?[c]~d"}}, false, "swarmctl env m");
  REQUIRE(safe);
  write(t.path / "env.out", *safe);
  auto r = run_process(
      {"tcsh", "-f", "-c", "eval `cat " + (t.path / "env.out").string() + "`; printenv X"});
  REQUIRE(r);
  CHECK(r->out == "a*b?[c]~d\n");
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("env: a hostile command line in the usage hint runs nothing") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &sc : k_shells) {
    SC_REQUIRE_PREREQ(test::have_program(sc.program), std::string(sc.program) + " is installed");
    for (const auto &v : test::hostile_values(marker)) {
      std::string shell = sc.program;
      CAPTURE(shell);
      CAPTURE(v);
      auto out = render_env(sc.shell, {{"X", "1"}}, false, "swarmctl -s " + v + " env m");
      REQUIRE(out);
      auto file = (t.path / "env.out").string();
      write(file, *out);
      auto r = run_process(sc.source_argv(file));
      REQUIRE(r);
      CHECK(r->out == "1\n");
      CHECK_FALSE(fs::exists(marker));
    }
  }
}

namespace {
// PowerShell: '...' is literal with '' (and the typographic single quotes doubled) for a quote;
// "..." expands $ and `. Returns the value the line assigns, or nullopt when it could expand.
std::optional<std::string> ps_value(const std::string &line) {
  std::string head = "$Env:X = ";
  if (line.rfind(head, 0) != 0 || line.back() != '\n') return std::nullopt;
  std::string lit = line.substr(head.size(), line.size() - head.size() - 1);
  if (lit.size() < 2) return std::nullopt;
  auto is_squote = [&](size_t i) {
    if (lit[i] == '\'') return size_t(1);
    if (i + 2 < lit.size() && static_cast<unsigned char>(lit[i]) == 0xE2 &&
        static_cast<unsigned char>(lit[i + 1]) == 0x80 &&
        static_cast<unsigned char>(lit[i + 2]) >= 0x98 &&
        static_cast<unsigned char>(lit[i + 2]) <= 0x9B)
      return size_t(3);
    return size_t(0);
  };
  if (lit.front() == '"') {
    std::string body = lit.substr(1, lit.size() - 2);
    if (body.find_first_of("$`\"") != std::string::npos) return std::nullopt;
    return body;
  }
  if (lit.front() != '\'' || lit.back() != '\'') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < lit.size();) {
    if (size_t n = is_squote(i)) {
      // Inside the literal a quote must come doubled (same character twice).
      if (lit.compare(i + n, n, lit, i, n) != 0) return std::nullopt;
      out += lit.substr(i, n);
      i += 2 * n;
    } else {
      out += lit[i++];
    }
  }
  return out;
}

// Emacs Lisp string: \\ and \" are the only escapes swarmctl writes.
std::optional<std::string> elisp_value(const std::string &line) {
  std::string head = "(setenv \"X\" \"", tail = "\")\n";
  if (line.rfind(head, 0) != 0 || line.size() < head.size() + tail.size() ||
      line.compare(line.size() - tail.size(), tail.size(), tail) != 0)
    return std::nullopt;
  std::string body = line.substr(head.size(), line.size() - head.size() - tail.size()), out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '"') return std::nullopt; // would end the string
    if (body[i] == '\\') {
      if (i + 1 >= body.size() || (body[i + 1] != '\\' && body[i + 1] != '"')) return std::nullopt;
      ++i;
    }
    out += body[i];
  }
  return out;
}
} // namespace

TEST_CASE("env: PowerShell, Emacs and cmd.exe lines keep hostile values literal or refuse them") {
  auto values = test::hostile_values("C:\\pwned");
  values.push_back("smart \xE2\x80\x98quote\xE2\x80\x99 and \xE2\x80\x9C double\xE2\x80\x9D");
  for (const auto &v : values) {
    CAPTURE(v);
    auto first_line = [](const std::string &s) { return s.substr(0, s.find('\n') + 1); };
    auto ps = render_env(Shell::Powershell, {{"X", v}}, false, "swarmctl env m");
    REQUIRE(ps);
    if (v.find('\n') == std::string::npos) CHECK(ps_value(first_line(*ps)) == v);
    auto el = render_env(Shell::Emacs, {{"X", v}}, false, "swarmctl env m");
    REQUIRE(el);
    if (v.find('\n') == std::string::npos) CHECK(elisp_value(first_line(*el)) == v);
    auto cmd = render_env(Shell::Cmd, {{"X", v}}, false, "swarmctl env m");
    bool cmd_unsafe = v.find_first_of(std::string("\"%!\n\r\t\x7f", 8)) != std::string::npos;
    if (cmd_unsafe) {
      REQUIRE_FALSE(cmd);
      CHECK(cmd.error().code == Errc::usage);
      CHECK(cmd.error().message.find("cmd.exe") != std::string::npos);
    } else {
      REQUIRE(cmd);
      auto line = first_line(*cmd);
      bool special = v.find_first_of("&|<>^()") != std::string::npos;
      CHECK(line == (special ? "SET \"X=" + v + "\"\n" : "SET X=" + v + "\n"));
    }
  }
  // A value with a line break stays on the PowerShell and Emacs lines it belongs to.
  auto ps = render_env(Shell::Powershell, {{"X", "a\nb"}}, false, "swarmctl env m");
  REQUIRE(ps);
  CHECK(ps->rfind("$Env:X = \"a\nb\"\n", 0) == 0);
}

TEST_CASE("env: engine URLs other than tcp://HOST:PORT are refused") {
  for (const char *good : {"tcp://127.0.0.1:2376", "tcp://[::1]:2376", "tcp://node-1.example:1",
                           "tcp://a_b.local:65535"})
    CHECK_MESSAGE(check_engine_url(good), good);
  for (const char *bad :
       {"tcp://127.0.0.1:2376\"$(touch /tmp/x)\"", "tcp://$(id):2376", "tcp://`id`:2376",
        "tcp://h:2376/path", "http://127.0.0.1:2376", "tcp://127.0.0.1", "tcp://:2376", "tcp://h:0",
        "tcp://h:65536", "tcp://h:23x", "tcp://-h:2376", "tcp://h h:2376", "tcp://[zz]:1",
        "tcp://h:2376\n", "unix:///var/run/docker.sock", ""}) {
    auto st = check_engine_url(bad);
    CHECK_MESSAGE(!st, bad);
    if (!st) CHECK(st.error().code == Errc::usage);
  }
}

TEST_CASE("config: every value, the engine URL too, evaluates back verbatim in a shell") {
  TempDir t;
  auto marker = (t.path / "pwned").string();
  for (const auto &v : test::hostile_values(marker)) {
    if (v.find_first_of(std::string("\n\r\t\x7f", 4)) != std::string::npos) continue; // \x escapes
    CAPTURE(v);
    auto out = render_config("/s/" + v + "/ca.pem", "c", "k", "tcp://127.0.0.1:2376");
    // `eval "docker $(swarmctl config m)"`: the lines become one command's words.
    auto r = run_process(
        {"bash", "-c", "eval \"set -- ${1//$'\\n'/ }\"; printf '%s\\n' \"$@\"", "bash", out});
    REQUIRE(r);
    CHECK(r->out == "--tlsverify\n--tlscacert=/s/" + v +
                        "/ca.pem\n--tlscert=c\n--tlskey=k\n-H=tcp://127.0.0.1:2376\n");
    CHECK_FALSE(fs::exists(marker));
  }
}
