// The create flow through the command line (`swarmctl -s STORE create -d fake NAME`) with the
// in-process fake driver: what is recorded, rolled back or kept after each kind of failure.
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/store/store.hpp>

#include "../../support/temp_dir.hpp"
#include "fake_driver.hpp"
#include "run_cli.hpp"

using namespace sc;
namespace fs = std::filesystem;

namespace {

struct Rig : test::CliStore {
  Rig() : CliStore("sc-create-flow") {}
  test::FakeDriverScope fake;
};

} // namespace

TEST_CASE("create: a failed pre-create check exits 3 and records nothing") {
  Rig r;
  r.fake.world->failing.insert("m1 pre_create_check");
  auto c = r.run({"create", "-d", "fake", "m1"});
  CHECK(c.rc == 3);
  CHECK(c.err == "Error with pre-create check: \"fake pre_create_check failed for m1\"\n");
  CHECK_FALSE(fs::exists(r.dir("m1")));
  CHECK(r.fake.world->calls("create").empty());
  auto ls = r.run({"ls", "-q"});
  CHECK(ls.rc == 0);
  CHECK(ls.out.empty());
}

TEST_CASE("create: a driver failure rolls the host back and removes the record") {
  Rig r;
  r.fake.world->failing.insert("m1 create");
  auto c = r.run({"create", "-d", "fake", "m1"});
  CHECK(c.rc == 1);
  CHECK(c.err.find("Error creating machine: Error in driver during machine creation: fake "
                   "create failed for m1") != std::string::npos);
  // The flow undoes the driver's work once, after its create, and drops the record.
  CHECK(r.fake.world->index_of("m1 remove") > r.fake.world->index_of("m1 create"));
  CHECK(r.fake.world->calls("remove") == std::vector<std::string>{"m1"});
  CHECK_FALSE(fs::exists(r.dir("m1")));
  // The name is free again: a second create goes through the driver again.
  r.fake.world->failing.clear();
  r.fake.world->failing.insert("m1 ssh_endpoint");
  (void)r.run({"create", "-d", "fake", "m1"});
  CHECK(r.fake.world->calls("create") == std::vector<std::string>{"m1", "m1"});
}

TEST_CASE("create: a provisioning failure keeps the machine, resumable with provision") {
  Rig r;
  r.fake.world->failing.insert("m1 ssh_endpoint");
  auto c = r.run({"create", "-d", "fake", "m1"});
  CHECK(c.rc == 1);
  CHECK(c.err.find("Error creating machine: Error running provisioning: ") != std::string::npos);
  CHECK(c.err.find("run `swarmctl provision m1` to resume, or `swarmctl rm -f m1`") !=
        std::string::npos);
  // Nothing was rolled back: the host and its record stay, marked failed at provisioning.
  CHECK(r.fake.world->calls("remove").empty());
  CHECK(r.fake.world->hosts.count("m1") == 1);
  auto rec = r.record("m1");
  CHECK(rec.status == MachineStatus::Failed);
  CHECK(rec.failed_step == "provisioning");
  CHECK(rec.driver["MachineName"] == "m1"); // the driver's state was saved with it
  // A second create refuses the name and says how to resume.
  auto again = r.run({"create", "-d", "fake", "m1"});
  CHECK(again.rc == 1);
  CHECK(again.err.find("its creation failed at: provisioning") != std::string::npos);
  // `provision` resumes with the same host: the driver is not asked to create it again, and the
  // record stays resumable while the cause is not fixed.
  auto p = r.run({"provision", "m1"});
  CHECK(p.rc == 1);
  CHECK(r.fake.world->calls("create") == std::vector<std::string>{"m1"});
  CHECK(r.fake.world->calls("ssh_endpoint") == std::vector<std::string>{"m1", "m1"});
  CHECK(r.record("m1").status == MachineStatus::Failed);
}

TEST_CASE("create --no-provision: the driver's part only, recorded as created") {
  Rig r;
  auto c = r.run({"create", "-d", "fake", "--no-provision", "m1"});
  CHECK(c.rc == 0);
  CHECK(r.record("m1").status == MachineStatus::Created);
  CHECK(r.fake.world->calls("ssh_endpoint").empty());
  CHECK(r.fake.world->calls("create") == std::vector<std::string>{"m1"});
}
