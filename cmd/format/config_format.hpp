#pragma once
#include <string>

namespace sc {
// `config` output: docker client flags, every value (the engine URL too) quoted like Go's %q.
std::string render_config(const std::string &ca, const std::string &cert, const std::string &key,
                          const std::string &docker_host_url);
// Go's %q of a string, plus a backslash before $ and ` so that a POSIX shell's `eval` gives the
// value back verbatim and runs nothing.
std::string go_quote(const std::string &s);
} // namespace sc
