// Completion scripts from a command-line description: the chosen driver's flags, value kinds,
// and scripts each shell parses (`bash -n`, `zsh -n`, `fish -n`). The scripts driven in the real
// shells against swarmctl's own tables: tests/e2e/test_completion.sh.
#include <cmd/format/completion.hpp>
#include <doctest/doctest.h>
#include <provision/util/process.hpp>

#include <tests/support/require.hpp>

using namespace sc;

namespace {
CompletionModel model() {
  CompletionModel m;
  m.global_flags = {{{"-s", "--storage-path"}, true, "Store", ValueKind::Dir, {}},
                    {{"-D", "--debug"}, false, "Debug: it's \"verbose\"", ValueKind::None, {}}};
  CompletionCommand create{"create", "Create a machine", {}, ValueKind::None, {}, {}};
  create.flags = {
      {{"-d", "--driver"}, true, "Driver", ValueKind::Driver, {}},
      {{"--swarm-strategy"}, true, "Strategy", ValueKind::Choice, {"spread", "binpack"}}};
  CompletionCommand ip{"ip", "Get the IP", {}, ValueKind::Machine, {}, {}};
  CompletionCommand kv{"kv", "KV commands", {}, ValueKind::None, {}, {"status"}};
  CompletionCommand kvs{"kv status", "KV status", {}, ValueKind::Machine, {}, {}};
  m.commands = {create, ip, kv, kvs};
  m.driver_flags = {
      {"virtualbox", {{{"--virtualbox-memory"}, true, "Memory", ValueKind::None, {}}}},
      {"none", {{{"--url"}, true, "URL", ValueKind::None, {}}}}};
  m.shells = {"bash", "fish"};
  return m;
}

void parses(const std::string &shell, const std::string &script) {
  SC_REQUIRE_PREREQ(!find_in_path(shell).empty(), shell + " is not installed");
  ProcessOptions o;
  o.stdin_data = script;
  auto r = run_process({shell, "-n"}, o);
  REQUIRE(r);
  CHECK_MESSAGE(r->exit_code == 0, shell << ": " << r->err);
}
} // namespace

TEST_CASE("completion: bash script holds each driver's flags apart and parses") {
  auto r = completion_bash(model());
  REQUIRE(r);
  const std::string &s = *r;
  CHECK(s.find("    virtualbox) echo --virtualbox-memory;;") != std::string::npos);
  CHECK(s.find("    none) echo --url;;") != std::string::npos);
  CHECK(s.find("'create -d'|'create --driver') _swarmctl_words 'virtualbox none';;") !=
        std::string::npos);
  CHECK(s.find("_swarmctl_words 'spread binpack'") != std::string::npos);
  CHECK(s.find("'kv status') _swarmctl_words \"$(_swarmctl_machines)\";;") != std::string::npos);
  CHECK(s.find("complete -F _swarmctl swarmctl") != std::string::npos);
  parses("bash", s);
}

TEST_CASE("completion: zsh and fish scripts parse") {
  auto zr = completion_zsh(model());
  REQUIRE(zr);
  const std::string &z = *zr;
  CHECK(z.rfind("#compdef swarmctl\n", 0) == 0);
  parses("zsh", z);
  auto fr = completion_fish(model());
  REQUIRE(fr);
  const std::string &f = *fr;
  CHECK(
      f.find("complete -c swarmctl -n '__swarmctl_driver_is virtualbox' -l virtualbox-memory -x") !=
      std::string::npos);
  CHECK(f.find("-d 'Debug: it\\'s \"verbose\"'") != std::string::npos);
  parses("fish", f);
}
