// The store while machines are being created: reserve (record + creation lock in one step),
// creating(), and names() on paths that are not directories.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/store/store.hpp>

using namespace sc;

namespace {
using test::TempDir;

unsigned mode_of(const fs::path &p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

HostRecord sample(const std::string &name) {
  HostRecord h;
  h.name = name;
  h.driver_name = "none";
  h.driver = {{"URL", "tcp://127.0.0.1:2376"}};
  return h;
}
} // namespace

TEST_CASE("store: a reserved machine appears with its record, and is 'being created' exactly "
          "while the lock lives") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  auto h = sample("new1");
  h.status = MachineStatus::Creating;
  {
    auto lock = s.reserve(h);
    REQUIRE(lock);
    auto back = s.load("new1");
    REQUIRE(back); // never a directory without config.json
    CHECK(back->status == MachineStatus::Creating);
    CHECK(mode_of(s.machine_dir("new1") / "config.json") == 0600);
    CHECK(s.creating("new1"));
    CHECK(s.list() == std::vector<std::string>{"new1"});
  }
  CHECK_FALSE(s.creating("new1"));
  CHECK_FALSE(s.creating("nosuch"));
  CHECK_FALSE(s.creating("../x"));
}

TEST_CASE("store: a create seen from another process is 'being created' until that process "
          "dies") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  int go[2];
  REQUIRE(::pipe(go) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto lock = s.reserve(sample("racer"));
    char c = lock ? 'y' : 'n';
    (void)::write(go[1], &c, 1);
    ::pause(); // killed by the parent
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(go[0], &c, 1) == 1);
  CHECK(c == 'y');
  CHECK(s.creating("racer"));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK_FALSE(s.creating("racer"));
  CHECK(s.load("racer")); // the record stays, for `ls` to report and `rm -f` to remove
  ::close(go[0]);
  ::close(go[1]);
}

TEST_CASE("store: names() of a store path or machines/ that is a regular file is an error") {
  TempDir t;
  std::ofstream(t.path / "plain") << "x";
  auto a = Store(t.path / "plain").names();
  REQUIRE_FALSE(a);
  CHECK(a.error().message.find("is not a directory") != std::string::npos);
  fs::create_directories(t.path / "s2");
  std::ofstream(t.path / "s2" / "machines") << "x";
  auto b = Store(t.path / "s2").names();
  REQUIRE_FALSE(b);
  CHECK(b.error().message.find("machines is not a directory") != std::string::npos);
  auto c = Store(t.path / "missing").names();
  REQUIRE(c);
  CHECK(c->empty());
}

TEST_CASE("store: reserve never replaces a directory made by hand and leaves nothing half-made") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  fs::create_directories(s.machine_dir("byhand")); // empty: rename(2) alone would replace it
  auto hand = s.reserve(sample("byhand"));
  REQUIRE_FALSE(hand);
  CHECK(hand.error().code == Errc::already_exists);
  CHECK(fs::is_empty(s.machine_dir("byhand")));
  for (const auto &e : fs::directory_iterator(s.machines_dir()))
    CHECK(e.path().filename().string().rfind(".", 0) != 0);
}

TEST_CASE("store: a reader never sees a machine without its record while creates run") {
  TempDir t;
  Store s(t.path / "store");
  REQUIRE(s.init());
  constexpr int n = 100;
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    Store w(t.path / "store");
    for (int i = 0; i < n; ++i)
      if (!w.reserve(sample("m" + std::to_string(i)))) ::_exit(1);
    ::_exit(0);
  }
  int half_made = 0, seen = 0;
  for (bool done = false; !done;) {
    int st = 0;
    done = ::waitpid(child, &st, WNOHANG) == child;
    if (done) CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0));
    for (const auto &name : s.list()) {
      auto r = s.load(name);
      ++seen;
      if (!r) ++half_made; // "has no config.json (a create was interrupted)"
    }
  }
  CHECK(seen > 0);
  CHECK(half_made == 0);
  CHECK(s.list().size() == n);
}
