// `swarmctl scp` from a host (LibsshRunner::copy_from) against a real sshd on 127.0.0.1: what a
// hostile host serves arrives owned by us with mode & 0777 & ~umask, setuid bits and foreign
// owners dropped.
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fstream>
#include <provision/ssh/libssh_runner.hpp>
#include <string>

#include "../../support/require.hpp"
#include "sshd_fixture.hpp"

using namespace sc;
using namespace std::chrono_literals;

namespace {
struct UmaskGuard {
  mode_t old;
  explicit UmaskGuard(mode_t m) : old(::umask(m)) {}
  ~UmaskGuard() { ::umask(old); }
};

struct stat stat_of(const fs::path &p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

std::unique_ptr<LibsshRunner> connect_to(const test::Sshd &d) {
  SshConfig c;
  c.host = "127.0.0.1";
  c.port = d.port;
  c.key_path = d.client_key;
  c.known_hosts = d.known_hosts;
  c.connect_timeout = 5s;
  auto r = LibsshRunner::connect(c);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().message) << "\nsshd log:\n" << d.log());
  return std::move(*r);
}
} // namespace

TEST_CASE("scp: a setuid, world-writable file from a host arrives as mode & 0777 & ~umask") {
  test::Sshd d;
  auto r = connect_to(d);
  auto remote = d.dir / "served" / "tool";
  fs::create_directories(remote.parent_path());
  std::ofstream(remote) << "#!/bin/sh\n";
  REQUIRE(::chmod(remote.c_str(), 04777) == 0);
  auto local = d.dir / "fetched";
  UmaskGuard u(022);
  REQUIRE(r->copy_from(remote.string(), local, false));
  CHECK((stat_of(local).st_mode & 07777) == 0755);
}

TEST_CASE("scp -r: a host's tar keeps neither its owners nor its modes here") {
  SC_REQUIRE_PREREQ(test::is_root(), "root (to serve files owned by another user)");
  test::Sshd d;
  auto r = connect_to(d);
  auto tree = d.dir / "tree";
  fs::create_directories(tree / "sub");
  std::ofstream(tree / "sub" / "suid") << "x";
  REQUIRE(::chown((tree / "sub" / "suid").c_str(), 65534, 65534) == 0);
  REQUIRE(::chmod((tree / "sub" / "suid").c_str(), 04777) == 0);
  REQUIRE(::chown((tree / "sub").c_str(), 65534, 65534) == 0);
  REQUIRE(::chmod((tree / "sub").c_str(), 0777) == 0);
  auto local = d.dir / "copy";
  UmaskGuard u(027);
  REQUIRE(r->copy_from(tree.string(), local, true));
  auto f = stat_of(local / "tree" / "sub" / "suid");
  CHECK(f.st_uid == ::geteuid());
  CHECK((f.st_mode & 07777) == 0750);
  auto dir = stat_of(local / "tree" / "sub");
  CHECK(dir.st_uid == ::geteuid());
  CHECK((dir.st_mode & 07777) == 0750);
}
