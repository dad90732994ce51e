#pragma once
// Text from a remote host made safe to print on a terminal.
#include <cstddef>
#include <string>
#include <string_view>

namespace sc {

// A single word (a version, an identifier) as received from a host: bytes outside printable
// ASCII — escape sequences, newlines, spaces, UTF-8 — become '?', and it is cut to `max` bytes.
std::string printable_word(std::string_view word, std::size_t max = 64);
// Text quoted in a one-line message (a program's answer, a value from a record): bytes outside
// printable ASCII become '?' (spaces stay), and it is cut to `max` bytes with "..." after it.
std::string printable_line(std::string_view text, std::size_t max = 80);

} // namespace sc
