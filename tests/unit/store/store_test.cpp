// The machine store: layout and modes, atomic saves, list/load/remove, names, parallel writers.
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <provision/store/store.hpp>
#include <string>
#include <thread>
#include <vector>

using namespace sc;

namespace {

// A fresh temp directory removed at scope exit, even when an assertion throws.
using test::TempDir;

// Sets the process umask for a scope: modes must not depend on the caller's umask.
struct UmaskGuard {
  mode_t old;
  explicit UmaskGuard(mode_t m) : old(::umask(m)) {}
  ~UmaskGuard() { ::umask(old); }
};

unsigned mode_of(const fs::path &p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> dir_entries(const fs::path &d) {
  std::vector<std::string> v;
  for (const auto &e : fs::directory_iterator(d))
    v.push_back(e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

HostRecord sample(const std::string &name) {
  HostRecord h;
  h.name = name;
  h.driver_name = "generic";
  h.driver = {{"IPAddress", "192.168.99.12"}, {"SSHUser", "root"}, {"SSHPort", 22}};
  h.engine.labels = {"provider=generic", "env=prod"};
  h.engine.insecure_registry = {"reg.local:5000"};
  h.engine.env = {"HTTP_PROXY=http://proxy:3128"};
  h.engine.storage_driver = "overlay2";
  h.engine.version = "20.10";
  h.engine.port = 2377;
  h.swarm.is_swarm = true;
  h.swarm.master = true;
  h.swarm.discovery = "consul://10.0.0.1:8500";
  h.swarm.mode = true;
  h.auth.server_cert_sans = {"docker.example.com", "10.1.2.3"};
  h.kv.kind = KvKind::Consul;
  h.kv.port = 8500;
  h.status = MachineStatus::Provisioned;
  h.failed_step = "";
  h.cert_ip = "192.168.99.12";
  h.swarm_cluster = "seed";
  h.preload_images = {"/tmp/a.tar"};
  h.auto_cluster_advertise = true;
  return h;
}

// No leftover temp files (atomic_write names them ".<file>.tmpXXXXXXXX").
void check_no_temp_files(const fs::path &root) {
  for (const auto &e : fs::recursive_directory_iterator(root)) {
    auto n = e.path().filename().string();
    INFO("leftover file: " << e.path());
    CHECK(n.find(".tmp") == std::string::npos);
  }
}

} // namespace

TEST_CASE("store: init creates root, certs and machines with mode 0700 whatever the umask") {
  TempDir t;
  UmaskGuard u(0);
  Store s(t.path / "store" / "nested");
  REQUIRE(s.init());
  CHECK(mode_of(s.root()) == 0700);
  CHECK(mode_of(s.certs_dir()) == 0700);
  CHECK(mode_of(s.machines_dir()) == 0700);
  CHECK(s.list().empty());
}

TEST_CASE("store: save writes machines/NAME (0700) and config.json (0600) with no temp file left") {
  TempDir t;
  UmaskGuard u(0); // a permissive umask must not leak into private files
  Store s(t.path / "store");
  REQUIRE(s.init());
  REQUIRE(s.save(sample("node1")));
  CHECK(mode_of(s.machine_dir("node1")) == 0700);
  CHECK(mode_of(s.machine_dir("node1") / "config.json") == 0600);
  CHECK(dir_entries(s.machine_dir("node1")) == std::vector<std::string>{"config.json"});
  // Saving again replaces the file atomically and still leaves nothing behind.
  auto h = sample("node1");
  h.status = MachineStatus::Failed;
  REQUIRE(s.save(h));
  CHECK(mode_of(s.machine_dir("node1") / "config.json") == 0600);
  CHECK(dir_entries(s.machine_dir("node1")) == std::vector<std::string>{"config.json"});
  check_no_temp_files(s.root());
  auto back = s.load("node1");
  REQUIRE(back);
  CHECK(back->status == MachineStatus::Failed);
}

TEST_CASE(
    "store: config.json is docker-machine's shape with ConfigVersion 3 and a schema version") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  REQUIRE(s.save(sample("m1")));
  auto text = slurp(s.machine_dir("m1") / "config.json");
  auto j = nlohmann::json::parse(text);
  CHECK(j.at("ConfigVersion") == 3);
  CHECK(j.at("Name") == "m1");
  CHECK(j.at("DriverName") == "generic");
  CHECK(j.at("Swarmctl").at("Schema") == 1);
  CHECK(j.at("HostOptions").at("EngineOptions").at("Labels") ==
        nlohmann::json({"provider=generic", "env=prod"}));
  // docker-machine: Dns and SwarmOptions.Env are null when empty.
  CHECK(j.at("HostOptions").at("EngineOptions").at("Dns").is_null());
  CHECK(j.at("HostOptions").at("SwarmOptions").at("Env").is_null());
  // Key order is docker-machine's (ConfigVersion, Driver, DriverName, HostOptions, Name).
  CHECK(text.find("\"ConfigVersion\"") < text.find("\"Driver\""));
  CHECK(text.find("\"DriverName\"") < text.find("\"HostOptions\""));
  CHECK(text.find("\"HostOptions\"") < text.find("\"Name\""));
  // 4-space indent like docker-machine's MarshalIndent.
  CHECK(text.rfind("{\n    \"ConfigVersion\": 3,", 0) == 0);
  // Auth paths are derived from the store location.
  auto auth = j.at("HostOptions").at("AuthOptions");
  CHECK(auth.at("CaCertPath") == (s.root() / "certs" / "ca.pem").string());
  CHECK(auth.at("ServerCertPath") == (s.machine_dir("m1") / "server.pem").string());
  CHECK(auth.at("StorePath") == s.machine_dir("m1").string());
}

TEST_CASE("store: a saved record loads back field by field") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto h = sample("round.trip-1");
  REQUIRE(s.save(h));
  auto r = s.load("round.trip-1");
  REQUIRE(r);
  CHECK(r->config_version == 3);
  CHECK(r->schema == 1);
  CHECK(r->name == h.name);
  CHECK(r->driver_name == h.driver_name);
  CHECK(r->driver == h.driver);
  CHECK(r->engine.labels == h.engine.labels);
  CHECK(r->engine.insecure_registry == h.engine.insecure_registry);
  CHECK(r->engine.env == h.engine.env);
  CHECK(r->engine.storage_driver == h.engine.storage_driver);
  CHECK(r->engine.version == h.engine.version);
  CHECK(r->engine.port == 2377);
  CHECK(r->engine.tls_verify);
  CHECK(r->swarm.is_swarm);
  CHECK(r->swarm.master);
  CHECK(r->swarm.discovery == h.swarm.discovery);
  CHECK(r->swarm.mode);
  CHECK(r->swarm.host == "tcp://0.0.0.0:3376");
  CHECK(r->auth.server_cert_sans == h.auth.server_cert_sans);
  CHECK(r->auth.ca_cert_path == (s.root() / "certs/ca.pem").string());
  CHECK(r->auth.client_key_path == (s.root() / "certs/key.pem").string());
  CHECK(r->auth.server_key_path == (s.machine_dir("round.trip-1") / "server-key.pem").string());
  CHECK(r->kv.kind == KvKind::Consul);
  CHECK(r->kv.port == 8500);
  CHECK(r->status == MachineStatus::Provisioned);
  CHECK(r->cert_ip == "192.168.99.12");
  CHECK(r->swarm_cluster == "seed");
  CHECK(r->preload_images == h.preload_images);
  CHECK(r->auto_cluster_advertise == std::optional<bool>(true));
}

TEST_CASE(
    "store: auth paths come from where the store is, not from the file (a store can be moved)") {
  TempDir t;
  Store a(t.path / "a");
  REQUIRE(a.init());
  REQUIRE(a.save(sample("m")));
  fs::rename(t.path / "a", t.path / "b");
  Store b(t.path / "b");
  auto r = b.load("m");
  REQUIRE(r);
  CHECK(r->auth.ca_cert_path == (t.path / "b/certs/ca.pem").string());
  CHECK(r->auth.store_path == (t.path / "b/machines/m").string());
}

TEST_CASE(
    "store: a config version from the future and malformed JSON are refused with clear errors") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  REQUIRE(s.save(sample("future")));
  auto path = s.machine_dir("future") / "config.json";
  auto j = nlohmann::json::parse(slurp(path));
  j["ConfigVersion"] = 4;
  std::ofstream(path) << j.dump();
  auto r = s.load("future");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::parse);
  CHECK(r.error().message.find("config version is from the future") != std::string::npos);
  CHECK(r.error().message.find("future") != std::string::npos);

  REQUIRE(s.save(sample("broken")));
  std::ofstream(s.machine_dir("broken") / "config.json") << "{\"ConfigVersion\": 3,";
  auto b = s.load("broken");
  REQUIRE_FALSE(b);
  CHECK(b.error().code == Errc::parse);
  CHECK(b.error().message.find("broken") != std::string::npos);
  CHECK(b.error().message.find("not valid JSON") != std::string::npos);

  // A wrong type inside a known key is a parse error too, not a crash.
  REQUIRE(s.save(sample("typed")));
  std::ofstream(s.machine_dir("typed") / "config.json")
      << R"({"ConfigVersion": 3, "DriverName": 42})";
  auto ty = s.load("typed");
  REQUIRE_FALSE(ty);
  CHECK(ty.error().code == Errc::parse);
}

