// name_in / value_in: an enum's names read from one table in both directions.
#include <doctest/doctest.h>
#include <provision/util/name_table.hpp>
#include <string>

using namespace sc;

namespace {
enum class Color { Red, Green, Blue, Unnamed };
constexpr NameEntry<Color> k_colors[] = {
    {Color::Red, "red"}, {Color::Green, "green"}, {Color::Blue, "blue"}};
} // namespace

TEST_CASE("name table: a value's name, and the value of a name") {
  CHECK(name_in(k_colors, Color::Green) == "green");
  CHECK(name_in(k_colors, Color::Unnamed).empty());
  CHECK(value_in(k_colors, "blue") == Color::Blue);
  CHECK_FALSE(value_in(k_colors, "Blue")); // exact by default
  CHECK_FALSE(value_in(k_colors, ""));
  for (const auto &[color, name] : k_colors)
    CHECK(value_in(k_colors, name_in(k_colors, color)) == color);
}

TEST_CASE("name table: names compared the caller's way") {
  auto first_letter = [](std::string_view a, std::string_view b) {
    return !a.empty() && !b.empty() && a[0] == b[0];
  };
  CHECK(value_in(k_colors, "gray", first_letter) == Color::Green);
  static_assert(name_in(k_colors, Color::Red) == "red"); // usable at compile time
}
