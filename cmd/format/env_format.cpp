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

std::string render_env(Shell shell, const std::vector<std::pair<std::string, std::string>> &vars,
                       bool unset, const std::string &cmd) {
  std::string prefix, delim, suffix, comment, usage;
  switch (shell) {
  case Shell::Fish:
    prefix = unset ? "set -e " : "set -gx ";
    delim = unset ? "" : " \"";
    suffix = unset ? ";\n" : "\";\n";
    comment = "#";
    usage = fmt::format("eval ({})", cmd);
    break;
  case Shell::Powershell:
    prefix = unset ? "Remove-Item Env:\\\\" : "$Env:";
    delim = unset ? "" : " = \"";
    suffix = unset ? "\n" : "\"\n";
    comment = "#";
    usage = fmt::format("& {} | Invoke-Expression", cmd);
    break;
  case Shell::Cmd:
    prefix = "SET ";
    delim = "=";
    suffix = "\n";
    comment = "REM";
    usage = fmt::format("\t@FOR /f \"tokens=*\" %i IN ('{}') DO @%i", cmd);
    break;
  case Shell::Emacs:
    prefix = "(setenv \"";
    delim = unset ? "\" nil" : "\" \"";
    suffix = unset ? ")\n" : "\")\n";
    comment = ";;";
    usage = fmt::format("(with-temp-buffer (shell-command \"{}\" (current-buffer)) (eval-buffer))",
                        cmd);
    break;
  case Shell::Tcsh:
    prefix = unset ? "unsetenv " : "setenv ";
    delim = unset ? "" : " \"";
    suffix = unset ? ";\n" : "\";\n";
    comment = ":";
    usage = fmt::format("eval `{}`", cmd);
    break;
  default:
    prefix = unset ? "unset " : "export ";
    delim = unset ? "" : "=\"";
    suffix = unset ? "\n" : "\"\n";
    comment = "#";
    usage = fmt::format("eval $({})", cmd);
  }
  std::string out;
  for (const auto &[k, v] : vars)
    out += prefix + k + delim + (unset ? "" : v) + suffix;
  out += fmt::format("{} Run this command to configure your shell: \n{} {}\n", comment, comment,
                     usage);
  return out;
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
