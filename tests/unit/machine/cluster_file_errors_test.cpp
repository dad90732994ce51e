// Cluster file errors: each names the file, line and column, the key and what it must be; no
// "bad conversion", no crash, one line.
#include <unistd.h>

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/machine/cluster_file.hpp>

using namespace sc;

namespace {
const char *k_head = "cluster: c\nswarm: {mode: swarm-mode}\n";

std::string error_of(const std::string &yaml) {
  auto f = parse_cluster_yaml(yaml, "x.yml");
  REQUIRE_FALSE(f);
  CHECK(f.error().code == Errc::usage);
  CHECK(f.error().message.find('\n') == std::string::npos);
  CHECK(f.error().message.find("bad conversion") == std::string::npos);
  return f.error().message;
}
} // namespace

TEST_CASE("cluster file: a key given twice is refused with both positions") {
  CHECK(error_of(std::string(k_head) + "cluster: d\n") ==
        "x.yml:3:1: duplicate key 'cluster' in the cluster file (first at 1:1)");
  CHECK(error_of(std::string(k_head) + "nodes: {count: 1, count: 2}\n") ==
        "x.yml:3:19: duplicate key 'count' in nodes (first at 3:9)");
  CHECK(error_of(std::string(k_head) + "nodes: [n1]\nmachines:\n  n1: {}\n  n1: {}\n") ==
        "x.yml:6:3: duplicate key 'n1' in machines (first at 5:3)");
  CHECK(error_of("cluster: c\nswarm: {mode: swarm-mode}\ndriver_options: {local-cidr: a, "
                 "local-cidr: b}\ndriver: local\n") ==
        "x.yml:3:33: duplicate key 'local-cidr' in driver_options (first at 3:18)");
}

TEST_CASE("cluster file: a value of the wrong type names the key and the type expected") {
  CHECK(error_of("cluster: [a]\nswarm: {mode: swarm-mode}\n") ==
        "x.yml:1:10: 'cluster' must be a string, got a list");
  CHECK(error_of("cluster: c\nswarm: {mode: swarm-mode, master: {a: 1}}\n") ==
        "x.yml:2:35: 'swarm.master' must be a string, got a mapping");
  CHECK(error_of("cluster: c\nkv: {kind: [etcd]}\nswarm: {mode: classic}\n") ==
        "x.yml:2:12: 'kv.kind' must be a string, got a list");
  CHECK(error_of("cluster: c\nkv: {kind: redis}\nswarm: {mode: classic}\n") ==
        "x.yml:2:12: 'kv.kind' must be consul, etcd or zookeeper");
  CHECK(error_of("cluster: c\nkv: {kind: ''}\nswarm: {mode: classic}\n") ==
        "x.yml:2:12: 'kv.kind' must be consul, etcd or zookeeper");
  CHECK(error_of(std::string(k_head) + "nodes: {count: [1]}\n") ==
        "x.yml:3:16: 'nodes.count' must be an integer from 0 to 200, got a list");
  CHECK(error_of(std::string(k_head) + "nodes: {count: many}\n") ==
        "x.yml:3:16: 'nodes.count' must be an integer from 0 to 200, got 'many'");
  CHECK(error_of(std::string(k_head) + "engine: {labels: {a: 1}}\n") ==
        "x.yml:3:18: 'engine.labels' must be a string or a list of strings, got a mapping");
  CHECK(error_of(std::string(k_head) + "engine: {labels: [[a]]}\n") ==
        "x.yml:3:19: 'engine.labels' must be a list of strings, got a list in it");
  CHECK(error_of(std::string(k_head) + "networks: [{name: n, attachable: maybe}]\n") ==
        "x.yml:3:34: 'networks[].attachable' must be true or false, got 'maybe'");
  CHECK(error_of(std::string(k_head) + "nodes: [n1, {a: b}]\n") ==
        "x.yml:3:13: 'nodes[]' must be a string, got a mapping");
  CHECK(error_of(std::string(k_head) + "driver:\n") == "x.yml:3:1: 'driver' has no value");
  CHECK(error_of(std::string(k_head) + "nodes: {count: }\n") ==
        "x.yml:3:9: 'nodes.count' has no value");
  CHECK(error_of(std::string(k_head) + "nodes: [n1, ~]\n") ==
        "x.yml:3:13: 'nodes[]' must be a string, got nothing");
  CHECK(error_of(std::string(k_head) + "[a]: b\n") ==
        "x.yml:3:1: a key in the cluster file must be a string, got a list");
}