TEST_CASE(
    "store: AutoClusterAdvertise unknown in older records stays unknown; non-bool is unknown") {
  auto h = sample("old.record");
  h.auto_cluster_advertise.reset();
  auto j = to_json(h);
  CHECK_FALSE(j["Swarmctl"].contains("AutoClusterAdvertise")); // not written as false
  auto back = host_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back);
  CHECK_FALSE(back->auto_cluster_advertise.has_value());
  auto doc = nlohmann::json::parse(j.dump());
  doc["Swarmctl"]["AutoClusterAdvertise"] = nullptr;
  auto null_value = host_from_json(doc);
  REQUIRE(null_value); // loads, like every other field given as null
  CHECK_FALSE(null_value->auto_cluster_advertise.has_value());
  doc["Swarmctl"]["AutoClusterAdvertise"] = false;
  CHECK(host_from_json(doc)->auto_cluster_advertise == std::optional<bool>(false));
}

TEST_CASE("store: load of a missing machine gives docker-machine's not-found message") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto r = s.load("nosuch");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::not_found);
  CHECK(r.error().message.rfind("Docker machine \"nosuch\" does not exist.", 0) == 0);
  CHECK_FALSE(s.exists("nosuch"));
}

TEST_CASE("store: a machine directory without config.json (made by hand or by an old version) "
          "says how to remove it") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  fs::create_directories(s.machine_dir("half"));
  CHECK(s.exists("half"));
  auto r = s.load("half");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::parse);
  CHECK(r.error().message.find("no config.json") != std::string::npos);
  CHECK(r.error().message.find("rm -f half") != std::string::npos);
}

