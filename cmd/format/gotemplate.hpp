#pragma once
// A subset of Go's text/template over JSON data, for `inspect -f` and `ls --format`:
// {{.A.B}}, {{.}}, {{json .X}}, {{prettyjson .X}}, {{printf "%s %d" .A .B}}, {{len .X}},
// {{index .X "k"}}, {{upper .X}}, {{lower .X}}, pipelines ({{.X | json}}), {{if}}/{{else}}/{{end}},
// {{range .X}}..{{end}}, and {{- -}} trimming. Values print like Go's fmt %v.
#include <nlohmann/json.hpp>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {
// Errc::usage "template: ..." on a parse or execution error, and on what no real template
// needs: if/range nested over 100 deep, over a million steps of execution (nested ranges
// multiply), output over 4 MiB.
Result<std::string> render_go_template(std::string_view tmpl, const nlohmann::json &data);
// Go's %v of a JSON value: strings raw, null "<no value>", arrays "[a b]", maps "map[k:v]".
std::string go_print(const nlohmann::json &v);
} // namespace sc
