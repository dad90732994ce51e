// `up` and `down` of a cluster file with the in-process fake driver: the order machines are
// created and removed in (KV store, then master, then nodes; down in reverse).
#include <cmd/cluster_up.hpp>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

#include "../../support/temp_dir.hpp"
#include "fake_driver.hpp"
#include "run_cli.hpp"

using namespace sc;
namespace fs = std::filesystem;

namespace {

ClusterMachine machine(std::string name, std::string role) {
  ClusterMachine m;
  m.name = std::move(name);
  m.role = std::move(role);
  m.driver = "fake";
  return m;
}

std::vector<std::string> names_in(const ClusterFile &f, const std::vector<size_t> &order) {
  std::vector<std::string> out;
  for (auto i : order)
    out.push_back(f.machines[i].name);
  return out;
}

// A classic cluster: a KV machine, a master, two nodes, all on the fake driver.
constexpr const char *k_classic = R"(cluster: c
driver: fake
kv: {name: kv, kind: consul}
swarm: {mode: classic, master: master}
nodes: {prefix: node, count: 2}
)";

} // namespace

TEST_CASE("up order: the KV machine, the master, then the others in file order") {
  ClusterFile f;
  f.kv_kind = KvKind::Consul;
  f.machines = {machine("n1", "node"), machine("boss", "master"), machine("n2", "node"),
                machine("store", "kv")};
  CHECK(names_in(f, up_order(f)) == std::vector<std::string>{"store", "boss", "n1", "n2"});
  // Swarm mode, no KV machine: the master first.
  f.machines.pop_back();
  f.kv_kind = KvKind::None;
  CHECK(names_in(f, up_order(f)) == std::vector<std::string>{"boss", "n1", "n2"});
  // No master either: file order.
  f.machines = {machine("a", "node"), machine("b", "node")};
  CHECK(names_in(f, up_order(f)) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("up -j 1 creates KV, master, nodes in turn; down removes them in reverse") {
  test::TempDir tmp("sc-up-down");
  test::FakeDriverScope fake;
  auto yml = tmp.path / "c.yml";
  std::ofstream(yml) << k_classic;
  auto store = (tmp.path / "store").string();
  // The fake hosts have no SSH: every machine fails at provisioning, after its driver create.
  for (const auto *n : {"kv", "master", "node0", "node1"})
    fake.world->failing.insert(std::string(n) + " ssh_endpoint");
  auto up = test::run_cli(tmp.path, {"-s", store, "up", "-f", yml.string(), "-j", "1"});
  CHECK(up.rc == 1);
  CHECK(up.err.find("cluster c: failed: ") != std::string::npos);
  CHECK(fake.world->calls("create") == std::vector<std::string>{"kv", "master", "node0", "node1"});
  // One machine at a time: each one's provisioning attempt ends before the next create.
  CHECK(fake.world->index_of("kv ssh_endpoint") < fake.world->index_of("master create"));
  CHECK(fake.world->index_of("master ssh_endpoint") < fake.world->index_of("node0 create"));
  CHECK(fake.world->index_of("node0 ssh_endpoint") < fake.world->index_of("node1 create"));

  auto down = test::run_cli(tmp.path, {"-s", store, "down", "-f", yml.string()});
  CHECK(down.rc == 0);
  // Reported in file order, whatever order the removals ended in.
  CHECK(down.out == "Successfully removed kv\nSuccessfully removed master\nSuccessfully "
                    "removed node0\nSuccessfully removed node1\n");
  auto removed = fake.world->calls("remove");
  REQUIRE(removed.size() == 4);
  CHECK(removed[2] == "master");
  CHECK(removed[3] == "kv");
  CHECK(fake.world->hosts.empty());
  CHECK_FALSE(fs::exists(tmp.path / "store" / "machines" / "node0"));
}

TEST_CASE("up: the KV machine is created before any other, even with no job limit") {
  test::TempDir tmp("sc-up-kv");
  test::FakeDriverScope fake;
  auto yml = tmp.path / "c.yml";
  std::ofstream(yml) << k_classic;
  auto store = (tmp.path / "store").string();
  for (const auto *n : {"kv", "master", "node0", "node1"})
    fake.world->failing.insert(std::string(n) + " ssh_endpoint");
  auto up = test::run_cli(tmp.path, {"-s", store, "up", "-f", yml.string()});
  CHECK(up.rc == 1);
  auto created = fake.world->calls("create");
  REQUIRE(created.size() == 4);
  CHECK(created[0] == "kv");
}

TEST_CASE("up: a KV machine whose driver fails stops the cluster before any other machine") {
  test::TempDir tmp("sc-up-kvfail");
  test::FakeDriverScope fake;
  auto yml = tmp.path / "c.yml";
  std::ofstream(yml) << k_classic;
  fake.world->failing.insert("kv create");
  auto up =
      test::run_cli(tmp.path, {"-s", (tmp.path / "store").string(), "up", "-f", yml.string()});
  CHECK(up.rc == 1);
  CHECK(up.err.find("cluster c: the KV machine could not be created") != std::string::npos);
  CHECK(fake.world->calls("create") == std::vector<std::string>{"kv"});
  CHECK(fake.world->calls("remove") == std::vector<std::string>{"kv"}); // its rollback
}
