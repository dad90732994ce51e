#pragma once
// Small text helpers shared by every layer: splitting on a separator, folding whitespace.
#include <string>
#include <string_view>
#include <vector>

namespace sc {

// Every piece of `text` between the separators, empty ones included (Go's strings.Split): "a,,b"
// gives "a", "", "b"; "a\n" gives "a", ""; "" gives one empty piece. The pieces view `text`.
std::vector<std::string_view> split(std::string_view text, char sep);

// `text` with leading and trailing whitespace removed and every run of spaces, tabs, CRs and LFs
// inside it folded into one space (SigV4 header values, error bodies made one line).
std::string collapse_spaces(std::string_view text);

} // namespace sc
