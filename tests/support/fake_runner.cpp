#include <doctest/doctest.h>
#include <tests/support/fake_runner.hpp>

namespace sc::test {
FakeRunner &FakeRunner::on_contains(std::string needle, CommandResult result, int times) {
  return on([needle](const std::string &c,
                     const std::string &) { return c.find(needle) != std::string::npos; },
            std::move(result), times);
}
FakeRunner &FakeRunner::on(std::function<bool(const std::string &, const std::string &)> match,
                           CommandResult result, int times) {
  m_rules.push_back(Rule{std::move(match), std::move(result), times});
  return *this;
}
Result<CommandResult> FakeRunner::run(const std::string &cmd, const RunOptions &opts) {
  commands.push_back(cmd);
  stdins.push_back(opts.stdin_data);
  for (auto &r : m_rules) {
    if (r.remaining == 0) continue;
    if (r.match(cmd, opts.stdin_data)) {
      if (r.remaining > 0) --r.remaining;
      return r.result;
    }
  }
  FAIL_CHECK("unscripted remote command: " << cmd);
  return fail(Errc::generic, "unscripted command: " + cmd);
}
Status FakeRunner::put_file(const std::string &path, std::string_view bytes, unsigned mode) {
  files[path] = {std::string(bytes), mode};
  return ok();
}
} // namespace sc::test
