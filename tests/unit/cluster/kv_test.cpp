// The KV store container (its docker run arguments, discovery URL) and the etcd advertise check:
// etcd's v2 client syncs to the client URLs the members advertise.
#include <doctest/doctest.h>
#include <provision/cluster/kv.hpp>

#include "../../support/fake_runner.hpp"

using namespace sc;

TEST_CASE("etcd advertise: the cluster's address among the client URLs is fine") {
  CHECK(etcd_advertise_problem({"http://192.168.99.2:8500"}, "192.168.99.2", 8500).empty());
  CHECK(etcd_advertise_problem({"http://127.0.0.1:2379", "http://192.168.99.2:8500/"},
                               "192.168.99.2", 8500)
            .empty());
}

TEST_CASE("etcd advertise: localhost, a container address or another port is the trap") {
  auto p = etcd_advertise_problem({"http://localhost:2379"}, "192.168.99.2", 8500);
  CHECK(p.find("etcd at 192.168.99.2:8500 advertises the client URL(s) [http://localhost:2379]") ==
        0);
  CHECK(p.find("--advertise-client-urls http://192.168.99.2:8500") != std::string::npos);
  CHECK_FALSE(etcd_advertise_problem({"http://172.17.0.2:2379"}, "192.168.99.2", 8500).empty());
  CHECK_FALSE(etcd_advertise_problem({"http://192.168.99.2:2379"}, "192.168.99.2", 8500).empty());
  CHECK_FALSE(etcd_advertise_problem({}, "192.168.99.2", 8500).empty());
}

TEST_CASE("kv container: each kind's image, published port and command line") {
  using V = std::vector<std::string>;
  CHECK(kv_run_args({KvKind::Consul, "", 0}, "192.168.99.2") ==
        V{"--restart=always", "-p", "8500:8500", "-h", "consul", "progrium/consul:latest",
          "-server", "-bootstrap"});
  CHECK(kv_run_args({KvKind::Etcd, "", 12379}, "192.168.99.2") ==
        V{"--restart=always", "-p", "12379:2379", "quay.io/coreos/etcd:v3.4.23", "etcd", "--name",
          "swarmctl-kv", "--data-dir", "/etcd-data", "--listen-client-urls", "http://0.0.0.0:2379",
          "--advertise-client-urls", "http://192.168.99.2:12379", "--enable-v2=true"});
  CHECK(kv_run_args({KvKind::Zookeeper, "zookeeper:3.9", 0}, "10.0.0.5") ==
        V{"--restart=always", "-p", "2181:2181", "-e", "ZOO_4LW_COMMANDS_WHITELIST=ruok,stat",
          "zookeeper:3.9"});
}

TEST_CASE("kv discovery URL: the scheme Swarm and the engines read, the kind's own port") {
  CHECK(kv_url(KvKind::Consul, "kv", 0) == "consul://kv:8500");
  CHECK(kv_url(KvKind::Etcd, "10.0.0.5", 0) == "etcd://10.0.0.5:2379");
  CHECK(kv_url(KvKind::Zookeeper, "kv", 0) == "zk://kv:2181");
  CHECK(kv_url(KvKind::Consul, "kv", 18500) == "consul://kv:18500");
  CHECK(kv_default_image(KvKind::None).empty());
}

TEST_CASE("kv container: no kind, nothing run") {
  test::FakeRunner r;
  auto st = run_kv(r, {KvKind::None, "", 0}, "10.0.0.5");
  REQUIRE_FALSE(st);
  CHECK(st.error().message == "no key-value store kind given");
  CHECK(r.commands.empty());
}
