// docker-machine's exit codes (commands/commands.go runCommand): 3 for a failed pre-create
// check, 1 for every other error, usage errors included.
#include <doctest/doctest.h>
#include <provision/util/result.hpp>

using namespace sc;

TEST_CASE("exit codes: 1 for every error but a failed pre-create check (3)") {
  for (Errc c : {Errc::generic, Errc::usage, Errc::not_found, Errc::already_exists, Errc::timeout,
                 Errc::unreachable, Errc::auth, Errc::host_key_changed, Errc::remote_failed,
                 Errc::parse, Errc::unsupported, Errc::io})
    CHECK(exit_code_for(Error{c, "x"}) == 1);
  CHECK(exit_code_for(Error{Errc::precreate, "x"}) == 3);
}
