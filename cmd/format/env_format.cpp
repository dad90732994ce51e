#include <cmd/format/env_format.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace sc {

Shell parse_shell(std::string_view n) {
  if (n == "fish") return Shell::Fish;
  if (n == "powershell" || n == "pwsh") return Shell::Powershell;
  if (n == "cmd") return Shell::Cmd;
  if (n == "emacs") return Shell::Emacs;
  if (n == "tcsh" || n == "csh") return Shell::Tcsh;
  if (n == "zsh") return Shell::Zsh;
  if (n == "sh" || n == "dash" || n == "ash") return Shell::Sh;
  return Shell::Bash;
}

namespace {
bool known_shell(const std::string &n) {
  for (const char *s : {"bash", "sh", "dash", "ash", "zsh", "fish", "tcsh", "csh", "pwsh",
                        "powershell", "ksh", "mksh"})
    if (n == s) return true;
  return false;
}

// comm and parent pid of a process from /proc.
bool proc_info(pid_t pid, std::string &comm, pid_t &ppid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  auto l = line.find('('), r = line.rfind(')');
  if (l == std::string::npos || r == std::string::npos) return false;
  comm = line.substr(l + 1, r - l - 1);
  std::istringstream rest(line.substr(r + 2));
  char state;
  rest >> state >> ppid;
  if (!comm.empty() && comm[0] == '-') comm.erase(0, 1); // login shells: "-bash"
  return true;
}
} // namespace

Result<Shell> detect_shell(pid_t parent) {
  pid_t pid = parent;
  for (int depth = 0; depth < 6 && pid > 1; ++depth) {
    std::string comm;
    pid_t ppid = 0;
    if (!proc_info(pid, comm, ppid)) break;
    if (known_shell(comm)) return parse_shell(comm);
    // Wrappers between the shell and us: look further up.
    if (comm != "sudo" && comm != "env" && comm != "timeout" && comm != "xargs" && comm != "nice" &&
        comm != "time" && comm != "stdbuf" && comm != "nohup" && comm != "watch")
      break;
    pid = ppid;
  }
  const char *sh = std::getenv("SHELL");
  if (sh && *sh) {
    std::string s = sh;
    return parse_shell(s.substr(s.rfind('/') + 1));
  }
  return fail(Errc::usage, "The default lines below are for a sh/bash shell, you can specify the "
                           "shell you're using, with the --shell flag.\n\nError: Unknown shell");
}

