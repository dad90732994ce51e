// run_process hands a program only 0/1/2: a descriptor the caller left open without
// FD_CLOEXEC (a CI runner's result pipe) must not reach it, or a daemon it starts keeps it.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <provision/util/process.hpp>

using namespace sc;

TEST_CASE("run_process: descriptors above 2 are closed in the child") {
  int p[2];
  REQUIRE(::pipe(p) == 0); // inheritable on purpose, like a caller's fd 3
  REQUIRE(::dup2(p[1], 200) == 200);
  auto r =
      run_process({"sh", "-c", "if [ -e /proc/$$/fd/200 ]; then echo open; else echo closed; fi"});
  ::close(200);
  ::close(p[0]);
  ::close(p[1]);
  REQUIRE(r);
  CHECK(r->out == "closed\n");
}

TEST_CASE("close_descriptors_from leaves the ones below the bound alone") {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int keep = ::open("/dev/null", O_RDONLY); // 3 or above
    int gone = ::dup2(keep, 150);
    close_descriptors_from(100);
    bool ok = ::fcntl(keep, F_GETFD) != -1 && ::fcntl(gone, F_GETFD) == -1;
    ::_exit(ok ? 0 : 1);
  }
  int st = 0;
  REQUIRE(::waitpid(pid, &st, 0) == pid);
  CHECK(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0);
}