TEST_CASE("store: reserve is exclusive and reports docker-machine's already-exists message") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto first = s.reserve(sample("dup"));
  REQUIRE(first);
  CHECK(mode_of(s.machine_dir("dup")) == 0700);
  auto again = s.reserve(sample("dup"));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::already_exists);
  CHECK(again.error().message == "Docker machine \"dup\" already exists");
}

TEST_CASE("store: list is natural, case-insensitive and skips hidden entries and plain files") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  for (auto n : {"node10", "node2", "Node1", "alpha", "node1b", "beta"})
    REQUIRE(s.save(sample(n)));
  fs::create_directory(s.machines_dir() / ".trash");
  std::ofstream(s.machines_dir() / "stray-file") << "x";
  CHECK(s.list() ==
        std::vector<std::string>{"alpha", "beta", "Node1", "node1b", "node2", "node10"});
  CHECK(natural_less("node2", "node10"));
  CHECK_FALSE(natural_less("node10", "node2"));
  CHECK(natural_less("a", "B"));
  CHECK(natural_less("n007", "n8"));
}

TEST_CASE("store: list of a store that does not exist yet is empty") {
  TempDir t;
  Store s(t.path / "missing");
  CHECK(s.list().empty());
  CHECK_FALSE(fs::exists(t.path / "missing"));
}