namespace {
bool has_any(const std::string &v, std::string_view chars) {
  return v.find_first_of(chars) != std::string::npos;
}
bool has_control(const std::string &v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// Backslash before every character of `special` (the shell's double-quote rules).
std::string backslashed(const std::string &v, std::string_view special) {
  std::string out;
  for (char c : v) {
    if (special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Characters that need no quoting in any shell.
constexpr std::string_view k_plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789 _-./=:,@+%";
bool plain(const std::string &v) {
  return v.find_first_not_of(k_plain) == std::string::npos;
}

// csh/tcsh. `eval \`...\`` splits the output into words and globs them (*?[] ~ and {} braces)
// before eval parses any quote, and nothing can be escaped inside its double quotes ($ and `
// still expand there). So: single quotes, with ' ! * ? [ ] ~ outside them behind a backslash, a
// newline as \<NL>. Braces cannot be written so that the word survives (tcsh expands them even
// when escaped): refused by the caller.
std::string tcsh_single(const std::string &v) {
  std::string out = "'";
  for (char c : v) {
    if (std::string_view("'!*?[]~").find(c) != std::string_view::npos)
      out += std::string("'\\") + c + "'";
    else if (c == '\n')
      out += "\\\n";
    else
      out += c;
  }
  return out + "'";
}

// PowerShell: single quotes are literal; the quote (and its typographic variants, which
// PowerShell also takes for quotes) is doubled.
std::string ps_single(const std::string &v) {
  std::string out = "'";
  for (size_t i = 0; i < v.size(); ++i) {
    out += v[i];
    if (v[i] == '\'') out += '\'';
    // U+2018..U+201B: E2 80 98..9B
    if (static_cast<unsigned char>(v[i]) == 0xE2 && i + 2 < v.size() &&
        static_cast<unsigned char>(v[i + 1]) == 0x80 &&
        static_cast<unsigned char>(v[i + 2]) >= 0x98 &&
        static_cast<unsigned char>(v[i + 2]) <= 0x9B) {
      out += v.substr(i + 1, 2) + v.substr(i, 3);
      i += 2;
    }
  }
  return out + "'";
}
bool ps_double_safe(const std::string &v) {
  // $ and ` expand inside PowerShell's double quotes; so do the typographic double quotes
  // U+201C..U+201E (E2 80 9C..9E) end them.
  if (has_any(v, "$`\"")) return false;
  for (size_t i = 0; i + 2 < v.size(); ++i)
    if (static_cast<unsigned char>(v[i]) == 0xE2 && static_cast<unsigned char>(v[i + 1]) == 0x80 &&
        static_cast<unsigned char>(v[i + 2]) >= 0x9C &&
        static_cast<unsigned char>(v[i + 2]) <= 0x9E)
      return false;
  return true;
}

// One `set` line. docker-machine's exact bytes for values that need no escaping.
Result<std::string> set_line(Shell shell, const std::string &k, const std::string &v) {
  switch (shell) {
  case Shell::Fish:
    return fmt::format("set -gx {} \"{}\";\n", k, backslashed(v, "\\\"$"));
  case Shell::Powershell:
    if (ps_double_safe(v)) return fmt::format("$Env:{} = \"{}\"\n", k, v);
    return fmt::format("$Env:{} = {}\n", k, ps_single(v));
  case Shell::Cmd:
    // cmd.exe cannot escape a quote, % or ! (delayed expansion) reliably, nor hold a line break.
    if (has_control(v) || has_any(v, "\"%!"))
      return fail(Errc::usage, fmt::format("{} cannot be written safely for cmd.exe (it contains a "
                                           "quote, %, ! or a control character); use another "
                                           "--shell",
                                           k));
    if (has_any(v, "&|<>^()")) return fmt::format("SET \"{}={}\"\n", k, v);
    return fmt::format("SET {}={}\n", k, v);
  case Shell::Emacs:
    return fmt::format("(setenv \"{}\" \"{}\")\n", k, backslashed(v, "\\\""));
  case Shell::Tcsh:
    if (has_any(v, "{}"))
      return fail(Errc::usage, fmt::format("{} cannot be written safely for tcsh (it contains a "
                                           "brace, which `eval` would expand); use another --shell",
                                           k));
    if (plain(v)) return fmt::format("setenv {} \"{}\";\n", k, v);
    return fmt::format("setenv {} {};\n", k, tcsh_single(v));
  default:
    return fmt::format("export {}=\"{}\"\n", k, backslashed(v, "\\\"$`"));
  }
}

// The usage hint is a comment; csh has none (docker-machine uses the `:` command, whose arguments
// are still expanded), so there a command line with special characters is single-quoted.
std::string usage_hint(Shell shell, std::string cmd) {
  for (auto &c : cmd)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f ||
        (shell == Shell::Tcsh && (c == '{' || c == '}')))
      c = '?';
  switch (shell) {
  case Shell::Fish:
    return fmt::format("# Run this command to configure your shell: \n# eval ({})\n", cmd);
  case Shell::Powershell:
    return fmt::format("# Run this command to configure your shell: \n# & {} | Invoke-Expression\n",
                       cmd);
  case Shell::Cmd:
    return fmt::format(
        "REM Run this command to configure your shell: \nREM \t@FOR /f \"tokens=*\" %i IN ('{}') "
        "DO @%i\n",
        cmd);
  case Shell::Emacs:
    return fmt::format(";; Run this command to configure your shell: \n;; (with-temp-buffer "
                       "(shell-command \"{}\" (current-buffer)) (eval-buffer))\n",
                       cmd);
  case Shell::Tcsh: {
    auto line = fmt::format("eval `{}`", cmd);
    return fmt::format(": Run this command to configure your shell: \n: {}\n",
                       plain(cmd) ? line : tcsh_single(line));
  }
  default:
    return fmt::format("# Run this command to configure your shell: \n# eval $({})\n", cmd);
  }
}

std::string unset_line(Shell shell, const std::string &k) {
  switch (shell) {
  case Shell::Fish:
    return fmt::format("set -e {};\n", k);
  case Shell::Powershell:
    return fmt::format("Remove-Item Env:\\\\{}\n", k);
  case Shell::Cmd:
    return fmt::format("SET {}=\n", k);
  case Shell::Emacs:
    return fmt::format("(setenv \"{}\" nil)\n", k);
  case Shell::Tcsh:
    return fmt::format("unsetenv {};\n", k);
  default:
    return fmt::format("unset {}\n", k);
  }
}
} // namespace

Result<std::string> render_env(Shell shell,
                               const std::vector<std::pair<std::string, std::string>> &vars,
                               bool unset, const std::string &cmd) {
  std::string out;
  for (const auto &[k, v] : vars) {
    if (unset) {
      out += unset_line(shell, k);
      continue;
    }
    auto line = set_line(shell, k, v);
    if (!line) return fail(line.error());
    out += *line;
  }
  return out + usage_hint(shell, cmd);
}

std::optional<std::pair<std::string, std::string>>
no_proxy_var(const char *lower, const char *upper, const std::string &ip, bool unset) {
  bool use_lower = lower && *lower;
  std::string name = use_lower ? "no_proxy" : "NO_PROXY";
  if (unset) return std::make_pair(name, std::string());
  std::string cur = use_lower ? lower : (upper ? upper : "");
  std::stringstream ss(cur);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item == ip) return std::make_pair(name, cur);
  return std::make_pair(name, cur.empty() ? ip : cur + "," + ip);
}

} // namespace sc
