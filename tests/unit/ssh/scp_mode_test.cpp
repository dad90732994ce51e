// The mode `scp` gives a file copied from a host, from the host's `stat -c %a` reply.
#include <doctest/doctest.h>
#include <provision/ssh/libssh_runner.hpp>

using namespace sc;

TEST_CASE("scp: the copied mode drops setuid/setgid/sticky and applies the umask") {
  CHECK(copied_file_mode("644", 022) == 0644u);
  CHECK(copied_file_mode("777", 022) == 0755u);
  CHECK(copied_file_mode("4777", 022) == 0755u);
  CHECK(copied_file_mode("6755", 0) == 0755u);
  CHECK(copied_file_mode("1777", 077) == 0700u);
  CHECK(copied_file_mode("0", 022) == 0u);
}

TEST_CASE("scp: an unexpected stat reply is one clear error, not an exception") {
  for (const char *reply : {"", "rwxr-xr-x", "8", "-1", "644 extra", "99999999999999999999",
                            "\x1b[31mred", "0x1ff", " 644"}) {
    std::string shown = reply;
    CAPTURE(shown);
    auto m = copied_file_mode(reply, 022);
    REQUIRE_FALSE(m);
    CHECK(m.error().code == Errc::parse);
    CHECK(m.error().message.find("unexpected reply to `stat`") != std::string::npos);
    CHECK(m.error().message.find('\x1b') == std::string::npos);
  }
}
