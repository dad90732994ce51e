#include <cctype>
#include <cmd/format/completion.hpp>
#include <fmt/format.h>
#include <provision/templates/render.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

std::string join_words(const std::vector<std::string> &w) {
  std::string out;
  for (const auto &s : w)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> flag_names(const std::vector<CompletionFlag> &flags, bool valued_only) {
  std::vector<std::string> out;
  for (const auto &f : flags)
    if (!valued_only || f.takes_value) out.insert(out.end(), f.names.begin(), f.names.end());
  return out;
}

std::string shell_fn_suffix(const std::string &path) {
  std::string out;
  for (char c : path)
    out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

Result<std::string> scan_words(const CompletionModel &m) {
  std::string nested; // commands with subcommands: "kv" "network" read one more word
  for (const auto &c : m.commands)
    if (!c.subcommands.empty()) nested += (nested.empty() ? "" : "|") + shell_quote(c.path);
  return render_template("completion/scan-words.sh", {{"default_driver", m.default_driver},
                                                      {"nested", nested.empty() ? "''" : nested}});
}

std::string value_completion(const CompletionModel &m, ValueKind k,
                             const std::vector<std::string> &choices, const ValueSyntax &syntax) {
  switch (k) {
  case ValueKind::Driver: {
    std::vector<std::string> names;
    for (const auto &[d, flags] : m.driver_flags)
      names.push_back(d);
    return syntax.words(names);
  }
  case ValueKind::Shell:
    return syntax.words(m.shells);
  case ValueKind::Choice:
    return syntax.words(choices);
  case ValueKind::Machine:
    return syntax.machine;
  case ValueKind::ClusterFile:
    return syntax.cluster_file;
  case ValueKind::File:
    return syntax.file;
  case ValueKind::Dir:
    return syntax.dir;
  case ValueKind::None:
    break;
  }
  return syntax.none;
}

namespace {

std::string bash_words(const std::vector<std::string> &w) {
  return "_swarmctl_words " + shell_quote(join_words(w));
}

// Bash statements filling COMPREPLY.
const ValueSyntax k_bash_values = {.words = bash_words,
                                   .machine = "_swarmctl_words \"$(_swarmctl_machines)\"",
                                   .cluster_file = "_swarmctl_files '@(yml|yaml)'",
                                   .file = "_swarmctl_files",
                                   .dir = "COMPREPLY=($(compgen -d -- \"$cur\"))",
                                   .none = "COMPREPLY=()"};

// case arms "PATH OPTION) statement;;" for every valued option of every command.
std::string bash_value_arms(const CompletionModel &m) {
  std::string out;
  auto arms = [&](const std::string &path, const std::vector<CompletionFlag> &flags) {
    for (const auto &f : flags) {
      if (!f.takes_value) continue;
      std::string pats;
      for (const auto &n : f.names)
        pats += (pats.empty() ? "" : "|") + shell_quote(path + " " + n);
      out += fmt::format("    {}) {};;\n", pats,
                         value_completion(m, f.kind, f.choices, k_bash_values));
    }
  };
  for (const auto &c : m.commands)
    arms(c.path, c.flags);
  for (const auto &[d, flags] : m.driver_flags)
    arms("create", flags);
  // Global options are accepted after the command too: "* -s".
  for (const auto &f : m.global_flags) {
    if (!f.takes_value) continue;
    std::string pats;
    for (const auto &n : f.names)
      pats += (pats.empty() ? "" : "|") + ("*' '" + n);
    out +=
        fmt::format("    {}) {};;\n", pats, value_completion(m, f.kind, f.choices, k_bash_values));
  }
  return out;
}

// case arms "PATH) <lead>'words';;" from a per-command list of words.
template <class F>
std::string bash_command_arms(const CompletionModel &m, const char *lead, F words_of) {
  std::string out;
  for (const auto &c : m.commands) {
    std::string w = words_of(c);
    if (!w.empty())
      out += fmt::format("    {}) {}{};;\n", shell_quote(c.path), lead, shell_quote(w));
  }
  return out;
}

std::string bash_positional_arms(const CompletionModel &m) {
  std::string out;
  for (const auto &c : m.commands) {
    if (!c.subcommands.empty()) {
      out += fmt::format("    {}) _swarmctl_words {};;\n", shell_quote(c.path),
                         shell_quote(join_words(c.subcommands)));
      continue;
    }
    if (c.positional == ValueKind::None) continue;
    std::string stmt = value_completion(m, c.positional, c.positional_choices, k_bash_values);
    if (c.path == "scp") stmt = "_swarmctl_scp";
    out += fmt::format("    {}) {};;\n", shell_quote(c.path), stmt);
  }
  return out;
}

// Option names that take a value, per command; `create` also takes every driver's.
std::string bash_valued_arms(const CompletionModel &m) {
  return bash_command_arms(m, "list=", [&](const CompletionCommand &c) {
    auto v = flag_names(c.flags, true);
    if (c.path == "create")
      for (const auto &[d, f] : m.driver_flags)
        for (auto &n : flag_names(f, true))
          v.push_back(n);
    return join_words(v);
  });
}

} // namespace

Result<std::string> completion_bash(const CompletionModel &m) {
  std::vector<std::string> top;
  for (const auto &c : m.commands)
    if (c.path.find(' ') == std::string::npos) top.push_back(c.path);
  std::string driver_arms;
  for (const auto &[d, flags] : m.driver_flags)
    driver_arms +=
        fmt::format("    {}) echo {};;\n", d, shell_quote(join_words(flag_names(flags, false))));
  auto scan = scan_words(m);
  if (!scan) return scan;
  auto flag_words = [](const CompletionCommand &c) {
    return join_words(flag_names(c.flags, false));
  };
  return render_template("completion/swarmctl.bash",
                         {{"global", shell_quote(join_words(flag_names(m.global_flags, false)))},
                          {"global_valued", join_words(flag_names(m.global_flags, true))},
                          {"flag_arms", bash_command_arms(m, "echo ", flag_words)},
                          {"driver_arms", driver_arms},
                          {"valued_arms", bash_valued_arms(m)},
                          {"value_arms", bash_value_arms(m)},
                          {"pos_arms", bash_positional_arms(m)},
                          {"scan_words", *scan},
                          {"commands", shell_quote(join_words(top))}});
}

} // namespace sc