TEST_CASE("store: remove deletes the machine directory and only it") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  REQUIRE(s.save(sample("keep")));
  REQUIRE(s.save(sample("gone")));
  std::ofstream(s.machine_dir("gone") / "server-key.pem") << "secret";
  REQUIRE(s.remove("gone"));
  CHECK_FALSE(fs::exists(s.machine_dir("gone")));
  CHECK_FALSE(s.exists("gone"));
  CHECK(s.list() == std::vector<std::string>{"keep"});
  CHECK(s.load("keep"));
  auto r = s.load("gone");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::not_found);
  // Removing a missing machine is not an error (rm -f semantics of the layer above).
  CHECK(s.remove("gone"));
}

TEST_CASE("store: machine names follow docker-machine's rule") {
  for (auto good :
       {"a", "node1", "Node-1", "my.host", "1st", "a-b.c-d", "x..y", "trailing-", "A9"}) {
    INFO(good);
    CHECK(valid_machine_name(good));
  }
  for (auto bad : {"", "-lead", ".hidden", "under_score", "sp ace", "slash/x", "../etc",
                   "semi;colon", "dollar$", "tab\t", "nl\n", "é", "back\\slash", "star*"}) {
    INFO(bad);
    CHECK_FALSE(valid_machine_name(bad));
  }
  CHECK(valid_machine_name(std::string(63, 'a')));
  CHECK_FALSE(valid_machine_name(std::string(64, 'a')));
}

TEST_CASE("store: invalid names never reach the file system through load, exists and remove") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  // A directory outside machines/ that a traversal would hit.
  fs::create_directories(t.path / "victim");
  std::ofstream(t.path / "victim" / "config.json") << sample("victim").name;
  CHECK_FALSE(s.exists("../../victim"));
  auto l = s.load("../../victim");
  REQUIRE_FALSE(l);
  CHECK(l.error().code == Errc::not_found);
  auto r = s.remove("../../victim");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::usage);
  CHECK(fs::exists(t.path / "victim" / "config.json"));
}

TEST_CASE("store: save and reserve refuse an invalid machine name") {
  // Product bug: Store::save and Store::reserve do not call valid_machine_name, so a record named
  // "../../escaped" is written outside STORE/machines.
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto h = sample("../../escaped");
  auto r = s.save(h);
  CHECK_FALSE(r);
  CHECK_FALSE(fs::exists(t.path / "escaped"));
  auto rv = s.reserve(sample("../../escaped2"));
  CHECK_FALSE(rv);
  CHECK_FALSE(fs::exists(t.path / "escaped2"));
}

TEST_CASE("store: 20 threads saving different machines at once leave a consistent store") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  constexpr int n = 20;
  std::atomic<int> go{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0)
        std::this_thread::yield();
      auto h = sample("t" + std::to_string(i));
      h.engine.port = 3000 + i;
      for (int k = 0; k < 5; ++k) // rewrite a few times: every rewrite races with the others
        if (!s.save(h)) failures++;
    });
  }
  go = 1;
  for (auto &th : threads)
    th.join();
  CHECK(failures.load() == 0);
  auto names = s.list();
  REQUIRE(names.size() == n);
  for (int i = 0; i < n; ++i) {
    auto r = s.load("t" + std::to_string(i));
    REQUIRE(r);
    CHECK(r->engine.port == 3000 + i);
    CHECK(mode_of(s.machine_dir(r->name) / "config.json") == 0600);
  }
  check_no_temp_files(s.root());
}

