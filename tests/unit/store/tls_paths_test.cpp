// docker-machine's --tls-ca-cert & co. in the machine record: the given files replace the
// store's certs/ in AuthOptions, survive a save/load, and are recorded only when given.
#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <provision/store/store.hpp>
#include <string>

using namespace sc;

namespace {
using test::TempDir;

HostRecord record(const std::string &name) {
  HostRecord h;
  h.name = name;
  h.driver_name = "none";
  h.driver = {{"URL", "tcp://127.0.0.1:2376"}};
  return h;
}
} // namespace

TEST_CASE("tls paths: given files replace the store's in AuthOptions and survive a reload") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto h = record("m1");
  h.auth.tls_ca_cert = "/etc/myca/ca.pem";
  h.auth.tls_client_key = "/etc/myca/key.pem";
  REQUIRE(s.save(h));
  auto back = s.load("m1");
  REQUIRE(back);
  auto certs = (t.path / "store" / "certs").string();
  CHECK(back->auth.ca_cert_path == "/etc/myca/ca.pem");
  CHECK(back->auth.ca_private_key_path == certs + "/ca-key.pem"); // each path on its own
  CHECK(back->auth.client_cert_path == certs + "/cert.pem");
  CHECK(back->auth.client_key_path == "/etc/myca/key.pem");
  std::ifstream in(t.path / "store" / "machines" / "m1" / "config.json");
  auto j = nlohmann::json::parse(in);
  CHECK(j["HostOptions"]["AuthOptions"]["CaCertPath"] == "/etc/myca/ca.pem");
  CHECK(j["Swarmctl"]["TLS"]["CaCert"] == "/etc/myca/ca.pem");
}

TEST_CASE("tls paths: without the flags the record names the store's certs and no TLS entry") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  REQUIRE(s.save(record("m2")));
  auto back = s.load("m2");
  REQUIRE(back);
  CHECK(back->auth.ca_cert_path == (t.path / "store" / "certs" / "ca.pem").string());
  std::ifstream in(t.path / "store" / "machines" / "m2" / "config.json");
  auto j = nlohmann::json::parse(in);
  CHECK_FALSE(j["Swarmctl"].contains("TLS"));
}

TEST_CASE("store: the not-found message names the program it was created for") {
  TempDir t;
  Store s(t.path / "store", "docker-machine");
  REQUIRE(s.init());
  auto r = s.load("nosuch");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "Docker machine \"nosuch\" does not exist. Use \"docker-machine ls\" "
                             "to list machines. Use \"docker-machine create\" to add a new one.");
}
