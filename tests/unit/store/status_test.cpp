// The record's status is an enum inside the program and docker-machine-style text in config.json
// ("Swarmctl": {"Status": "provisioned"}); a status this version does not know survives a save.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <provision/store/host.hpp>

using namespace sc;

namespace {
Result<HostRecord> with_status(const nlohmann::json &status) {
  nlohmann::json j = {{"ConfigVersion", 3}, {"Name", "m1"}, {"DriverName", "none"}};
  j["Swarmctl"] = {{"Status", status}};
  return host_from_json(j);
}
} // namespace

TEST_CASE("record status: the five states read and write their config.json strings") {
  for (auto [st, text] : {std::pair{MachineStatus::Creating, "creating"},
                          {MachineStatus::Created, "created"},
                          {MachineStatus::Provisioning, "provisioning"},
                          {MachineStatus::Provisioned, "provisioned"},
                          {MachineStatus::Failed, "failed"}}) {
    CAPTURE(text);
    CHECK(status_name(st) == text);
    auto h = with_status(text);
    REQUIRE(h);
    CHECK(h->status == st);
    CHECK(to_json(*h)["Swarmctl"]["Status"] == text);
  }
}

TEST_CASE("record status: a missing status is created; an unknown one is kept as written") {
  nlohmann::json j = {{"ConfigVersion", 3}, {"Name", "m1"}, {"DriverName", "none"}};
  auto old = host_from_json(j);
  REQUIRE(old);
  CHECK(old->status == MachineStatus::Created);
  CHECK(to_json(*old)["Swarmctl"]["Status"] == "created");
  for (const char *text : {"paused-by-a-newer-version", "", "Provisioned"}) {
    CAPTURE(text);
    auto h = with_status(text);
    REQUIRE(h);
    CHECK(h->status == MachineStatus::Unknown);
    CHECK(to_json(*h)["Swarmctl"]["Status"] == text);
  }
  auto wrong = with_status(5);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message == "config.json: Swarmctl.Status must be a string, got a number");
}