TEST_CASE("cluster file: numbers are range-checked; nodes.start cannot overflow the names") {
  CHECK(error_of("cluster: c\nkv: {kind: etcd, port: 70000}\nswarm: {mode: classic}\n") ==
        "x.yml:2:24: 'kv.port' must be an integer from 1 to 65535, got '70000'");
  CHECK(error_of(std::string(k_head) + "nodes: {count: 3, start: 2147483647}\n") ==
        "x.yml:3:26: 'nodes.start' must be an integer from 0 to 1000000000, got '2147483647'");
  CHECK(error_of(std::string(k_head) + "nodes: {count: 3, start: 99999999999999999999}\n")
            .rfind("x.yml:3:26: 'nodes.start' must be an integer", 0) == 0);
  CHECK(error_of(std::string(k_head) + "nodes: {count: 1, start: -1}\n") ==
        "x.yml:3:26: 'nodes.start' must be an integer from 0 to 1000000000, got '-1'");
  auto f = parse_cluster_yaml(std::string(k_head) + "nodes: {prefix: n, count: 2, start: "
                                                    "1000000000}\n",
                              "x.yml");
  REQUIRE(f);
  CHECK(f->machines.back().name == "n1000000001");
}

TEST_CASE("cluster file: a misspelled driver or driver option is refused where it is written") {
  auto e = error_of("cluster: c\ndriver: virtualbx\nswarm: {mode: swarm-mode}\n");
  CHECK(e.rfind("x.yml:2:9: 'driver': unknown driver 'virtualbx' (drivers: ", 0) == 0);
  CHECK(e.find("virtualbox") != std::string::npos);
  CHECK(error_of(std::string(k_head) + "machines: {master: {driver: amazonec3}}\n")
            .rfind("x.yml:3:29: 'machines.master.driver': unknown driver 'amazonec3'", 0) == 0);
  CHECK(error_of("cluster: c\ndriver: virtualbox\ndriver_options: {virtualbox-memroy: 512}\n"
                 "swarm: {mode: swarm-mode}\n") ==
        "x.yml:3:37: 'driver_options': 'virtualbox-memroy' is not a flag of the virtualbox driver");
  // A machine that changes driver is checked against its own driver's flags.
  CHECK(parse_cluster_yaml(std::string(k_head) +
                               "machines: {master: {driver: amazonec2, driver_options: "
                               "{amazonec2-region: eu-west-1}}}\n",
                           "x.yml"));
}

TEST_CASE("cluster file: a value with control characters is shown on one line") {
  auto e = error_of(std::string(k_head) + "nodes: [\"a\\nb\\u001b[31m\"]\n");
  CHECK(e == "x.yml:3:9: invalid machine name 'a?b?[31m'");
  // Found by fuzz_cluster_file: a key with a control character (here a vertical tab) and no
  // value.
  CHECK(error_of("cluster: c\nswarm: {mode: swarm-mode}\ndriver: local\ndriver_options: "
                 "{\"a\\vb\": }\n") == "x.yml:4:18: 'driver_options.a?b' has no value");
}

TEST_CASE("cluster file: a directory given to -f is reported as a directory") {
  auto dir = std::filesystem::temp_directory_path();
  auto f = load_cluster_file(dir.string());
  REQUIRE_FALSE(f);
  CHECK(f.error().message == dir.string() + ": is a directory, not a cluster file");
}

TEST_CASE("cluster file: a file over 1 MiB is refused unread") {
  std::string t = (std::filesystem::temp_directory_path() / "sc-big-cluster.XXXXXX").string();
  int fd = ::mkstemp(t.data());
  REQUIRE(fd >= 0);
  std::string big = std::string(k_head) + "# " + std::string(2 << 20, 'x') + "\n";
  REQUIRE(::write(fd, big.data(), big.size()) == static_cast<ssize_t>(big.size()));
  ::close(fd);
  auto f = load_cluster_file(t);
  std::filesystem::remove(t);
  REQUIRE_FALSE(f);
  CHECK(f.error().message == t + ": larger than 1048576 bytes");
}
