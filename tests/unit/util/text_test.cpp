// split and collapse_spaces: the one splitter and the one whitespace folder of the tree.
#include <doctest/doctest.h>
#include <provision/util/text.hpp>
#include <string>
#include <vector>

using namespace sc;

namespace {
std::vector<std::string> pieces(std::string_view text, char sep) {
  std::vector<std::string> out;
  for (auto p : split(text, sep))
    out.emplace_back(p);
  return out;
}
} // namespace

TEST_CASE("split: every piece, empty ones included, as Go's strings.Split") {
  using V = std::vector<std::string>;
  CHECK(pieces("network create", ' ') == V{"network", "create"});
  CHECK(pieces("k1,v1,,v2", ',') == V{"k1", "v1", "", "v2"});
  CHECK(pieces("a\nb\n", '\n') == V{"a", "b", ""});
  CHECK(pieces("\n", '\n') == V{"", ""});
  CHECK(pieces("", ',') == V{""});
  CHECK(pieces("no separator", ',') == V{"no separator"});
}

TEST_CASE("split: the pieces view the text, they do not copy it") {
  std::string text = "ab:cd";
  auto p = split(text, ':');
  REQUIRE(p.size() == 2);
  CHECK(p[1].data() == text.data() + 3);
}

TEST_CASE("collapse_spaces: trims and folds runs of spaces, tabs, CR and LF into one space") {
  CHECK(collapse_spaces("  a \t\r\n b  c\n") == "a b c");
  CHECK(collapse_spaces("one") == "one");
  CHECK(collapse_spaces(" \t\n") == "");
  CHECK(collapse_spaces("") == "");
  // Only those four fold: a vertical tab or a form feed stays as it is.
  CHECK(collapse_spaces("a\vb\fc") == "a\vb\fc");
}
