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
  std::string in = opts.stdin_data;
  for (char buf[65536]; opts.stdin_reader;) { // a streamed stdin is recorded whole
    auto n = opts.stdin_reader(buf, sizeof buf);
    if (!n) return fail(n.error());
    if (*n == 0) break;
    in.append(buf, *n);
  }
  stdins.push_back(in);
  for (auto &r : m_rules) {
    if (r.remaining == 0) continue;
    if (r.match(cmd, in)) {
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
