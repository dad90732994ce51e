#pragma once
// Text templates embedded at build time (templates/ folder): `{{key}}` substitution only. An
// unknown key in the template, or a value that is never used, is an error. Values for shell are
// quoted by the caller (shell_quote) before rendering.
#include <map>
#include <provision/util/result.hpp>
#include <string>
#include <string_view>

namespace sc {
Result<std::string> render_template(std::string_view name,
                                    const std::map<std::string, std::string> &values);
// Renders template text directly (used by tests and by render_template).
Result<std::string> render_text(std::string_view text,
                                const std::map<std::string, std::string> &values,
                                std::string_view name = "template");
} // namespace sc
