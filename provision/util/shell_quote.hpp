#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sc {
// Quotes a value for POSIX sh so that it arrives verbatim: 'it'\''s' style. The empty string
// becomes ''. Safe characters ([A-Za-z0-9_@%+=:,./-]) are left bare.
std::string shell_quote(std::string_view s);
// Joins already-split arguments into one shell command line, quoting each.
std::string shell_join(const std::vector<std::string> &args);
} // namespace sc
