#pragma once
// Checked number parsing for text from outside (files, remote output, flags): the one place the
// tree turns text into integers. std::from_chars underneath: no exception, no locale, no errno.
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace sc {

// The whole of `s` as an integer of type T in `base`: nullopt when `s` is empty, has anything
// before or after the digits (spaces, '+', "0x"), or does not fit T. A '-' is accepted for signed
// T only.
template <class T> std::optional<T> parse_number(std::string_view s, int base = 10) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (s.empty()) return std::nullopt;
  if constexpr (std::is_unsigned_v<T>) {
    if (s.front() == '-') return std::nullopt;
  }
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// parse_number, and the value lies in [lo, hi].
template <class T> std::optional<T> parse_number_in(std::string_view s, T lo, T hi, int base = 10) {
  auto v = parse_number<T>(s, base);
  if (!v || *v < lo || *v > hi) return std::nullopt;
  return v;
}

// A TCP/UDP port: 1 to 65535.
inline std::optional<int> parse_port(std::string_view s) {
  return parse_number_in<int>(s, 1, 65535);
}

} // namespace sc
