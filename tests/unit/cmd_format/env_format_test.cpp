// `env` output for every shell against docker-machine's exact bytes.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmd/format/env_format.hpp>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <optional>
#include <provision/util/process.hpp>
#include <string>
#include <thread>
#include <vector>

#include "reference_outputs.hpp"

using namespace sc;

namespace {
using Vars = std::vector<std::pair<std::string, std::string>>;

const Vars k_vars = {{"DOCKER_TLS_VERIFY", "1"},
                     {"DOCKER_HOST", "tcp://127.0.0.1:2376"},
                     {"DOCKER_CERT_PATH", "/tmp/dm-store/machines/fake1"},
                     {"DOCKER_MACHINE_NAME", "fake1"}};

// render_env for inputs it must accept.
std::string render_ok(Shell shell, const Vars &vars, bool unset, const std::string &cmd) {
  auto r = render_env(shell, vars, unset, cmd);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
  return *r;
}

std::string command_of(std::string_view section) {
  for (const auto &o : test::ref::k_outputs)
    if (o.section == section) return std::string(o.command);
  FAIL("no reference section " << section);
  return {};
}

void check_reference(std::string_view section, Shell shell, bool unset, const Vars &vars) {
  INFO(section);
  auto want = test::ref::output(section);
  REQUIRE_FALSE(want.empty());
  CHECK(render_ok(shell, vars, unset, command_of(section)) == want);
}
} // namespace

TEST_CASE("env: bash output matches docker-machine byte for byte") {
  check_reference("env fake1 (auto-detect from SHELL=/bin/bash)", Shell::Bash, false, k_vars);
  check_reference("env --shell bash fake1", Shell::Bash, false, k_vars);
}

TEST_CASE("env: fish shell output matches docker-machine") {
  check_reference("env --shell fish fake1", Shell::Fish, false, k_vars);
}

TEST_CASE("env: powershell output matches docker-machine") {
  check_reference("env --shell powershell fake1", Shell::Powershell, false, k_vars);
}

TEST_CASE("env: cmd output matches docker-machine (tab in the usage hint)") {
  check_reference("env --shell cmd fake1", Shell::Cmd, false, k_vars);
}

TEST_CASE("env: emacs output matches docker-machine") {
  check_reference("env --shell emacs fake1", Shell::Emacs, false, k_vars);
}

TEST_CASE("env: tcsh output matches docker-machine") {
  check_reference("env --shell tcsh fake1", Shell::Tcsh, false, k_vars);
}

TEST_CASE("env: sh and zsh use bash syntax, like docker-machine") {
  std::string cmd = "docker-machine -s /tmp/dm-store env fake1";
  auto bash = render_ok(Shell::Bash, k_vars, false, cmd);
  CHECK(render_ok(Shell::Sh, k_vars, false, cmd) == bash);
  CHECK(render_ok(Shell::Zsh, k_vars, false, cmd) == bash);
  CHECK(render_ok(Shell::Sh, k_vars, true, cmd) == render_ok(Shell::Bash, k_vars, true, cmd));
  CHECK(render_ok(Shell::Zsh, k_vars, true, cmd) == render_ok(Shell::Bash, k_vars, true, cmd));
}

TEST_CASE("env: --unset for every shell matches docker-machine") {
  check_reference("env --unset", Shell::Bash, true, k_vars);
  check_reference("env --unset --shell bash", Shell::Bash, true, k_vars);
  check_reference("env --unset --shell fish", Shell::Fish, true, k_vars);
  check_reference("env --unset --shell powershell", Shell::Powershell, true, k_vars);
  check_reference("env --unset --shell cmd", Shell::Cmd, true, k_vars);
  check_reference("env --unset --shell emacs", Shell::Emacs, true, k_vars);
  check_reference("env --unset --shell tcsh", Shell::Tcsh, true, k_vars);
}

