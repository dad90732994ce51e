#include <cmd/cluster_file.hpp>
#include <doctest/doctest.h>

using namespace sc;

TEST_CASE("cluster file: the seed topology expands kv, master and counted nodes in order") {
  auto f = parse_cluster_yaml(R"(
cluster: seed
driver: local
driver_options: {local-cidr: 192.168.50.1/24}
kv: {name: consul, kind: etcd}
swarm: {mode: classic, master: master}
nodes: {prefix: node, count: 3}
networks:
  - name: server-overlay-network
    subnet: 10.0.9.0/24
)", "seed.yml");
  REQUIRE(f);
  CHECK(f->name == "seed");
  REQUIRE(f->machines.size() == 5);
  CHECK(f->machines[0].name == "consul");
  CHECK(f->machines[0].role == "kv");
  CHECK(f->machines[1].name == "master");
  CHECK(f->machines[1].role == "master");
  CHECK(f->machines[2].name == "node0");
  CHECK(f->machines[4].name == "node2");
  CHECK(f->machines[3].driver == "local");
  CHECK(f->machines[3].driver_options.at("local-cidr") == std::vector<std::string>{"192.168.50.1/24"});
  CHECK(f->kv_kind == "etcd");
  REQUIRE(f->networks.size() == 1);
  CHECK(f->networks[0].subnet == "10.0.9.0/24");
  CHECK(f->networks[0].driver == "overlay");
}

TEST_CASE("cluster file: per-machine overrides replace the driver and merge engine options") {
  auto f = parse_cluster_yaml(R"(
cluster: c
driver: virtualbox
engine: {labels: [a=1]}
swarm: {mode: swarm-mode}
nodes: [n1, n2]
machines:
  n2:
    driver: amazonec2
    driver_options: {amazonec2-region: eu-west-1}
    engine: {labels: [b=2]}
)", "c.yml");
  REQUIRE(f);
  REQUIRE(f->machines.size() == 3);
  CHECK(f->machines[0].name == "master");
  const auto& n2 = f->machines[2];
  CHECK(n2.driver == "amazonec2");
  CHECK(n2.driver_options.size() == 1);
  CHECK(n2.engine.labels == std::vector<std::string>{"a=1", "b=2"});
  CHECK(f->machines[1].driver == "virtualbox");
}

TEST_CASE("cluster file: errors name the file, line and column") {
  auto f = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nnodez: 3\n", "bad.yml");
  REQUIRE_FALSE(f);
  CHECK(f.error().message == "bad.yml:3:1: unknown key 'nodez' in the cluster file");
  CHECK(f.error().code == Errc::usage);

  auto g = parse_cluster_yaml("cluster: c\nswarm: {mode: classic}\n", "g.yml");
  REQUIRE_FALSE(g);
  CHECK(g.error().message.find("g.yml:2:8: classic swarm needs a kv store") == 0);

  auto h = parse_cluster_yaml("cluster: c\nswarm: [\n", "h.yml");
  REQUIRE_FALSE(h);
  CHECK(h.error().message.rfind("h.yml:", 0) == 0);

  auto d = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nnodes: [master]\n", "d.yml");
  REQUIRE_FALSE(d);
  CHECK(d.error().message == "d.yml:3:9: machine 'master' is listed twice");

  auto n = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nnodes: {count: many}\n", "n.yml");
  REQUIRE_FALSE(n);
  CHECK(n.error().message.find("n.yml:3:") == 0);
}

TEST_CASE("cluster file: images expand environment variables") {
  setenv("SC_TEST_IMAGES", "/opt/imgs", 1);
  auto f = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nimages:\n  - ${SC_TEST_IMAGES}/a.tar\n  - $SC_TEST_IMAGES/b.tar\n", "i.yml");
  REQUIRE(f);
  CHECK(f->images == std::vector<std::string>{"/opt/imgs/a.tar", "/opt/imgs/b.tar"});
  auto g = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nimages: [$SC_TEST_UNSET_VAR/a.tar]\n", "i.yml");
  REQUIRE_FALSE(g);
  CHECK(g.error().message.find("$SC_TEST_UNSET_VAR is not set") != std::string::npos);
}
