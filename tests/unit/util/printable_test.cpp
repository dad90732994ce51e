// printable_line: text from outside quoted in a one-line message.
#include <doctest/doctest.h>
#include <provision/util/printable.hpp>
#include <string>

using namespace sc;

TEST_CASE("printable_line: spaces stay, control bytes and non-ASCII become '?'") {
  CHECK(printable_line("VirtualBox 7.0 beta") == "VirtualBox 7.0 beta");
  CHECK(printable_line(std::string("a\0b\x7f\r\n\tc\x1b[2J\xc3\xa9", 14)) == "a?b????c?[2J??");
}

TEST_CASE("printable_line: cut to its bound, and says so") {
  CHECK(printable_line(std::string(100, 'x')) == std::string(80, 'x') + "...");
  CHECK(printable_line("abcdef", 3) == "abc...");
  CHECK(printable_line("abc", 3) == "abc");
}
