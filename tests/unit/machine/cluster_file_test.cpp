#include <unistd.h>

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/machine/cluster_file.hpp>
#include <provision/util/process.hpp>
#include <tuple>

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
)",
                              "seed.yml");
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
  CHECK(f->machines[3].driver_options.at("local-cidr") ==
        std::vector<std::string>{"192.168.50.1/24"});
  CHECK(f->kv_kind == KvKind::Etcd);
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
)",
                              "c.yml");
  REQUIRE(f);
  REQUIRE(f->machines.size() == 3);
  CHECK(f->machines[0].name == "master");
  const auto &n2 = f->machines[2];
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

  auto n =
      parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nnodes: {count: many}\n", "n.yml");
  REQUIRE_FALSE(n);
  CHECK(n.error().message.find("n.yml:3:") == 0);
}

TEST_CASE("cluster file: images expand environment variables") {
  setenv("SC_TEST_IMAGES", "/opt/imgs", 1);
  auto f = parse_cluster_yaml("cluster: c\nswarm: {mode: swarm-mode}\nimages:\n  - "
                              "${SC_TEST_IMAGES}/a.tar\n  - $SC_TEST_IMAGES/b.tar\n",
                              "i.yml");
  REQUIRE(f);
  CHECK(f->images == std::vector<std::string>{"/opt/imgs/a.tar", "/opt/imgs/b.tar"});
  auto g = parse_cluster_yaml(
      "cluster: c\nswarm: {mode: swarm-mode}\nimages: [$SC_TEST_UNSET_VAR/a.tar]\n", "i.yml");
  REQUIRE_FALSE(g);
  CHECK(g.error().message.find("$SC_TEST_UNSET_VAR is not set") != std::string::npos);
}

namespace {
// A minimal `docker save` archive holding `tags`, written with GNU tar.
std::string image_tar(const std::filesystem::path &dir, const std::string &file,
                      const std::string &tags_json) {
  auto src = dir / (file + ".d");
  std::filesystem::create_directories(src);
  std::ofstream(src / "manifest.json")
      << R"([{"Config":"c.json","RepoTags":)" << tags_json << R"(,"Layers":[]}])";
  auto out = dir / file;
  auto r = run_process({"tar", "-C", src.string(), "-cf", out.string(), "manifest.json"});
  REQUIRE(r);
  REQUIRE(r->exit_code == 0);
  return out.string();
}
} // namespace

TEST_CASE("cluster file: images swarmctl runs go only where it runs them") {
  std::string t = (std::filesystem::temp_directory_path() / "sc-images-role.XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  std::filesystem::path dir = t;
  auto etcd = image_tar(dir, "etcd.tar", R"(["quay.io/coreos/etcd:v3.4.23"])");
  auto swarm = image_tar(dir, "swarm.tar", R"(["swarm:latest"])");
  auto busybox = image_tar(dir, "busybox.tar", R"(["busybox:latest"])");
  auto mixed = image_tar(dir, "mixed.tar", R"(["swarm:latest","busybox:latest"])");
  auto untagged = image_tar(dir, "untagged.tar", "null");
  auto all = std::vector<std::string>{etcd, swarm, busybox, mixed, untagged};
  auto yaml = [&](const std::string &kv, const std::string &swarm_section) {
    std::string y = "cluster: c\ndriver: local\n" + kv + swarm_section +
                    "nodes: {prefix: node, count: 1}\nimages:\n";
    for (const auto &i : all)
      y += "  - " + i + "\n";
    return y;
  };
  SUBCASE("classic with etcd (default image)") {
    auto f = parse_cluster_yaml(
        yaml("kv: {name: consul, kind: etcd}\n", "swarm: {mode: classic, master: master}\n"),
        "c.yml");
    REQUIRE(f);
    CHECK(images_for_role(*f, "kv") == std::vector<std::string>{etcd, busybox, mixed, untagged});
    CHECK(images_for_role(*f, "master") ==
          std::vector<std::string>{swarm, busybox, mixed, untagged});
    CHECK(images_for_role(*f, "node") == std::vector<std::string>{swarm, busybox, mixed, untagged});
  }
  SUBCASE("a KV image given in the file replaces the default") {
    auto f = parse_cluster_yaml(
        yaml("kv: {name: consul, kind: etcd, image: 'quay.io/coreos/etcd:v3.5.0'}\n",
             "swarm: {mode: classic, master: master, image: 'swarm:1.2.9'}\n"),
        "c.yml");
    REQUIRE(f);
    // Neither archive holds the images the file names: both go everywhere.
    CHECK(images_for_role(*f, "node") == all);
    CHECK(images_for_role(*f, "kv") == all);
  }
  SUBCASE("swarm mode runs no swarm image: it is the user's, loaded everywhere") {
    auto f = parse_cluster_yaml(yaml("", "swarm: {mode: swarm-mode, master: master}\n"), "c.yml");
    REQUIRE(f);
    CHECK(images_for_role(*f, "master") == all);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("cluster file: the shipped examples describe the seed topology") {
  // templates/examples/*.yml: a KV host named consul, a classic master, three nodes.
  for (const auto &[file, driver, kind] : {std::tuple{"seed.yml", "virtualbox", KvKind::Consul},
                                           {"seed-local.yml", "local", KvKind::Etcd}}) {
    INFO(file);
    auto f = load_cluster_file(std::string(SC_SOURCE_DIR) + "/templates/examples/" + file);
    REQUIRE(f);
    CHECK(f->name == "seed");
    CHECK(f->swarm_mode == SwarmKind::Classic);
    CHECK(f->kv_kind == kind);
    std::vector<std::string> names, roles;
    for (const auto &m : f->machines) {
      names.push_back(m.name);
      roles.push_back(m.role);
      CHECK(m.driver == driver);
    }
    CHECK(names == std::vector<std::string>{"consul", "master", "node0", "node1", "node2"});
    CHECK(roles == std::vector<std::string>{"kv", "master", "node", "node", "node"});
  }
  auto seed = load_cluster_file(std::string(SC_SOURCE_DIR) + "/templates/examples/seed.yml");
  REQUIRE(seed);
  CHECK(seed->machines[2].driver_options.at("virtualbox-memory") ==
        std::vector<std::string>{"512"});
  REQUIRE(seed->networks.size() == 1);
  CHECK(seed->networks[0].name == "server-overlay-network");
  CHECK(seed->networks[0].driver == "overlay");
}
