// The classic Swarm manager's /info (a body captured from the real swarm 1.2.9 built by
// tests/e2e/images/build_swarm.sh) and the network keeper's script, run by bash against a fake
// `docker` (no engine can run in a unit test) that fails the way dockerd 20.10 does.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/cluster/classic_manager.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <stdlib.h>

using namespace sc;
namespace fs = std::filesystem;

namespace {
std::string data(const std::string &rel) {
  auto r = read_file(fs::path(SC_SOURCE_DIR) / "tests" / "data" / rel);
  REQUIRE(r);
  return *r;
}

// Runs the commands locally with sh: the keeper script is bash sent on stdin, as over SSH.
class LocalRunner : public CommandRunner {
public:
  explicit LocalRunner(std::string bin) : m_bin(std::move(bin)) {}
  Result<CommandResult> run(const std::string &cmd, const RunOptions &opts) override {
    ProcessOptions po;
    po.stdin_data = opts.stdin_data;
    po.timeout = opts.timeout;
    po.env["PATH"] = m_bin + ":" + std::getenv("PATH");
    auto r = run_process({"sh", "-c", cmd}, po);
    if (!r) return fail(r.error());
    return CommandResult{r->exit_code, r->out, r->err};
  }
  Status put_file(const std::string &, std::string_view, unsigned) override { return ok(); }
  std::string target() const override { return "root@local:22"; }
  int round_trips() const override { return 0; }

private:
  std::string m_bin;
};

// A fake docker: `run` answers from the lines of $dir/script in turn (notfound | stale | ok) and
// records the running container's hash label; `inspect` prints it; every call is logged.
const char *k_fake_docker = R"SH(#!/bin/bash
d=$(dirname "$0")
echo "$*" >> "$d/log"
case "$1" in
  inspect) [ -f "$d/running" ] && cat "$d/running" || exit 1 ;;
  rm|network) exit 0 ;;
  run)
    n=$(( $(cat "$d/runs" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/runs"
    case "$(sed -n "${n}p" "$d/script")" in
      notfound) echo "docker: Error response from daemon: network net1 not found." >&2; exit 125 ;;
      stale) echo "docker: Error response from daemon: endpoint with name x already exists in network net1." >&2; exit 125 ;;
      *) for a in "$@"; do case "$a" in swarmctl.hash=*) echo "${a#swarmctl.hash=} true" > "$d/running" ;; esac; done ;;
    esac ;;
esac
)SH";

struct FakeDocker {
  fs::path dir;
  explicit FakeDocker(const std::string &script) {
    std::string t = (fs::temp_directory_path() / "sc-keeper.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
    std::ofstream(dir / "docker") << k_fake_docker;
    fs::permissions(dir / "docker", fs::perms::owner_all);
    std::ofstream(dir / "script") << script;
  }
  ~FakeDocker() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string log() const {
    auto r = read_file(dir / "log");
    return r ? *r : "";
  }
};
} // namespace

TEST_CASE("classic manager: /info of swarm 1.2.9 lists every node with its status") {
  auto nodes = parse_manager_nodes(data("swarm/manager_info.json"));
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 4);
  CHECK((*nodes)[0].name == "master");
  CHECK((*nodes)[0].addr == "192.168.230.6:2376");
  CHECK((*nodes)[0].status == "Healthy");
  CHECK((*nodes)[3].name == "node2");
  CHECK(nodes_not_healthy(*nodes, {"master", "node0", "node1", "node2"}).empty());
  CHECK(nodes_not_healthy(*nodes, {"master", "node9"}) == "node9 is not listed");
}

TEST_CASE("classic manager: pending and unknown nodes are not healthy") {
  std::string body = R"J({"SystemStatus":[["Role","primary"],["Strategy","spread"],
    ["Filters","health, port"],["Nodes","2"],[" (unknown)","192.168.1.5:2376"],
    ["  └ ID",""],["  └ Status","Pending"],[" node1","192.168.1.6:2376"],["  └ ID","X"],
    ["  └ Status","Unhealthy"],["  └ Containers","0"]]})J";
  auto nodes = parse_manager_nodes(body);
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 2);
  CHECK(nodes_not_healthy(*nodes, {"node0", "node1"}) == "node0 is not listed, node1 is Unhealthy");
}

TEST_CASE("classic manager: an engine's /info is not a manager's") {
  auto nodes = parse_manager_nodes(R"({"ServerVersion":"20.10.24","Containers":3})");
  REQUIRE_FALSE(nodes);
  CHECK(nodes.error().code == Errc::parse);
  CHECK_FALSE(parse_manager_nodes("garbage"));
}

TEST_CASE("network keeper: a name per machine (endpoint names are cluster-wide), swarm image") {
  CHECK(network_keeper_name("net1", "node0") == "swarmctl-keep-net1-node0");
  auto a = network_keeper_args("net1", "swarm:latest");
  CHECK(a[0] == "--restart=always");
  CHECK(std::find(a.begin(), a.end(), "swarm:latest") != a.end());
  CHECK(a.back() == "file:///dev/null");
}

TEST_CASE("network keeper: waits for the network, clears a stale endpoint, then runs") {
  FakeDocker fake("notfound\nstale\nok\n");
  LocalRunner r(fake.dir.string());
  auto st = ensure_network_keeper(r, "net1", "node0", "swarm:latest", std::chrono::seconds(20));
  REQUIRE_MESSAGE(st, (st ? "" : st.error().message));
  auto log = fake.log();
  CHECK(log.find("network disconnect -f net1 swarmctl-keep-net1-node0") != std::string::npos);
  // disconnect only after the stale endpoint, not after "not found"
  CHECK(log.find("network disconnect") > log.find("run -d", log.find("run -d") + 1));
  SUBCASE("a keeper already running with the same arguments is kept") {
    auto before = fake.log().size();
    REQUIRE(ensure_network_keeper(r, "net1", "node0", "swarm:latest", std::chrono::seconds(20)));
    auto after = fake.log().substr(before);
    CHECK(after.find("run -d") == std::string::npos);
    CHECK(after.find("rm -f") == std::string::npos);
  }
}

TEST_CASE("network keeper: a network that never arrives fails with the engine's last error") {
  std::string always_not_found;
  for (int i = 0; i < 50; ++i)
    always_not_found += "notfound\n";
  FakeDocker fake(always_not_found);
  LocalRunner r(fake.dir.string());
  auto st = ensure_network_keeper(r, "net1", "node0", "swarm:latest", std::chrono::seconds(1));
  REQUIRE_FALSE(st);
  CHECK(st.error().message.find("no container could join network net1 within 1 s") !=
        std::string::npos);
  CHECK(st.error().message.find("network net1 not found") != std::string::npos);
}
