// The Go-template engine under hostile templates: bounded nesting, work and output, and no
// exception on text that is not UTF-8 (each was a crash or an unbounded run before).
#include <cmd/format/gotemplate.hpp>
#include <doctest/doctest.h>
#include <string>

using namespace sc;

namespace {
std::string error_of(const std::string &tmpl, const nlohmann::json &data) {
  auto r = render_go_template(tmpl, data);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::usage);
  return r.error().message;
}
} // namespace

TEST_CASE("gotemplate: if/range nested over 100 deep is refused (no stack overflow)") {
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "{{if .}}";
  CHECK(error_of(deep, true) == "template: if/range nested more than 100 deep");
  std::string ok_depth;
  for (int i = 0; i < 100; ++i)
    ok_depth += "{{if .}}";
  ok_depth += "x";
  for (int i = 0; i < 100; ++i)
    ok_depth += "{{end}}";
  CHECK(render_go_template(ok_depth, true) == std::string("x"));
}

TEST_CASE("gotemplate: nested ranges stop after a million steps instead of running for hours") {
  nlohmann::json data = {{"L", nlohmann::json::array()}};
  for (int i = 0; i < 100; ++i)
    data["L"].push_back(i);
  // 100^6 iterations with no output.
  std::string t = "{{range .L}}{{range $.L}}{{range $.L}}{{range $.L}}{{range $.L}}{{range "
                  "$.L}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}";
  CHECK(error_of(t, data) == "template: execution takes too many steps");
}

TEST_CASE("gotemplate: output is bounded at 4 MiB") {
  nlohmann::json data = {{"S", std::string(1 << 20, 'x')}, {"L", {1, 2, 3, 4, 5, 6, 7, 8}}};
  CHECK(error_of("{{range .L}}{{$.S}}{{end}}", data) == "template: output larger than 4 MiB");
  auto fits = render_go_template("{{range .L}}{{.}}{{end}}{{.S}}", data);
  REQUIRE(fits);
  CHECK(fits->size() == (1u << 20) + 8);
}

TEST_CASE("gotemplate: json of text that is not UTF-8 replaces it instead of throwing") {
  CHECK(render_go_template("{{json .}}", std::string("caf\xe9")) ==
        std::string("\"caf\xEF\xBF\xBD\""));
  CHECK(render_go_template("{{json \"\xff\"}} {{printf \"%q\" \"\xfe\"}}", nullptr) ==
        std::string("\"\xEF\xBF\xBD\" \"\xEF\xBF\xBD\""));
}

TEST_CASE("gotemplate: a number too large for 64 bits is not a number (no stoll exception)") {
  CHECK(error_of("{{index . 99999999999999999999}}", nlohmann::json::array({1})) ==
        "template: function \"99999999999999999999\" not defined");
  CHECK(render_go_template("{{index . -0}}", nlohmann::json::array({7})) == std::string("7"));
}
