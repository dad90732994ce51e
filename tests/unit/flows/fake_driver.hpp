#pragma once
// A fake Driver for the flow tests: nothing real can be created in a unit test (no hypervisor,
// no cloud, no root), so this driver lives in-process. Every call is recorded in a journal
// shared by all the machines of a test ("m1 create", "m1 remove"...), and the test says which
// calls fail. The host it "creates" runs no SSH server: provisioning stops at the SSH step unless
// the test provides a runner (runner_scope.hpp).
#include <algorithm>
#include <drivers/driver.hpp>
#include <drivers/registry.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace sc::test {

// What the fake machines share: the journal, the failures to inject, the hosts that exist.
struct FakeWorld {
  std::mutex mu;
  std::vector<std::string> journal; // "NAME CALL", in call order
  std::set<std::string> failing;    // "NAME CALL" that fail (CALL: pre_create_check, create,...)
  std::set<std::string> hosts;      // machines whose host exists (created, not removed)
  int engine_port = 0;              // the hosts' Docker TLS port; 0 = docker-machine's 2376

  // Records the call; true when the test made it fail.
  bool call(const std::string &name, const std::string &what) {
    std::lock_guard lk(mu);
    journal.push_back(name + " " + what);
    return failing.count(name + " " + what) > 0;
  }
  std::vector<std::string> calls(const std::string &what) {
    std::lock_guard lk(mu);
    std::vector<std::string> out;
    for (const auto &j : journal)
      if (j.size() > what.size() && j.compare(j.size() - what.size(), what.size(), what) == 0 &&
          j[j.size() - what.size() - 1] == ' ')
        out.push_back(j.substr(0, j.size() - what.size() - 1));
    return out;
  }
  // Position of "NAME CALL" in the journal; -1 when it was never called.
  long index_of(const std::string &entry) {
    std::lock_guard lk(mu);
    auto it = std::find(journal.begin(), journal.end(), entry);
    return it == journal.end() ? -1 : static_cast<long>(it - journal.begin());
  }
};

class FakeDriver : public Driver {
public:
  explicit FakeDriver(std::shared_ptr<FakeWorld> world) : m_world(std::move(world)) {}
  std::string driver_name() const override { return "fake"; }
  std::vector<FlagSpec> create_flags() const override {
    return {{"fake-size", FlagSpec::Kind::String, "1", "", "Size of the fake host"}};
  }
  Status configure(const DriverContext &ctx, const FlagValues &flags) override {
    m_name = ctx.machine_name;
    m_size = flags.str("fake-size");
    return step("configure");
  }
  void bind(const DriverContext &ctx) override { m_name = ctx.machine_name; }
  Status pre_create_check() override { return step("pre_create_check"); }
  Status create() override {
    SC_TRY(step("create"));
    std::lock_guard lk(m_world->mu);
    m_world->hosts.insert(m_name);
    return ok();
  }
  Status remove() override {
    SC_TRY(step("remove"));
    std::lock_guard lk(m_world->mu);
    m_world->hosts.erase(m_name);
    return ok();
  }
  Status start() override { return step("start"); }
  Status stop() override { return step("stop"); }
  Result<State> state() override {
    std::lock_guard lk(m_world->mu);
    return m_world->hosts.count(m_name) ? State::Running : State::None;
  }
  Result<std::string> ip() override { return std::string("127.0.0.1"); }
  int engine_port() const override {
    return m_world->engine_port ? m_world->engine_port : Driver::engine_port();
  }
  Result<SshEndpoint> ssh_endpoint() override {
    SC_TRY(step("ssh_endpoint"));
    return fail(Errc::generic, "the fake host " + m_name + " has no SSH server");
  }
  nlohmann::json to_json() const override { return {{"MachineName", m_name}, {"Size", m_size}}; }
  Status from_json(const nlohmann::json &j) override {
    m_name = j.value("MachineName", "");
    m_size = j.value("Size", "");
    return ok();
  }

private:
  Status step(const std::string &what) {
    if (m_world->call(m_name, what))
      return fail(Errc::generic, "fake " + what + " failed for " + m_name);
    return ok();
  }
  std::shared_ptr<FakeWorld> m_world;
  std::string m_name, m_size;
};

// Makes `-d fake` (and records with DriverName "fake") use FakeDriver for the test's scope.
class FakeDriverScope {
public:
  FakeDriverScope() : world(std::make_shared<FakeWorld>()) {
    set_test_driver_factory([w = world](std::string_view name) -> std::unique_ptr<Driver> {
      if (name != "fake") return nullptr;
      return std::make_unique<FakeDriver>(w);
    });
  }
  ~FakeDriverScope() { set_test_driver_factory(nullptr); }
  FakeDriverScope(const FakeDriverScope &) = delete;
  FakeDriverScope &operator=(const FakeDriverScope &) = delete;
  std::shared_ptr<FakeWorld> world;
};

} // namespace sc::test
