// `create --kv KIND` through the command line with the in-process fake driver: the record says
// which store the machine runs (by name, as before the kinds became an enum); an unknown kind is
// CLI11's one usage line.
#include <doctest/doctest.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <provision/store/store.hpp>
#include <provision/util/fs.hpp>

#include "../../support/temp_dir.hpp"
#include "fake_driver.hpp"
#include "run_cli.hpp"

using namespace sc;
namespace fs = std::filesystem;

TEST_CASE("create --kv: the kind and its default port are recorded by name") {
  test::TempDir tmp("sc-create-kv");
  test::FakeDriverScope fake;
  auto store = (tmp.path / "store").string();
  for (auto [name, port] : {std::pair{"consul", 8500}, {"etcd", 2379}, {"zookeeper", 2181}}) {
    CAPTURE(name);
    auto c = test::run_cli(tmp.path, {"-s", store, "create", "-d", "fake", "--no-provision", "--kv",
                                      name, std::string("kv-") + name});
    CHECK(c.rc == 0);
    auto text =
        read_file(fs::path(store) / "machines" / (std::string("kv-") + name) / "config.json");
    REQUIRE(text);
    auto kv = nlohmann::json::parse(*text)["Swarmctl"]["KV"];
    CHECK(kv["Kind"] == name);
    CHECK(kv["Port"] == port);
  }
  // No --kv: no store, written as "" as before.
  REQUIRE(test::run_cli(tmp.path, {"-s", store, "create", "-d", "fake", "--no-provision", "plain"})
              .rc == 0);
  auto plain = Store(store).load("plain");
  REQUIRE(plain);
  CHECK(plain->kv.kind == KvKind::None);
  CHECK(plain->kv.port == 0);
}

TEST_CASE("create --kv: an unknown kind is refused before anything is created") {
  test::TempDir tmp("sc-create-kv");
  test::FakeDriverScope fake;
  auto c = test::run_cli(tmp.path, {"-s", (tmp.path / "store").string(), "create", "-d", "fake",
                                    "--kv", "redis", "m1"});
  CHECK(c.rc == 1);
  CHECK(c.err == "Incorrect Usage: --kv: redis not in {consul,etcd,zookeeper}\n");
  CHECK(fake.world->journal.empty());
}
