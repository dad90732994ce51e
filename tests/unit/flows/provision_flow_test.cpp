// `provision` through the command line with the in-process fake driver, a scripted runner in
// place of SSH (runner_scope.hpp) and a TLS stand-in for the engine (fake_engine.hpp): the steps
// a running machine goes through, in order, what the record says afterwards, and what a failing
// step or an unfinished create leaves.
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/store/store.hpp>
#include <provision/util/fs.hpp>

#include "../../support/temp_dir.hpp"
#include "fake_driver.hpp"
#include "fake_engine.hpp"
#include "run_cli.hpp"
#include "runner_scope.hpp"

using namespace sc;
namespace fs = std::filesystem;

namespace {

// What engine/facts.sh prints on a Debian 12 host with systemd, as root, without Docker.
constexpr const char *k_debian_facts = "==os-release\nPRETTY_NAME=\"Debian GNU/Linux 12 "
                                       "(bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                                       "VERSION_CODENAME=bookworm\n==pid1\nsystemd\n==uid\n0\n"
                                       "==sudo\nyes\n==systemd\nyes\n==docker\nnone\n==arch\n"
                                       "x86_64\n==ipv4\n1: lo    inet 127.0.0.1/8 scope host lo\n";

bool stdin_starts(const std::string &in, const char *head) {
  return in.rfind(head, 0) == 0;
}

struct Rig : test::CliStore {
  test::FakeDriverScope fake;
  test::RunnerScope ssh;

  // The remote side of a Debian host: facts, then the package install (exit `install_exit`),
  // the engine configuration, the KV container.
  explicit Rig(int install_exit = 0, std::string install_err = "") : CliStore("sc-provision-flow") {
    auto &r = *ssh.runner;
    r.on_contains("==os-release", {0, k_debian_facts, ""});
    r.on(
        [](const std::string &, const std::string &in) {
          return stdin_starts(in, "# swarmctl: install Docker from the distribution's packages");
        },
        {install_exit, "", std::move(install_err)});
    r.on(
        [](const std::string &, const std::string &in) {
          return stdin_starts(in, "# swarmctl: configure the Docker engine with TLS");
        },
        {0, "", ""});
    r.on([](const std::string &,
            const std::string &in) { return in.find("swarmctl-kv") != std::string::npos; },
         {0, "", ""});
  }
  // Index in the runner's log of the first command whose stdin starts with `head` (-1: none).
  long step(const char *head) const {
    const auto &in = ssh.runner->stdins;
    for (size_t i = 0; i < in.size(); ++i)
      if (stdin_starts(in[i], head)) return static_cast<long>(i);
    return -1;
  }
};

constexpr const char *k_facts = "# swarmctl: what the host is";
constexpr const char *k_install = "# swarmctl: install Docker from the distribution's packages";
constexpr const char *k_configure = "# swarmctl: configure the Docker engine with TLS";

} // namespace

TEST_CASE("provision: a running machine is detected, installed, configured, then provisioned") {
  Rig r;
  REQUIRE(r.run({"create", "-d", "fake", "--no-provision", "--kv", "consul", "m1"}).rc == 0);
  test::FakeEngine engine(r.dir("m1"));
  r.fake.world->engine_port = engine.port;
  auto p = r.run({"provision", "m1"});
  CHECK(p.rc == 0);
  CHECK(p.err.empty());
  CHECK(r.ssh.opened == std::vector<std::string>{"m1"});
  // The steps in order, each one round trip: facts, install, engine configuration, KV store.
  const auto &in = r.ssh.runner->stdins;
  REQUIRE(in.size() == 4);
  CHECK(r.ssh.runner->commands[0].rfind(k_facts, 0) == 0); // the facts script is the command
  CHECK(r.step(k_install) == 1);
  CHECK(r.step(k_configure) == 2);
  CHECK(in[3].find("progrium/consul:latest") != std::string::npos);
  CHECK(in[3].find("-p 8500:8500") != std::string::npos);
  // The engine got the server certificate issued into the machine directory, for its port.
  auto server_pem = read_file(r.dir("m1") / "server.pem");
  REQUIRE(server_pem);
  CHECK(in[2].find(*server_pem) != std::string::npos);
  CHECK(in[2].find("name=m1\n") != std::string::npos);
  CHECK(in[2].find("tcp://0.0.0.0:" + std::to_string(engine.port)) != std::string::npos);
  CHECK(engine.requests >= 1); // the flow waited for the engine's TLS endpoint
  // The record is rewritten: provisioned, for the address the certificate was issued for.
  auto rec = r.record("m1");
  CHECK(rec.status == MachineStatus::Provisioned);
  CHECK(rec.failed_step.empty());
  CHECK(rec.cert_ip == "127.0.0.1");
  CHECK(rec.kv.kind == KvKind::Consul);
  CHECK(fs::exists(r.dir("m1") / "ca.pem"));
  CHECK(r.fake.world->calls("create") == std::vector<std::string>{"m1"}); // not re-created
}

