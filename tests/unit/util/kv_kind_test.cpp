// The key-value store kinds: one spelling each (records, cluster files and --kv share it), the
// discovery URL schemes of docker/libkv (consul, etcd, zk) and the stores' own client ports.
#include <doctest/doctest.h>
#include <provision/util/kv_kind.hpp>
#include <string>
#include <vector>

using namespace sc;

TEST_CASE("kv kind: every name parses back to its kind; \"\" is no store") {
  for (auto k : {KvKind::None, KvKind::Consul, KvKind::Etcd, KvKind::Zookeeper}) {
    auto back = parse_kv_kind(kv_kind_name(k));
    REQUIRE(back);
    CHECK(*back == k);
  }
  CHECK(kv_kind_name(KvKind::Consul) == "consul");
  CHECK(kv_kind_name(KvKind::Etcd) == "etcd");
  CHECK(kv_kind_name(KvKind::Zookeeper) == "zookeeper");
  CHECK(kv_kind_name(KvKind::None).empty());
  CHECK(kv_kind_names() == std::vector<std::string>{"consul", "etcd", "zookeeper"});
}

TEST_CASE("kv kind: an unknown name is one line naming it") {
  for (const char *bad : {"redis", "Consul", "zk", " etcd"}) {
    CAPTURE(bad);
    auto r = parse_kv_kind(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::usage);
    CHECK(r.error().message == std::string("unknown key-value store ") + bad);
  }
  // A name from a damaged record cannot break the line or reach the terminal raw.
  auto hostile = parse_kv_kind("etcd\n\x1b[31mred");
  REQUIRE_FALSE(hostile);
  CHECK(hostile.error().message == "unknown key-value store etcd??[31mred");
}

TEST_CASE("kv kind: discovery URL schemes and client ports") {
  CHECK(kv_scheme(KvKind::Consul) == "consul");
  CHECK(kv_scheme(KvKind::Etcd) == "etcd");
  CHECK(kv_scheme(KvKind::Zookeeper) == "zk");
  CHECK(kv_kind_of_scheme("zk") == KvKind::Zookeeper);
  CHECK(kv_kind_of_scheme("etcd") == KvKind::Etcd);
  CHECK(kv_kind_of_scheme("consul") == KvKind::Consul);
  for (const char *other : {"zookeeper", "token", "nodes", "file", ""})
    CHECK(kv_kind_of_scheme(other) == KvKind::None);
  CHECK(kv_default_port(KvKind::Consul) == 8500);
  CHECK(kv_default_port(KvKind::Etcd) == 2379);
  CHECK(kv_default_port(KvKind::Zookeeper) == 2181);
  CHECK(kv_default_port(KvKind::None) == 0);
}
