#pragma once
// A scripted CommandRunner for unit tests: every command must match a scripted expectation
// (exact text or a predicate); an unscripted command fails the test. Records everything.
#include <functional>
#include <map>
#include <provision/ssh/runner.hpp>
#include <string>
#include <vector>

namespace sc::test {

class FakeRunner : public CommandRunner {
public:
  struct Rule {
    std::function<bool(const std::string &cmd, const std::string &stdin_data)> match;
    CommandResult result;
    int remaining = -1; // -1 = unlimited
  };
  // Answers commands that contain `needle` with `result`.
  FakeRunner &on_contains(std::string needle, CommandResult result, int times = -1);
  FakeRunner &on(std::function<bool(const std::string &, const std::string &)> match,
                 CommandResult result, int times = -1);

  Result<CommandResult> run(const std::string &cmd, const RunOptions &opts = {}) override;
  Status put_file(const std::string &path, std::string_view bytes, unsigned mode) override;
  std::string target() const override { return "root@fake:22"; }
  int round_trips() const override { return static_cast<int>(commands.size()); }

  std::vector<std::string> commands;                             // every command run, in order
  std::vector<std::string> stdins;                               // stdin of each command
  std::map<std::string, std::pair<std::string, unsigned>> files; // put_file: path -> (bytes, mode)

private:
  std::vector<Rule> m_rules;
};

} // namespace sc::test
