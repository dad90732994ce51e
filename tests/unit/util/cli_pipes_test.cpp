// The built binary (SWARMCTL_BIN) against none-driver machines, no root needed:
// - `swarmctl ls | head -1` ends quietly (killed by SIGPIPE like docker-machine, no message) with
//   many machines (the table is larger than a pipe's 64 KiB buffer);
// - `ls --timeout` returns on time when the engines accept connections and never answer, with
//   more machines than query threads (the query threads are joined, each bounded by ls's deadline).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <provision/util/fd.hpp>
#include <provision/util/process.hpp>
#include <string>
#include <tests/support/require.hpp>

using namespace sc;
namespace fs = std::filesystem;

namespace {
std::string swarmctl() {
  if (const char *b = std::getenv("SWARMCTL_BIN")) return b;
  return std::string(SC_BINARY_DIR) + "/swarmctl";
}

struct Store {
  fs::path dir;
  Store() {
    std::string t = (fs::temp_directory_path() / "sc-cli-pipes.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
  }
  ~Store() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // `n` none-driver machines m00000.. with engine URL `url`: one made by swarmctl, the others
  // copies of its directory with the name replaced (thousands of creates would take minutes).
  void machines(int n, const std::string &url) const {
    auto c = run_process(
        {swarmctl(), "-s", dir.string(), "create", "-d", "none", "--url", url, "m00000"});
    REQUIRE(c);
    INFO(c->err);
    REQUIRE(c->exit_code == 0);
    auto py =
        run_process({"python3", "-c",
                     "import os,sys\n"
                     "d=sys.argv[1]; src=os.path.join(d,'m00000')\n"
                     "files={f:open(os.path.join(src,f),'rb').read() for f in os.listdir(src)}\n"
                     "for i in range(1,int(sys.argv[2])):\n"
                     "  n='m%05d'%i; dst=os.path.join(d,n); os.mkdir(dst,0o700)\n"
                     "  for f,b in files.items():\n"
                     "    fd=os.open(os.path.join(dst,f),os.O_WRONLY|os.O_CREAT,0o600)\n"
                     "    os.write(fd,b.replace(b'm00000',n.encode())); os.close(fd)\n",
                     (dir / "machines").string(), std::to_string(n)});
    REQUIRE(py);
    INFO(py->err);
    REQUIRE(py->exit_code == 0);
  }
};

bool have_binary() {
  return fs::exists(swarmctl());
}
} // namespace

TEST_CASE("cli: `swarmctl ls | head -1` ends quietly, killed by SIGPIPE") {
  SC_REQUIRE_PREREQ(have_binary(), "the swarmctl binary (SWARMCTL_BIN)");
  SC_REQUIRE_PREREQ(test::have_program("python3"), "python3");
  Store s;
  s.machines(800, "tcp://127.0.0.1:1"); // refused at once; ~120 KB of table
  auto r = run_process({"bash", "-c",
                        "\"$0\" -s \"$1\" ls --timeout 5 2>\"$1/ls.err\" | head -1; echo "
                        "\"status=${PIPESTATUS[0]}\"",
                        swarmctl(), s.dir.string()});
  REQUIRE(r);
  CHECK(r->out.rfind("NAME", 0) == 0);
  CHECK(r->out.find("status=141\n") != std::string::npos); // SIGPIPE, as docker-machine's
  auto err = run_process({"cat", (s.dir / "ls.err").string()});
  REQUIRE(err);
  CHECK(err->out == "");
}

TEST_CASE("cli: ls --timeout returns on time when every engine hangs") {
  SC_REQUIRE_PREREQ(have_binary(), "the swarmctl binary (SWARMCTL_BIN)");
  SC_REQUIRE_PREREQ(test::have_program("python3"), "python3");
  // An engine that accepts connections (the kernel completes them) and never answers.
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(listener);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
  REQUIRE(::listen(listener.get(), 512) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr *>(&a), &len) == 0);
  Store s;
  // Three times the 32 query threads: without the deadline bounding each query they would take
  // three rounds of the timeout.
  s.machines(96, "tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port)));
  auto start = std::chrono::steady_clock::now();
  auto r = run_process({swarmctl(), "-s", s.dir.string(), "ls", "--timeout", "1"});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r);
  INFO(r->out << r->err);
  CHECK(r->exit_code == 0);
  CHECK(secs < 2.5); // 1 s, 0.5 s for the answers in flight, start-up
  int rows = 0, unanswered = 0;
  for (size_t pos = r->out.find("\nm"); pos != std::string::npos;
       pos = r->out.find("\nm", pos + 1)) {
    ++rows;
    auto line = r->out.substr(pos + 1, r->out.find('\n', pos + 1) - pos - 1);
    unanswered +=
        line.find("Unknown") != std::string::npos || line.find("Timeout") != std::string::npos;
  }
  CHECK(rows == 96);
  CHECK(unanswered == 96);
}
