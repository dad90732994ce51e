// The local driver signals a host's init only when its identity is proven (the recorded PID with
// its recorded start time, or the pair the init wrote at boot): a record with PidStartTime 0 or
// missing, or a PID reused by another process, never gets an unrelated process killed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <drivers/local/driver.hpp>
#include <drivers/local/local.hpp>
#include <filesystem>
#include <fstream>
#include <provision/util/fs.hpp>
#include <thread>

using namespace sc;
namespace fs = std::filesystem;

namespace {
using test::TempDir;

// An unrelated process (ours, so that the test can tell whether it was signalled).
struct Bystander {
  pid_t pid = -1;
  Bystander() {
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::execl("/bin/sleep", "sleep", "60", static_cast<char *>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && local::process_start_time(pid) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  bool alive() const {
    int st = 0;
    return ::waitpid(pid, &st, WNOHANG) == 0;
  }
  ~Bystander() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

std::unique_ptr<Driver> driver_for(const TempDir &t, const nlohmann::json &rec) {
  auto d = make_local_driver();
  REQUIRE(d->from_json(rec));
  DriverContext ctx;
  ctx.machine_name = "h1";
  ctx.store_path = t.path;
  ctx.machine_dir = t.path / "machines" / "h1";
  d->bind(ctx);
  return d;
}
} // namespace

TEST_CASE("local: a recorded PID without a start time is never signalled") {
  TempDir t;
  Bystander b;
  for (auto rec : {nlohmann::json{{"Pid", b.pid}, {"PidStartTime", 0}, {"IPAddress", "192.0.2.9"}},
                   nlohmann::json{{"Pid", b.pid}, {"IPAddress", "192.0.2.9"}},
                   nlohmann::json{{"Pid", b.pid},
                                  {"PidStartTime", local::process_start_time(b.pid) + 1},
                                  {"IPAddress", "192.0.2.9"}}}) {
    CAPTURE(rec.dump());
    auto d = driver_for(t, rec);
    auto st = d->state();
    REQUIRE(st);
    CHECK(*st == State::Stopped);
    CHECK(d->kill());
    CHECK(d->stop());
    CHECK(b.alive());
  }
}

TEST_CASE("local: the recorded PID with its start time is the host's init (control)") {
  TempDir t;
  Bystander b;
  auto d = driver_for(t, {{"Pid", b.pid},
                          {"PidStartTime", local::process_start_time(b.pid)},
                          {"IPAddress", "192.0.2.9"}});
  CHECK(d->kill());
  CHECK_FALSE(b.alive());
}

TEST_CASE("local: process start times and init.pid files are read without exceptions") {
  CHECK(local::process_start_time(::getpid()) > 0);
  CHECK(local::process_start_time(0) == 0);
  CHECK(local::process_start_time(-5) == 0);
  CHECK(local::process_start_time(999999999) == 0);
  // A zombie proves nothing.
  pid_t z = ::fork();
  REQUIRE(z >= 0);
  if (z == 0) ::_exit(0);
  for (int i = 0; i < 400 && local::process_start_time(z) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(local::process_start_time(z) == 0);
  ::waitpid(z, nullptr, 0);

  TempDir t;
  local::HostSpec h;
  h.runtime = t.path;
  using P = std::pair<pid_t, unsigned long long>;
  for (auto [text, want] : std::vector<std::pair<std::string, P>>{{"123 456", {123, 456}},
                                                                  {"123", {0, 0}},
                                                                  {"", {0, 0}},
                                                                  {"abc 1", {0, 0}},
                                                                  {"-4 10", {0, 0}},
                                                                  {"99999999999999 1", {0, 0}},
                                                                  {"7 x", {0, 0}}}) {
    CAPTURE(text);
    REQUIRE(atomic_write(t.path / "init.pid", text, 0600));
    CHECK(local::read_init_pidfile(h) == want);
  }
  fs::remove(t.path / "init.pid");
  CHECK(local::read_init_pidfile(h) == P{0, 0});
}