TEST_CASE("provision: a failing step leaves the machine resumable, one error line") {
  Rig r(100, "E: Unable to locate package docker.io\n");
  test::FakeEngine engine(r.dir("m1"));
  r.fake.world->engine_port = engine.port;
  // The create stops at the install step: the machine stays, marked failed at provisioning.
  auto c = r.run({"create", "-d", "fake", "m1"});
  CHECK(c.rc == 1);
  CHECK(c.err.find("Error running provisioning: ") != std::string::npos);
  CHECK(r.record("m1").status == MachineStatus::Failed);
  CHECK(r.record("m1").failed_step == "provisioning");
  // `provision` fails at the same step: one line, non-zero, the record as the create left it.
  auto p = r.run({"provision", "m1"});
  CHECK(p.rc == 1);
  CHECK(p.err == "root@fake:22: install docker (docker.io package): exited 100: E: Unable to "
                 "locate package docker.io\n");
  auto rec = r.record("m1");
  CHECK(rec.status == MachineStatus::Failed);
  CHECK(rec.failed_step == "provisioning");
  // The engine was never configured, twice over: each attempt stopped after its install.
  CHECK(r.step(k_configure) == -1);
  CHECK(r.ssh.opened == std::vector<std::string>{"m1", "m1"});
  CHECK(r.fake.world->calls("remove").empty()); // nothing rolled back
  CHECK(engine.requests == 0);
}

TEST_CASE("provision: a failed machine resumes with provision once the cause is fixed") {
  Rig failing(100, "E: Unable to locate package docker.io\n");
  REQUIRE(failing.run({"create", "-d", "fake", "m1"}).rc == 1);
  // The same store, a host that now installs: provision completes the create.
  test::RunnerScope fixed;
  fixed.runner->on_contains("==os-release", {0, k_debian_facts, ""});
  fixed.runner->on([](const std::string &, const std::string &) { return true; }, {0, "", ""});
  test::FakeEngine engine(failing.dir("m1"));
  failing.fake.world->engine_port = engine.port;
  auto p = failing.run({"provision", "m1"});
  CHECK(p.rc == 0);
  auto rec = failing.record("m1");
  CHECK(rec.status == MachineStatus::Provisioned);
  CHECK(rec.failed_step.empty());
  CHECK(fixed.runner->stdins.size() == 3); // facts, install, configure: no KV store here
}

TEST_CASE("provision: a machine whose create was interrupted is refused, nothing run") {
  Rig r;
  REQUIRE(r.run({"create", "-d", "fake", "--no-provision", "m1"}).rc == 0);
  auto rec = r.record("m1");
  rec.status = MachineStatus::Creating; // what a create killed before the host was ready leaves
  REQUIRE(Store(r.store).save(rec));
  auto p = r.run({"provision", "m1"});
  CHECK(p.rc == 1);
  CHECK(p.err == "the create of m1 was interrupted before the host was ready: remove it with "
                 "`swarmctl rm -f m1` and create it again\n");
  CHECK(r.ssh.opened.empty());
  CHECK(r.ssh.runner->commands.empty());
  CHECK(r.record("m1").status == MachineStatus::Creating);
}
