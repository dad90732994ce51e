#pragma once
// `env` output for every shell, byte-compatible with docker-machine, and shell detection.
#include <optional>
#include <provision/util/result.hpp>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace sc {

enum class Shell { Bash, Sh, Zsh, Fish, Powershell, Cmd, Emacs, Tcsh };

// Unknown names fall back to bash syntax, like docker-machine.
Shell parse_shell(std::string_view name);
// The shell of the parent process (walking past sudo, env, timeout, ...), else basename($SHELL).
// Fails with docker-machine's "Error: Unknown shell" when neither says anything.
Result<Shell> detect_shell(pid_t parent);
// Renders set (or unset) lines plus the usage hint for `command_line`. Every value is quoted for
// its shell so that `eval` gives it back verbatim and runs nothing (docker-machine's bytes when
// no escaping is needed); a value the shell cannot hold safely (cmd.exe: quote, %, !, control
// characters) is refused with Errc::usage.
Result<std::string> render_env(Shell shell,
                               const std::vector<std::pair<std::string, std::string>> &vars,
                               bool unset, const std::string &command_line);
// The no_proxy variable to print: `no_proxy` when the lowercase one is set, else NO_PROXY; the IP
// appended unless it already is an element (exact match, unlike docker-machine's substring test).
std::optional<std::pair<std::string, std::string>>
no_proxy_var(const char *lower, const char *upper, const std::string &ip, bool unset);

} // namespace sc