TEST_CASE("env: --no-proxy appends NO_PROXY like docker-machine") {
  auto np = no_proxy_var(nullptr, nullptr, "127.0.0.1:2376", false);
  REQUIRE(np);
  CHECK(np->first == "NO_PROXY");
  CHECK(np->second == "127.0.0.1:2376");
  Vars v = k_vars;
  v.push_back(*np);
  check_reference("env --no-proxy fake1", Shell::Bash, false, v);
}

TEST_CASE("env: no_proxy keeps the existing list, prefers the lowercase variable, matches whole "
          "elements") {
  auto upper = no_proxy_var(nullptr, "localhost,10.0.0.1", "192.168.99.100", false);
  REQUIRE(upper);
  CHECK(*upper ==
        std::make_pair(std::string("NO_PROXY"), std::string("localhost,10.0.0.1,192.168.99.100")));
  auto lower = no_proxy_var("localhost", "ignored", "192.168.99.100", false);
  REQUIRE(lower);
  CHECK(*lower == std::make_pair(std::string("no_proxy"), std::string("localhost,192.168.99.100")));
  // Empty lowercase variable: the uppercase one is used.
  auto empty_lower = no_proxy_var("", "a", "1.2.3.4", false);
  REQUIRE(empty_lower);
  CHECK(empty_lower->first == "NO_PROXY");
  CHECK(empty_lower->second == "a,1.2.3.4");
  // Already an element: unchanged.
  auto present = no_proxy_var(nullptr, "localhost,192.168.99.100", "192.168.99.100", false);
  REQUIRE(present);
  CHECK(present->second == "localhost,192.168.99.100");
  // Element match, not docker-machine's substring test: .10 is not inside .100.
  auto sub = no_proxy_var(nullptr, "192.168.99.100", "192.168.99.10", false);
  REQUIRE(sub);
  CHECK(sub->second == "192.168.99.100,192.168.99.10");
}

TEST_CASE("env: --unset --no-proxy prints a clean unset line (without docker-machine's value-glued "
          "bug)") {
  auto np = no_proxy_var(nullptr, "localhost", "127.0.0.1", true);
  REQUIRE(np);
  CHECK(np->first == "NO_PROXY");
  CHECK(np->second == "");
  Vars v = k_vars;
  v.push_back(*np);
  auto out = render_ok(Shell::Bash, v, true, "swarmctl env -u --no-proxy");
  CHECK(out.find("unset NO_PROXY\n") != std::string::npos);
  CHECK(out.find("localhost") == std::string::npos);
  auto fish = render_ok(Shell::Fish, v, true, "swarmctl env -u --no-proxy");
  CHECK(fish.find("set -e NO_PROXY;\n") != std::string::npos);
  auto cmd = render_ok(Shell::Cmd, v, true, "swarmctl env -u --no-proxy");
  CHECK(cmd.find("SET NO_PROXY=\n") != std::string::npos);
  auto lower = no_proxy_var("x", nullptr, "127.0.0.1", true);
  REQUIRE(lower);
  CHECK(lower->first == "no_proxy");
}

TEST_CASE("env: shell names parse like docker-machine, unknown falls back to bash") {
  CHECK(parse_shell("bash") == Shell::Bash);
  CHECK(parse_shell("sh") == Shell::Sh);
  CHECK(parse_shell("zsh") == Shell::Zsh);
  CHECK(parse_shell("fish") == Shell::Fish);
  CHECK(parse_shell("powershell") == Shell::Powershell);
  CHECK(parse_shell("pwsh") == Shell::Powershell);
  CHECK(parse_shell("cmd") == Shell::Cmd);
  CHECK(parse_shell("emacs") == Shell::Emacs);
  CHECK(parse_shell("tcsh") == Shell::Tcsh);
  CHECK(parse_shell("nushell") == Shell::Bash);
  CHECK(parse_shell("") == Shell::Bash);
}

