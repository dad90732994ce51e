// Docker CLI contexts in the CLI's store format (the docker CLI itself reads them in
// tests/e2e/test_docker_context.sh) and the one swarm endpoint function.
#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <provision/machine/connection.hpp>
#include <provision/machine/docker_context.hpp>
#include <provision/util/fs.hpp>
#include <sstream>

using namespace sc;

namespace {
using test::TempDir;
nlohmann::json read_json(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}
DockerContextSpec spec(const std::string &name, const std::string &machine) {
  return DockerContextSpec{name,   "tcp://10.0.0.5:2376", machine, "/store", "CA\n", "CERT\n",
                           "KEY\n"};
}
// sha256("m1"): the Docker CLI names a context's directories after the digest of its name.
const char *k_m1_id = "ca0df2c95aa144c1d0ff2ff3c8f967fdc1de9ef0c4120b3726416701b519d619";
} // namespace

TEST_CASE("docker context: meta.json and TLS files where the Docker CLI looks") {
  TempDir d;
  REQUIRE(write_docker_context(d.path, spec("m1", "m1")));
  auto meta = read_json(d.path / "contexts/meta" / k_m1_id / "meta.json");
  CHECK(meta["Name"] == "m1");
  CHECK(meta["Endpoints"]["docker"]["Host"] == "tcp://10.0.0.5:2376");
  CHECK(meta["Endpoints"]["docker"]["SkipTLSVerify"] == false);
  CHECK(meta["Metadata"]["SwarmctlMachine"] == "m1");
  auto tls = d.path / "contexts/tls" / k_m1_id / "docker";
  CHECK(*read_file(tls / "ca.pem") == "CA\n");
  CHECK(*read_file(tls / "cert.pem") == "CERT\n");
  CHECK(*read_file(tls / "key.pem") == "KEY\n");
  CHECK((fs::status(tls / "key.pem").permissions() & fs::perms::group_read) == fs::perms::none);
}

TEST_CASE("docker context: a context swarmctl did not make is neither overwritten nor removed") {
  TempDir d;
  auto dir = d.path / "contexts/meta" / k_m1_id;
  fs::create_directories(dir);
  std::string foreign =
      R"({"Name":"m1","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://x:1"}}})";
  REQUIRE(atomic_write(dir / "meta.json", foreign, 0644));
  auto st = write_docker_context(d.path, spec("m1", "m1"));
  REQUIRE_FALSE(st);
  CHECK(st.error().code == Errc::already_exists);
  CHECK(st.error().message.find("docker context rm m1") != std::string::npos);
  auto removed = remove_docker_contexts(d.path, "m1", "/store");
  REQUIRE(removed);
  CHECK(removed->empty());
  CHECK(*read_file(dir / "meta.json") == foreign);
}

TEST_CASE("docker context: rm removes every context made for the machine, resets the current") {
  TempDir d;
  REQUIRE(write_docker_context(d.path, spec("m1", "m1")));
  REQUIRE(write_docker_context(d.path, spec("m1-swarm", "m1")));
  REQUIRE(write_docker_context(d.path, spec("m2", "m2")));
  REQUIRE(
      atomic_write(d.path / "config.json", R"({"currentContext":"m1-swarm","auths":{}})", 0600));
  auto other_store = remove_docker_contexts(d.path, "m1", "/another-store");
  REQUIRE(other_store);
  CHECK(other_store->empty());
  auto removed = remove_docker_contexts(d.path, "m1", "/store");
  REQUIRE(removed);
  CHECK(removed->size() == 2);
  CHECK_FALSE(fs::exists(d.path / "contexts/meta" / k_m1_id));
  CHECK_FALSE(fs::exists(d.path / "contexts/tls" / k_m1_id));
  auto cfg = read_json(d.path / "config.json");
  CHECK_FALSE(cfg.contains("currentContext"));
  CHECK(cfg.contains("auths"));
  auto left = remove_docker_contexts(d.path, "m2", "/store");
  REQUIRE(left);
  CHECK(left->size() == 1);
}

TEST_CASE(
    "swarm endpoint: classic on the engine's host at --swarm-host's port, swarm mode the engine") {
  HostRecord r;
  r.swarm.host = "tcp://0.0.0.0:3380";
  CHECK(swarm_port(r) == 3380);
  CHECK(*swarm_url(r, "tcp://192.168.99.10:2376") == "tcp://192.168.99.10:3380");
  r.swarm.host = "tcp://0.0.0.0:3376";
  CHECK(*swarm_url(r, "tcp://192.168.99.10:2376") == "tcp://192.168.99.10:3376");
  r.swarm.mode = true;
  CHECK(*swarm_url(r, "tcp://192.168.99.10:2376") == "tcp://192.168.99.10:2376");
  r.swarm.host = "garbage";
  CHECK(swarm_port(r) == 3376);
}
