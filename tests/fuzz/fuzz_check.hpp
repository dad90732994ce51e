#pragma once
// What every fuzz target asserts besides "no crash": a refused input gives one error line (the
// CLI prints it as is), and nothing printable carries a terminal escape.
#include <cstdio>
#include <cstdlib>
#include <provision/util/result.hpp>
#include <string_view>

namespace sc::fuzz {

inline void require(bool ok, const char *what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// An error message is one line with no control characters.
inline void require_one_line(const Error &e) {
  for (char c : e.message)
    require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
            "error message is not one printable line", e.message);
  require(!e.message.empty(), "empty error message");
}

} // namespace sc::fuzz