TEST_CASE("store: 20 processes creating machines at once under the store lock all succeed") {
  TempDir t;
  fs::path root = t.path / "store";
  constexpr int n = 20;
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  std::vector<pid_t> kids;
  for (int i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(pipefd[1]);
      char c;
      (void)!::read(pipefd[0], &c, 1); // start together: wait until the parent closes the pipe
      Store s(root);
      int rc = 0;
      {
        auto lk = s.lock();
        if (!lk)
          rc = 10;
        else if (!s.init())
          rc = 11;
        else if (!s.reserve(sample("p" + std::to_string(i))))
          rc = 12;
      }
      auto h = sample("p" + std::to_string(i));
      h.engine.port = 4000 + i;
      if (rc == 0 && !s.save(h)) rc = 13;
      ::_exit(rc);
    }
    kids.push_back(pid);
  }
  ::close(pipefd[0]);
  ::close(pipefd[1]);
  for (pid_t pid : kids) {
    int st = 0;
    REQUIRE(::waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);
  }
  Store s(root);
  CHECK(mode_of(root) == 0700);
  REQUIRE(s.list().size() == n);
  for (int i = 0; i < n; ++i) {
    auto r = s.load("p" + std::to_string(i));
    REQUIRE(r);
    CHECK(r->engine.port == 4000 + i);
  }
  check_no_temp_files(root);
}

TEST_CASE("store: the writer lock is exclusive between processes") {
  TempDir t;
  Store s(t.path / "store");
  // Fork before taking the lock: a child forked while we hold it would inherit our lock fd.
  int go[2], res[2];
  REQUIRE(::pipe(go) == 0);
  REQUIRE(::pipe(res) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(go[1]);
    ::close(res[0]);
    char c;
    (void)!::read(go[0], &c, 1);              // the parent holds the lock now
    auto lk = Store(t.path / "store").lock(); // blocks until the parent releases it
    c = lk ? 'L' : 'E';
    (void)!::write(res[1], &c, 1);
    ::_exit(0);
  }
  ::close(go[0]);
  ::close(res[1]);
  auto held = s.lock();
  REQUIRE(held);
  CHECK(mode_of(s.root()) == 0700);
  char c = 'g';
  REQUIRE(::write(go[1], &c, 1) == 1);
  // The child must not get the lock while we hold it.
  pollfd pfd{res[0], POLLIN, 0};
  CHECK(::poll(&pfd, 1, 300) == 0);
  { auto release = std::move(*held); }
  pfd.revents = 0;
  CHECK(::poll(&pfd, 1, 5000) == 1);
  c = 0;
  CHECK(::read(res[0], &c, 1) == 1);
  CHECK(c == 'L');
  ::close(res[0]);
  ::close(go[1]);
  int st = 0;
  ::kill(pid, SIGKILL); // no-op when it already exited; never leave it blocked
  ::waitpid(pid, &st, 0);
}

TEST_CASE("store: the store path comes from SWARMCTL_STORAGE_PATH, then MACHINE_STORAGE_PATH, then "
          "~/.swarmctl") {
  struct Env {
    std::string name;
    std::optional<std::string> old;
    Env(std::string n, const char *v) : name(std::move(n)) {
      if (const char *o = std::getenv(name.c_str())) old = o;
      if (v)
        ::setenv(name.c_str(), v, 1);
      else
        ::unsetenv(name.c_str());
    }
    ~Env() {
      if (old)
        ::setenv(name.c_str(), old->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  };
  Env home("HOME", "/home/tester");
  {
    Env a("SWARMCTL_STORAGE_PATH", "/a");
    Env b("MACHINE_STORAGE_PATH", "/b");
    CHECK(default_store_path() == fs::path("/a"));
  }
  {
    Env a("SWARMCTL_STORAGE_PATH", "");
    Env b("MACHINE_STORAGE_PATH", "/b");
    CHECK(default_store_path() == fs::path("/b"));
  }
  Env a("SWARMCTL_STORAGE_PATH", nullptr);
  Env b("MACHINE_STORAGE_PATH", nullptr);
  CHECK(default_store_path() == fs::path("/home/tester/.swarmctl"));
}

TEST_CASE("store: threads rewriting the same machine leave one complete record") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&, i] {
      auto h = sample("same");
      h.engine.port = 5000 + i;
      for (int k = 0; k < 10; ++k)
        if (!s.save(h)) failures++;
    });
  for (auto &th : threads)
    th.join();
  CHECK(failures.load() == 0);
  auto r = s.load("same");
  REQUIRE(r);
  CHECK(r->engine.port >= 5000);
  CHECK(r->engine.port < 5010);
  check_no_temp_files(s.root());
}
