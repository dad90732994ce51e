// `ssh [NAME] [ssh options] [--] [command...]` as docker-machine hands it to ssh(1).
#include <cmd/ssh_args.hpp>
#include <doctest/doctest.h>

using namespace sc;
using Words = std::vector<std::string>;

TEST_CASE("ssh: name, options until the first other word or --, then the command") {
  auto a = parse_ssh_args({"m1", "-C", "echo", "foo"});
  REQUIRE(a);
  CHECK(a->name == "m1");
  CHECK(a->compression);
  CHECK(a->command == Words{"echo", "foo"});

  auto b = parse_ssh_args({"m1", "--", "ls", "-lah", "/"});
  REQUIRE(b);
  CHECK_FALSE(b->compression);
  CHECK(b->command == Words{"ls", "-lah", "/"});

  // Options after the first command word belong to the command.
  auto c = parse_ssh_args({"m1", "ls", "-C"});
  REQUIRE(c);
  CHECK_FALSE(c->compression);
  CHECK(c->command == Words{"ls", "-C"});

  auto d = parse_ssh_args({"m1"});
  REQUIRE(d);
  CHECK(d->command.empty());
}

TEST_CASE("ssh: no name means the default machine; bundled flags; -t/-T; harmless -o") {
  auto a = parse_ssh_args({"--", "hostname"});
  REQUIRE(a);
  CHECK(a->name.empty());
  CHECK(a->command == Words{"hostname"});

  auto b = parse_ssh_args(
      {"m", "-qCt", "-o", "StrictHostKeyChecking=no", "-oUserKnownHostsFile=/dev/null", "uptime"});
  REQUIRE(b);
  CHECK(b->compression);
  CHECK(b->tty == SshInvocation::Tty::Force);
  CHECK(b->command == Words{"uptime"});

  auto c = parse_ssh_args({"m", "-T", "true"});
  REQUIRE(c);
  CHECK(c->tty == SshInvocation::Tty::Never);
}

TEST_CASE("ssh: options swarmctl cannot honour are refused with one line") {
  for (const Words &w : {Words{"m", "-L", "8080:localhost:80"}, Words{"m", "-A", "true"},
                         Words{"m", "-i", "/other/key", "true"}, Words{"m", "-p2222", "true"},
                         Words{"m", "-o", "ProxyCommand=nc %h %p", "true"}, Words{"m", "-o"}}) {
    auto r = parse_ssh_args(w);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::usage);
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
}
