// The SIGPIPE policy (provision/util/sigpipe.hpp), each case in a child process (the policy is
// process-wide): ignored, a write to a pipe or socket whose reader is gone is an EPIPE error;
// the same on stdout/stderr ends the process quietly, killed by SIGPIPE like docker-machine.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <doctest/doctest.h>
#include <functional>
#include <provision/util/process.hpp>
#include <provision/util/sigpipe.hpp>
#include <string>

using namespace sc;

namespace {
struct Outcome {
  int status = 0;
  std::string err; // what the child wrote on stderr
};

// Runs `body` in a child whose stderr is captured; body's return value is its exit code.
Outcome in_child(const std::function<int()> &body) {
  int errp[2];
  REQUIRE(::pipe(errp) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(errp[1], 2);
    ::close(errp[0]);
    ::close(errp[1]);
    ::_exit(body());
  }
  ::close(errp[1]);
  Outcome o;
  char buf[4096];
  for (ssize_t n; (n = ::read(errp[0], buf, sizeof buf)) > 0;)
    o.err.append(buf, static_cast<size_t>(n));
  ::close(errp[0]);
  REQUIRE(::waitpid(pid, &o.status, 0) == pid);
  return o;
}

bool killed_by_sigpipe(int status) {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE;
}

// Writes to a socket whose peer is closed: 0 when the write failed with EPIPE.
int write_to_closed_socket() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 2;
  ::close(sv[1]);
  ssize_t w = ::write(sv[0], "x", 1);
  return w < 0 && errno == EPIPE ? 0 : 1;
}
} // namespace

TEST_CASE("SIGPIPE: without the policy a closed peer kills the process without a word") {
  auto o = in_child([] {
    ::signal(SIGPIPE, SIG_DFL);
    return write_to_closed_socket();
  });
  CHECK(killed_by_sigpipe(o.status));
}

TEST_CASE("SIGPIPE: ignored, a socket whose peer is gone gives EPIPE") {
  auto o = in_child([] {
    ignore_sigpipe();
    return write_to_closed_socket();
  });
  REQUIRE(WIFEXITED(o.status));
  CHECK(WEXITSTATUS(o.status) == 0);
}

TEST_CASE("SIGPIPE: ignored, a program that exits without reading its stdin is an exit code") {
  auto o = in_child([] {
    ignore_sigpipe();
    ProcessOptions po;
    po.stdin_data = std::string(8 << 20, 'x'); // far beyond a pipe's buffer
    auto r = run_process({"true"}, po);
    return r && r->exit_code == 0 ? 0 : 1;
  });
  REQUIRE(WIFEXITED(o.status));
  CHECK(WEXITSTATUS(o.status) == 0);
}

TEST_CASE("SIGPIPE: stdout whose reader is gone ends the process quietly, by SIGPIPE") {
  auto o = in_child([] {
    ignore_sigpipe();
    int p[2];
    if (::pipe(p) != 0) return 2;
    ::close(p[0]);
    std::FILE *f = ::fdopen(p[1], "w");
    write_stream(f, "a line nobody reads\n");
    return 3; // not reached
  });
  CHECK(killed_by_sigpipe(o.status));
  CHECK(o.err.empty());
}

TEST_CASE("SIGPIPE: other write errors on a stream return (nowhere left to report them)") {
  auto o = in_child([] {
    ignore_sigpipe();
    std::FILE *f = std::fopen("/dev/full", "w");
    if (!f) return 2;
    write_stream(f, "x\n");
    write_stream(f, "y\n");
    return 0;
  });
  REQUIRE(WIFEXITED(o.status));
  CHECK(WEXITSTATUS(o.status) == 0);
}
