// The record's Swarmctl.KV.Kind: written as docker-machine-era swarmctl wrote it ("consul",
// "etcd", "zookeeper", "" for none), read back into the kind; an unknown one is refused with one
// line naming the field.
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <provision/store/store.hpp>
#include <provision/util/fs.hpp>

#include "../../support/temp_dir.hpp"

using namespace sc;

TEST_CASE("record: the KV kind is saved by name and loads back") {
  test::TempDir tmp("sc-kv-record");
  Store s(tmp.path / "store");
  REQUIRE(s.init());
  for (auto [kind, name] : {std::pair{KvKind::None, ""},
                            {KvKind::Consul, "consul"},
                            {KvKind::Etcd, "etcd"},
                            {KvKind::Zookeeper, "zookeeper"}}) {
    CAPTURE(name);
    HostRecord h;
    h.name = "m1";
    h.driver_name = "none";
    h.kv.kind = kind;
    REQUIRE(s.save(h));
    auto text = read_file(s.machine_dir("m1") / "config.json");
    REQUIRE(text);
    CHECK(nlohmann::json::parse(*text)["Swarmctl"]["KV"]["Kind"] == name);
    auto back = s.load("m1");
    REQUIRE(back);
    CHECK(back->kv.kind == kind);
  }
}

TEST_CASE("record: an unknown KV kind is one error naming the field and the value") {
  test::TempDir tmp("sc-kv-record");
  Store s(tmp.path / "store");
  REQUIRE(s.init());
  HostRecord h;
  h.name = "m1";
  h.driver_name = "none";
  REQUIRE(s.save(h));
  auto j = nlohmann::json::parse(*read_file(s.machine_dir("m1") / "config.json"));
  j["Swarmctl"]["KV"]["Kind"] = "redis";
  std::ofstream(s.machine_dir("m1") / "config.json") << j.dump();
  auto r = s.load("m1");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::parse);
  CHECK(r.error().message ==
        "machine \"m1\": config.json: Swarmctl.KV.Kind: unknown key-value store redis");
}
