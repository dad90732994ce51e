// The VirtualBox driver's own descriptors (userdata disk, ISO download, fixed-address leases, the
// SSH port forward's port and banner) are owned: every path, failures half way included, leaves
// the process with the descriptors it had (counted in /proc/self/fd).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <drivers/virtualbox/b2d.hpp>
#include <drivers/virtualbox/network.hpp>
#include <filesystem>
#include <provision/util/fd.hpp>
#include <provision/util/fs.hpp>
#include <string>
#include <thread>

#include "../../support/temp_dir.hpp"

using namespace sc;
namespace fs = std::filesystem;

namespace {

int open_count() {
  int n = 0;
  for ([[maybe_unused]] const auto &e : fs::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// A listening socket on 127.0.0.1 with a kernel-chosen port.
struct Listener {
  Fd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  Listener() {
    REQUIRE(fd);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd.get(), 4) == 0);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  // Accepts one connection and writes `greeting` on it (in a thread: the client waits for it).
  std::thread greet(std::string greeting) {
    return std::thread([this, g = std::move(greeting)] {
      Fd c(::accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (c) (void)!::write(c.get(), g.data(), g.size());
    });
  }
};

} // namespace

TEST_CASE("virtualbox userdata disk: a failed write says so and leaves no descriptor open") {
  test::TempDir tmp("sc-vbox-fds");
  int before = open_count();
  // /dev/full opens for writing and fails every write (ENOSPC): the step after open fails.
  auto full = vbox::write_raw_disk("/dev/full", "ssh-rsa AAAA test\n", 1 << 20);
  REQUIRE_FALSE(full);
  CHECK(full.error().message == "write /dev/full: No space left on device");
  auto missing = vbox::write_raw_disk(tmp.path / "no" / "such" / "disk.raw", "k\n", 1 << 20);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.rfind("create ", 0) == 0);
  REQUIRE(vbox::write_raw_disk(tmp.path / "disk.raw", "ssh-rsa AAAA test\n", 1 << 20));
  CHECK(fs::file_size(tmp.path / "disk.raw") == (1u << 20));
  CHECK(open_count() == before);
}

TEST_CASE("virtualbox ISO download: a failed download leaves no descriptor or partial file") {
  test::TempDir tmp("sc-vbox-fds");
  vbox::IsoSource src{"file://" + (tmp.path / "absent.iso").string(), "", tmp.path / "cache"};
  (void)vbox::ensure_iso(src); // loads libcurl once: what it keeps open is not the download's
  int before = open_count();
  auto r = vbox::ensure_iso(src);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("cannot download the boot2docker ISO from file://") !=
        std::string::npos);
  CHECK(fs::is_empty(tmp.path / "cache")); // the .part file went with its FILE
  CHECK(open_count() == before);
}

TEST_CASE("virtualbox fixed-address lease: one owner per address, no descriptor left open") {
  test::TempDir tmp("sc-vbox-fds");
  int before = open_count();
  CHECK(vbox::take_fixed_ip(tmp.path, "192.168.99.10", "/store/machines/a"));
  CHECK(vbox::take_fixed_ip(tmp.path, "192.168.99.10", "/store/machines/a")); // already a's
  CHECK_FALSE(vbox::take_fixed_ip(tmp.path, "192.168.99.10", "/store/machines/b"));
  CHECK(*read_file(tmp.path / "192.168.99.10") == "/store/machines/a");
  // A lease directory that does not exist: the open fails, nothing is taken.
  CHECK_FALSE(vbox::take_fixed_ip(tmp.path / "gone", "192.168.99.11", "/store/machines/a"));
  CHECK(open_count() == before);
}

TEST_CASE("virtualbox SSH forward: the wanted port when free, another when taken") {
  Listener taken;
  int before = open_count();
  auto same = vbox::pick_port(0);
  REQUIRE(same);
  CHECK(*same > 0);
  auto other = vbox::pick_port(taken.port);
  REQUIRE(other);
  CHECK(*other != taken.port);
  CHECK(open_count() == before);
}

TEST_CASE("virtualbox SSH banner: an SSH peer passes; another peer, no peer fail; no fd left") {
  Listener ssh, web;
  int closed_port = 0;
  {
    Listener gone; // bound then closed: connecting to its port is refused
    closed_port = gone.port;
  }
  int before = open_count();
  auto t1 = ssh.greet("SSH-2.0-OpenSSH_9.2\r\n");
  CHECK(vbox::ssh_banner(ssh.port));
  t1.join();
  auto t2 = web.greet("HTTP/1.0 400 Bad Request\r\n\r\n");
  auto not_ssh = vbox::ssh_banner(web.port);
  t2.join();
  REQUIRE_FALSE(not_ssh);
  CHECK(not_ssh.error().message == "no SSH banner on 127.0.0.1:" + std::to_string(web.port));
  auto refused = vbox::ssh_banner(closed_port);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "connect 127.0.0.1:" + std::to_string(closed_port) + ": Connection refused");
  CHECK(open_count() == before);
}
