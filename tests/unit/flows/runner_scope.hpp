#pragma once
// Makes provisioning use one scripted FakeRunner instead of an SSH session for the test's scope
// (no sshd runs in a unit test): every machine's commands go to the same runner, so its log is
// the order in which the steps ran. An unscripted command fails the test.
#include <atomic>
#include <memory>
#include <mutex>
#include <provision/machine/provision_flow.hpp>
#include <string>
#include <vector>

#include "../../support/fake_runner.hpp"

namespace sc::test {

class RunnerScope {
public:
  RunnerScope() : runner(std::make_shared<FakeRunner>()) {
    set_test_runner_hook([this](Machine &m) -> Result<std::unique_ptr<CommandRunner>> {
      std::lock_guard lk(mu);
      opened.push_back(m.rec.name);
      return std::unique_ptr<CommandRunner>(std::make_unique<Shared>(runner, mu));
    });
  }
  ~RunnerScope() { set_test_runner_hook(nullptr); }
  RunnerScope(const RunnerScope &) = delete;
  RunnerScope &operator=(const RunnerScope &) = delete;

  std::mutex mu; // machines provisioned at once share the runner
  std::shared_ptr<FakeRunner> runner;
  std::vector<std::string> opened; // machines a runner was opened for, in order

private:
  // What the flow owns: forwards to the shared runner.
  class Shared : public CommandRunner {
  public:
    Shared(std::shared_ptr<FakeRunner> r, std::mutex &mu) : m_r(std::move(r)), m_mu(mu) {}
    Result<CommandResult> run(const std::string &cmd, const RunOptions &opts) override {
      std::lock_guard lk(m_mu);
      return m_r->run(cmd, opts);
    }
    Status put_file(const std::string &path, std::string_view bytes, unsigned mode) override {
      std::lock_guard lk(m_mu);
      return m_r->put_file(path, bytes, mode);
    }
    std::string target() const override { return m_r->target(); }
    int round_trips() const override { return m_r->round_trips(); }

  private:
    std::shared_ptr<FakeRunner> m_r;
    std::mutex &m_mu;
  };
};

} // namespace sc::test
