// Fd owns one descriptor; make_pipe owns both ends; run_process leaves no descriptor behind,
// also when pipe2 fails half way (the descriptor limit reached after the first pipe).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/process.hpp>
#include <vector>

using namespace sc;

namespace {
bool is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}
int open_count() {
  int n = 0;
  for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}
} // namespace

TEST_CASE("Fd: closes on destruction, moves, releases and resets") {
  int raw = -1;
  {
    Fd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(a);
    raw = a.get();
    Fd b = std::move(a);
    CHECK_FALSE(a);
    CHECK(b.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));

  Fd c(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int kept = c.release();
  CHECK_FALSE(c);
  CHECK(is_open(kept)); // released: ours to close
  ::close(kept);

  Fd d(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int first = d.get();
  d.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  CHECK(d.valid());
  CHECK((d.get() == first || !is_open(first))); // the number may be reused by the new one
  int second = d.get();
  CHECK(d.close() == 0);
  CHECK_FALSE(d);
  CHECK_FALSE(is_open(second));

  Fd e(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int moved_over = e.get();
  Fd f(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  e = std::move(f); // the old one is closed
  CHECK((e.get() == moved_over || !is_open(moved_over)));
}

TEST_CASE("make_pipe: both ends owned, close-on-exec") {
  int r = -1, w = -1;
  {
    auto p = make_pipe();
    REQUIRE(p);
    r = p->read.get();
    w = p->write.get();
    CHECK((::fcntl(r, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((::fcntl(w, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(::write(w, "x", 1) == 1);
    char c = 0;
    CHECK(::read(r, &c, 1) == 1);
    CHECK(c == 'x');
  }
  CHECK_FALSE(is_open(r));
  CHECK_FALSE(is_open(w));
}

TEST_CASE("run_process leaves no descriptor open, on success and on failure") {
  int before = open_count();
  for (int i = 0; i < 20; ++i) {
    ProcessOptions po;
    po.stdin_data = "in";
    auto r = run_process({"sh", "-c", "cat; echo err >&2"}, po);
    REQUIRE(r);
    CHECK(r->out == "in");
  }
  ProcessOptions slow;
  slow.timeout = std::chrono::milliseconds(50);
  CHECK(run_process({"sleep", "5"}, slow).error().code == Errc::timeout);
  CHECK_FALSE(run_process({"no-such-program-swarmctl"}));
  CHECK(open_count() == before);
}

TEST_CASE("run_process: pipe2 failing half way leaks nothing") {
  // In a child (the limit would hurt the other tests): room for the first pipe only.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Every number under a limit of 64 taken, then exactly three freed: the first pipe fits,
    // the second does not.
    rlimit rl{64, 64};
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::_exit(2);
    std::vector<int> filler;
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
      filler.push_back(fd);
    if (filler.size() < 3) ::_exit(3);
    for (int k = 0; k < 3; ++k) {
      ::close(filler.back());
      filler.pop_back();
    }
    int before = open_count();
    auto r = run_process({"true"});
    bool failed_cleanly = !r && r.error().message.find("pipe") != std::string::npos;
    bool none_left = open_count() == before;
    if (!failed_cleanly || !none_left)
      std::fprintf(stderr, "pipe2 test: %s, %d open before, %d after\n",
                   r ? "started" : r.error().message.c_str(), before, open_count());
    ::_exit(failed_cleanly && none_left ? 0 : 1);
  }
  int st = 0;
  REQUIRE(::waitpid(pid, &st, 0) == pid);
  REQUIRE(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0);
}