TEST_CASE("env: the rendered bash output evaluates to the values") {
  // Values with spaces survive a real eval (paths under a home with a space).
  Vars v = {{"DOCKER_CERT_PATH", "/home/a b/.swarmctl/machines/m"}, {"DOCKER_MACHINE_NAME", "m"}};
  auto out = render_ok(Shell::Bash, v, false, "swarmctl env m");
  auto r = run_process(
      {"bash", "-c", out + "printf '%s|%s' \"$DOCKER_CERT_PATH\" \"$DOCKER_MACHINE_NAME\""});
  REQUIRE(r);
  CHECK(r->exit_code == 0);
  CHECK(r->out == "/home/a b/.swarmctl/machines/m|m");
  auto un = render_ok(Shell::Bash, v, true, "swarmctl env -u");
  auto u = run_process(
      {"bash", "-c",
       "export DOCKER_MACHINE_NAME=x\n" + un + "printf %s \"${DOCKER_MACHINE_NAME-unset}\""});
  REQUIRE(u);
  CHECK(u->out == "unset");
}

namespace {
std::string comm_of(pid_t p) {
  std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
  std::string name;
  comm >> name;
  return name;
}

// A child `bash -c "<script>"` in its own process group, with stdio on /dev/null (so no pipe of
// ours stays open); the group (only what it started) is killed at scope exit.
struct Child {
  pid_t pid = -1;
  explicit Child(const char *script) {
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::setpgid(0, 0);
      int fd = ::open("/dev/null", O_RDWR);
      ::dup2(fd, 0);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl("/bin/bash", "bash", "-c", script, static_cast<char *>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid, pid);
    // Wait for the exec: until then the child's comm is ours.
    for (int i = 0; i < 200 && comm_of(pid) != "bash"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(comm_of(pid) == "bash");
  }
  ~Child() {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  // First child process of this one (from /proc), waiting for it to appear.
  pid_t first_child() const {
    for (int i = 0; i < 200; ++i) {
      std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                      "/children");
      pid_t c = 0;
      if (f >> c && c > 0) {
        // Wait until it has exec'd (its comm is no longer bash).
        auto name = comm_of(c);
        if (!name.empty() && name != "bash") return c;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("no child process of " << pid);
    return -1;
  }
};

struct EnvGuard {
  std::string name;
  std::optional<std::string> old;
  EnvGuard(std::string n, const char *value) : name(std::move(n)) {
    if (const char *o = std::getenv(name.c_str())) old = o;
    if (value)
      ::setenv(name.c_str(), value, 1);
    else
      ::unsetenv(name.c_str());
  }
  ~EnvGuard() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};
} // namespace

TEST_CASE("env: the shell is detected from the parent process, through wrappers like timeout") {
  EnvGuard sh("SHELL", "/usr/bin/fish");
  Child bash("sleep 10; true");
  auto direct = detect_shell(bash.pid);
  REQUIRE(direct);
  CHECK(*direct == Shell::Bash);
  Child wrapped("timeout 10 sleep 10; true");
  auto t = wrapped.first_child(); // the `timeout` process, whose parent is bash
  auto through = detect_shell(t);
  REQUIRE(through);
  CHECK(*through == Shell::Bash);
}

TEST_CASE("env: without a shell parent, basename($SHELL) decides; without SHELL it is "
          "docker-machine's error") {
  {
    EnvGuard sh("SHELL", "/usr/local/bin/fish");
    auto s = detect_shell(::getpid()); // this test program is not a shell
    REQUIRE(s);
    CHECK(*s == Shell::Fish);
  }
  {
    EnvGuard sh("SHELL", "/bin/tcsh");
    auto s = detect_shell(::getpid());
    REQUIRE(s);
    CHECK(*s == Shell::Tcsh);
  }
  EnvGuard sh("SHELL", nullptr);
  auto s = detect_shell(::getpid());
  REQUIRE_FALSE(s);
  CHECK(s.error().message == "The default lines below are for a sh/bash shell, you can specify the "
                             "shell you're using, with the --shell flag.\n\nError: Unknown shell");
}
