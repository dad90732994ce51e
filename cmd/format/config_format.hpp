#pragma once
#include <string>

namespace sc {
// `config` output: docker client flags, paths quoted like Go's %q.
std::string render_config(const std::string &ca, const std::string &cert, const std::string &key,
                          const std::string &docker_host_url);
// Go's %q of a string.
std::string go_quote(const std::string &s);
} // namespace sc
