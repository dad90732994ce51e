#pragma once
// An enum's names kept in one table of {value, name} pairs, read in both directions, so that a
// value printed is a value parsed back.
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

namespace sc {

template <class E> using NameEntry = std::pair<E, std::string_view>;

// The name of `value`; "" when the table has none.
template <class E, std::size_t N>
constexpr std::string_view name_in(const NameEntry<E> (&table)[N], E value) {
  for (const auto &[v, n] : table)
    if (v == value) return n;
  return "";
}

// The value named `name` (the first, by `same(table_name, name)`); nullopt when none is.
template <class E, std::size_t N, class Same = std::equal_to<>>
constexpr std::optional<E> value_in(const NameEntry<E> (&table)[N], std::string_view name,
                                    Same same = {}) {
  for (const auto &[v, n] : table)
    if (same(n, name)) return v;
  return std::nullopt;
}

} // namespace sc
