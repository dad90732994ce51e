// ensure_network with hostile network names and drivers: the script it sends runs against a
// stand-in `docker` (the real one needs an engine) and its message names them literally, running
// nothing.
#include <unistd.h>

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/cluster/network.hpp>
#include <provision/util/process.hpp>
#include <tests/support/fake_runner.hpp>
#include <tests/support/hostile.hpp>

using namespace sc;
namespace fs = std::filesystem;

TEST_CASE("network: a hostile name or driver reaches the remote script only quoted") {
  std::string t = (fs::temp_directory_path() / "sc-net-quote.XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  fs::path dir = t;
  auto marker = (dir / "pwned").string();
  // `docker network inspect` says the network exists with the bridge driver.
  std::ofstream(dir / "docker") << "#!/bin/sh\n[ \"$2\" = inspect ] && echo bridge\nexit 0\n";
  fs::permissions(dir / "docker", fs::perms::owner_all);
  for (const auto &v : test::hostile_values(marker)) {
    if (v.empty() || v == "bridge") continue;
    for (bool hostile_name : {true, false}) {
      CAPTURE(v);
      CAPTURE(hostile_name);
      NetworkSpec n;
      n.name = hostile_name ? v : "net1";
      n.driver = hostile_name ? "overlay" : v;
      test::FakeRunner r;
      r.on([](const std::string &, const std::string &) { return true; }, {0, "", ""});
      REQUIRE(ensure_network(r, n));
      REQUIRE(r.stdins.size() == 1);
      auto run = run_process(
          {"env", "PATH=" + dir.string() + ":/usr/bin:/bin", "bash", "-c", r.stdins[0]});
      REQUIRE(run);
      CHECK(run->exit_code == 1);
      CHECK(run->err == "network " + n.name + " exists with driver bridge, not " + n.driver + "\n");
      CHECK_FALSE(fs::exists(marker));
    }
  }
  fs::remove_all(dir);
}
