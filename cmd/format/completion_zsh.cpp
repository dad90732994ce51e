// zsh completion script (see completion.hpp).
#include <cmd/format/completion.hpp>
#include <fmt/format.h>
#include <map>
#include <provision/templates/render.hpp>
#include <provision/util/shell_quote.hpp>

namespace sc {

namespace {

// "name:description" for _describe, with the colons of the name escaped.
std::vector<std::string> zsh_specs(const std::vector<CompletionFlag> &flags) {
  std::vector<std::string> out;
  for (const auto &f : flags)
    for (const auto &n : f.names) {
      std::string h = f.help;
      for (auto &c : h)
        if (c == '\n') c = ' ';
      out.push_back(shell_quote(n + ":" + h));
    }
  return out;
}

std::string zsh_value(const CompletionModel &m, ValueKind k, const std::vector<std::string> &ch) {
  switch (k) {
  case ValueKind::Driver: {
    std::vector<std::string> names;
    for (const auto &[d, flags] : m.driver_flags)
      names.push_back(d);
    return "compadd -- " + join_words(names);
  }
  case ValueKind::Shell:
    return "compadd -- " + join_words(m.shells);
  case ValueKind::Choice:
    return "compadd -- " + shell_join(ch);
  case ValueKind::Machine:
    return "compadd -- $(_swarmctl_machines)";
  case ValueKind::ClusterFile:
    return "_files -g '*.(yml|yaml)'";
  case ValueKind::File:
    return "_files";
  case ValueKind::Dir:
    return "_files -/";
  case ValueKind::None:
    break;
  }
  return "_message value";
}

// The case arms of the script: flags, valued options, values and positionals per command.
std::map<std::string, std::string> zsh_arms(const CompletionModel &m) {
  std::string flags, valued, values, positional;
  auto value_arm = [&](const std::string &prefix_pat, const CompletionFlag &f) {
    std::string pats;
    for (const auto &n : f.names)
      pats += (pats.empty() ? "" : "|") + prefix_pat + n;
    values += fmt::format("    {}) {};;\n", pats, zsh_value(m, f.kind, f.choices));
  };
  for (const auto &c : m.commands) {
    std::string q = shell_quote(c.path);
    flags += fmt::format("    {}) reply=({});;\n", q, join_words(zsh_specs(c.flags)));
    auto v = flag_names(c.flags, true);
    if (c.path == "create")
      for (const auto &[d, fl] : m.driver_flags)
        for (auto &n : flag_names(fl, true))
          v.push_back(n);
    valued += fmt::format("    {}) reply=({});;\n", q, join_words(v));
    for (const auto &f : c.flags)
      if (f.takes_value) value_arm(shell_quote(c.path + " "), f);
    if (!c.subcommands.empty())
      positional += fmt::format("    {}) compadd -- {};;\n", q, join_words(c.subcommands));
    else if (c.path == "scp")
      positional += fmt::format(
          "    {}) local -a ms; ms=($(_swarmctl_machines)); compadd -S '' -- ${{^ms}}:; _files;;\n",
          q);
    else if (c.positional != ValueKind::None)
      positional +=
          fmt::format("    {}) {};;\n", q, zsh_value(m, c.positional, c.positional_choices));
  }
  for (const auto &[d, fl] : m.driver_flags)
    for (const auto &f : fl)
      if (f.takes_value) value_arm("'create '", f);
  for (const auto &f : m.global_flags)
    if (f.takes_value) value_arm("*' '", f);
  std::string drivers;
  for (const auto &[d, fl] : m.driver_flags)
    drivers += fmt::format("    {}) reply=({});;\n", d, join_words(zsh_specs(fl)));
  return {{"global", join_words(zsh_specs(m.global_flags))},
          {"flags", flags},
          {"drivers", drivers},
          {"valued", valued},
          {"global_valued", join_words(flag_names(m.global_flags, true))},
          {"values", values},
          {"positional", positional}};
}

} // namespace

Result<std::string> completion_zsh(const CompletionModel &m) {
  std::vector<std::string> top;
  std::string nested;
  for (const auto &c : m.commands) {
    if (!c.subcommands.empty()) nested += (nested.empty() ? "" : "|") + shell_quote(c.path);
    if (c.path.find(' ') == std::string::npos) top.push_back(shell_quote(c.path + ":" + c.help));
  }
  auto values = zsh_arms(m);
  values["default_driver"] = m.default_driver;
  values["nested"] = nested.empty() ? "''" : nested;
  values["top"] = join_words(top);
  return render_template("completion/_swarmctl.zsh", values);
}

} // namespace sc
